package dev.taskq.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LanguagesTest {

    @Test
    void theFirstSupportedPreferenceWins() {
        assertEquals(Locale.SIMPLIFIED_CHINESE, match("fr-FR", "zh-CN", "en"));
        assertEquals(Locale.ENGLISH, match("en-GB", "zh-CN"));
        assertEquals(Locale.SIMPLIFIED_CHINESE, match("zh"));
        assertEquals(Locale.ENGLISH, match("fr", "de"), "the default");
        assertEquals(Locale.ENGLISH, match());
    }

    @Test
    void aTagKeptWithATaskNamesASupportedLanguage() {
        assertEquals(Locale.SIMPLIFIED_CHINESE, Languages.of("zh-CN"));
        assertEquals(Locale.ENGLISH, Languages.of("en"));
        assertEquals(Locale.ENGLISH, Languages.of(null), "tasks queued before languages existed");
        assertEquals(Locale.ENGLISH, Languages.of("xx-unknown"));
    }

    @Test
    void englishStaysEnglishOnAServerWhoseDefaultLocaleIsChinese() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.SIMPLIFIED_CHINESE);
        try {
            assertEquals("Contact us", Languages.messages(Locale.ENGLISH).getString("form.title"));
            assertEquals("联系我们", Languages.messages(Locale.SIMPLIFIED_CHINESE).getString("form.title"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void theChineseFilesHaveEveryWordTheEnglishOnesHave() throws Exception {
        for (String bundle : List.of("/dev/taskq/i18n/messages", "/ValidationMessages")) {
            Properties english = load(bundle + ".properties");
            Properties chinese = load(bundle + "_zh_CN.properties");
            assertEquals(english.stringPropertyNames(), chinese.stringPropertyNames(), bundle);
        }
    }

    private static Properties load(String resource) throws Exception {
        Properties properties = new Properties();
        try (Reader in = new InputStreamReader(LanguagesTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }

    private static Locale match(String... tags) {
        return Languages.match(Collections.enumeration(List.of(tags).stream().map(Locale::forLanguageTag).toList()));
    }
}
