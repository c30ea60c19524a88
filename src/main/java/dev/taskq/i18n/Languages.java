package dev.taskq.i18n;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/** The supported languages and their words ({@code dev/taskq/i18n/messages*.properties}). */
public final class Languages {

    /** The first is the default. Keep in step with faces-config.xml's locale-config. */
    public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);

    public static final String BUNDLE = "dev.taskq.i18n.messages";

    /** No fall-back to the JVM's default locale: a language not found gets the base (English) file. */
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Languages() {
    }

    /**
     * The supported language that fits the visitor's preferences best (an {@code Accept-Language} list, best
     * first): the first preference whose language and, where given, country match; else the first whose language
     * matches ({@code zh-TW} gets Simplified Chinese rather than nothing); else the default.
     */
    public static Locale match(Enumeration<Locale> preferences) {
        List<Locale> wanted = preferences == null ? List.of() : Collections.list(preferences);
        for (Locale preference : wanted) {
            for (Locale supported : SUPPORTED) {
                if (supported.getLanguage().equals(preference.getLanguage())
                        && (preference.getCountry().isEmpty() || supported.getCountry().equals(preference.getCountry()))) {
                    return supported;
                }
            }
            for (Locale supported : SUPPORTED) {
                if (supported.getLanguage().equals(preference.getLanguage())) {
                    return supported;
                }
            }
        }
        return SUPPORTED.get(0);
    }

    /** The supported locale a language tag kept with a task names; the default for a missing or unknown one. */
    public static Locale of(String languageTag) {
        if (languageTag == null || languageTag.isBlank()) {
            return SUPPORTED.get(0);
        }
        Locale wanted = Locale.forLanguageTag(languageTag.strip());
        return match(Collections.enumeration(List.of(wanted)));
    }

    /** The words in {@code locale}, falling back key by key to English. */
    public static ResourceBundle messages(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale, Languages.class.getClassLoader(), CONTROL);
    }
}
