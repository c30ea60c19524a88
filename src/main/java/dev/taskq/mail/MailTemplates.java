package dev.taskq.mail;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.Guard;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import dev.taskq.i18n.Languages;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The confirmation mail's three templates, rendered with Mustache (mustache.java): {@code subject.mustache},
 * {@code text.mustache} and {@code html.mustache}. Each is looked up in the operator's directory
 * ({@code TASKQ_MAIL_TEMPLATES}) first, then among the built-in ones in the WAR; for each place, a language's own
 * file ({@code text_zh_CN.mustache}, {@code text_zh.mustache}) comes before the general one.
 * <p>
 * Rules that keep a mail whole and safe: a name the view does not have is an error (not an empty string); the HTML
 * template's values are HTML-escaped and it may not use unescaped tags ({@code {{{…}}}}, {@code {{&…}}}); the text
 * templates are not escaped; the subject sees no user input (no user input in a header); a template that renders
 * to nothing is an error. A file in the directory is compiled again when it is another file (its file key, e.g. the
 * inode), or its modification time or size changed, so a replaced template is used from the next mail on.
 */
final class MailTemplates {

    static final List<String> PARTS = List.of("subject", "text", "html");
    private static final String BUILT_IN = "/dev/taskq/mail/templates/";

    /** The three parts of a rendered mail. */
    record Rendered(String subject, String text, String html) {
    }

    private final Path directory;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    /** A compiled template and what identified its file then (the file key tells a replaced file apart). */
    private record Compiled(Object fileKey, FileTime modified, long size, Mustache mustache) {
    }

    /** @param directory the operator's templates, or null for the built-in ones only */
    MailTemplates(Path directory) {
        this.directory = directory;
    }

    /**
     * Renders every template for every supported language with sample values; run at deployment, so that a broken
     * directory fails the deployment with a message naming the file.
     */
    void validate() {
        if (directory != null && !Files.isDirectory(directory)) {
            throw new MailTemplateException("TASKQ_MAIL_TEMPLATES (taskq.mail.templates) is not a readable directory: "
                    + directory.toAbsolutePath());
        }
        for (Locale locale : Languages.SUPPORTED) {
            render(locale, ConfirmationMail.view(locale, "00000000-0000-0000-0000-000000000000", "Ann",
                    "ann@example.com", "A first line\nand a <second> one"));
        }
    }

    /** Renders the mail; throws {@link MailTemplateException} rather than return a part that failed or is blank. */
    Rendered render(Locale locale, Map<String, Object> view) {
        Map<String, Object> headerView = ConfirmationMail.headerView(view);
        return new Rendered(
                render("subject", locale, headerView).replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip(),
                render("text", locale, view),
                render("html", locale, view));
    }

    private String render(String part, Locale locale, Map<String, Object> view) {
        Template template = find(part, locale);
        StringWriter out = new StringWriter();
        try {
            template.mustache().execute(out, view).flush();
        } catch (MustacheException | IOException e) {
            throw new MailTemplateException("mail template " + template.name() + " failed to render: "
                    + rootMessage(e), e);
        }
        if (out.toString().isBlank()) {
            throw new MailTemplateException("mail template " + template.name() + " rendered nothing");
        }
        return out.toString();
    }

    private record Template(String name, Mustache mustache) {
    }

    private Template find(String part, Locale locale) {
        List<String> names = candidates(part, locale);
        if (directory != null) {
            for (String name : names) {
                Path file = directory.resolve(name);
                if (Files.isRegularFile(file)) {
                    return new Template(file.toString(), fromFile(part, file));
                }
            }
        }
        for (String name : names) {
            String resource = BUILT_IN + name;
            if (MailTemplates.class.getResource(resource) != null) {
                Compiled built = compiled.computeIfAbsent(resource, r -> new Compiled(null, null, 0, fromResource(part, r)));
                return new Template("(built-in) " + name, built.mustache());
            }
        }
        throw new MailTemplateException("no mail template " + part + ".mustache, neither in "
                + (directory == null ? "(no directory)" : directory) + " nor built in");
    }

    /** {@code text_zh_CN.mustache}, {@code text_zh.mustache}, {@code text.mustache}. */
    static List<String> candidates(String part, Locale locale) {
        List<String> names = new ArrayList<>();
        if (!locale.getCountry().isEmpty()) {
            names.add(part + "_" + locale.getLanguage() + "_" + locale.getCountry() + ".mustache");
        }
        if (!locale.getLanguage().isEmpty()) {
            names.add(part + "_" + locale.getLanguage() + ".mustache");
        }
        names.add(part + ".mustache");
        return names;
    }

    private Mustache fromFile(String part, Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Compiled known = compiled.get(file.toString());
            // A file copied in with its time kept (cp -p, rsync -a, tar) and the same size is still a new file.
            if (known != null && Objects.equals(known.fileKey(), attributes.fileKey())
                    && known.modified().equals(attributes.lastModifiedTime()) && known.size() == attributes.size()) {
                return known.mustache();
            }
            Mustache mustache = compile(part, Files.readString(file, StandardCharsets.UTF_8), file.toString());
            compiled.put(file.toString(), new Compiled(attributes.fileKey(), attributes.lastModifiedTime(),
                    attributes.size(), mustache));
            return mustache;
        } catch (IOException e) {
            throw new MailTemplateException("mail template " + file + " cannot be read: " + e, e);
        }
    }

    private static Mustache fromResource(String part, String resource) {
        try (InputStream in = MailTemplates.class.getResourceAsStream(resource)) {
            return compile(part, new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Mustache compile(String part, String source, String name) {
        boolean html = part.equals("html");
        if (html && (source.contains("{{{") || source.matches("(?s).*\\{\\{\\s*&.*"))) {
            throw new MailTemplateException("mail template " + name
                    + " uses an unescaped tag ({{{…}}} or {{&…}}); the HTML part only takes escaped values");
        }
        try (Reader reader = new StringReader(source)) {
            return factory(html).compile(reader, name);
        } catch (MustacheException | IOException e) {
            throw new MailTemplateException("mail template " + name + " does not compile: " + rootMessage(e), e);
        }
    }

    /** Strict about names; HTML-escaping for the HTML part only (mustache.java escapes everything by default). */
    private static DefaultMustacheFactory factory(boolean html) {
        DefaultMustacheFactory factory = html ? new DefaultMustacheFactory() : new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new MustacheException(e);
                }
            }
        };
        factory.setObjectHandler(new ReflectionObjectHandler() {
            @Override
            protected MissingWrapper createMissingWrapper(String name, List<Guard> guards) {
                throw new MustacheException("unknown name '" + name + "'");
            }
        });
        return factory;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
