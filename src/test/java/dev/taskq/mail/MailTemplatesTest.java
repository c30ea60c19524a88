package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's template directory: replaces the built-in templates file by file, checked and reloaded. */
class MailTemplatesTest {

    @TempDir
    Path directory;

    private static Map<String, Object> view(String message) {
        return ConfirmationMail.view(Locale.ENGLISH, "t-1", "Ann", "ann@example.com", message);
    }

    @Test
    void aFileInTheDirectoryReplacesTheBuiltInOneAndTheOthersStay() throws Exception {
        Files.writeString(directory.resolve("subject.mustache"), "Thanks from Example Shop ({{taskId}})");
        MailTemplates templates = new MailTemplates(directory);
        templates.validate();

        MailTemplates.Rendered mail = templates.render(Locale.ENGLISH, view("Hi"));

        assertEquals("Thanks from Example Shop (t-1)", mail.subject());
        assertTrue(mail.text().startsWith("Hello Ann,"), mail.text());
    }

    @Test
    void aTemplateReplacedWhileRunningChangesTheNextMail() throws Exception {
        Path text = directory.resolve("text.mustache");
        Files.writeString(text, "First version for {{name}}");
        MailTemplates templates = new MailTemplates(directory);
        assertEquals("First version for Ann", templates.render(Locale.ENGLISH, view("Hi")).text());

        Files.writeString(text, "Second version for {{name}}");
        // Make the change visible even on a file system with coarse time stamps.
        Files.setLastModifiedTime(text, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals("Second version for Ann", templates.render(Locale.ENGLISH, view("Hi")).text());
    }

    @Test
    void aFileCopiedInWithTheOldTimeAndSizeIsStillSeenAsNew() throws Exception {
        Path text = directory.resolve("text.mustache");
        Files.writeString(text, "First version for {{name}}");
        FileTime time = Files.getLastModifiedTime(text);
        MailTemplates templates = new MailTemplates(directory);
        assertEquals("First version for Ann", templates.render(Locale.ENGLISH, view("Hi")).text());

        // As cp -p or rsync -a put a file in place: a new file, same size, the old time kept.
        Path staged = directory.resolveSibling(directory.getFileName() + "-staged.mustache");
        Files.writeString(staged, "Other version for {{name}}");
        Files.setLastModifiedTime(staged, time);
        Files.move(staged, text, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertEquals("Other version for Ann", templates.render(Locale.ENGLISH, view("Hi")).text());
    }

    @Test
    void aLanguagesOwnFileComesFirst() throws Exception {
        Files.writeString(directory.resolve("text_zh_CN.mustache"), "中文 {{name}}");
        Files.writeString(directory.resolve("text.mustache"), "general {{name}}");
        MailTemplates templates = new MailTemplates(directory);

        assertEquals("中文 Ann", templates.render(Locale.SIMPLIFIED_CHINESE,
                ConfirmationMail.view(Locale.SIMPLIFIED_CHINESE, "t-1", "Ann", "a@example.com", "m")).text());
        assertEquals("general Ann", templates.render(Locale.ENGLISH, view("m")).text());
    }

    @Test
    void anUnknownNameIsAnErrorNotAnEmptyString() throws Exception {
        Files.writeString(directory.resolve("html.mustache"), "<p>{{greting}}</p>");
        MailTemplates templates = new MailTemplates(directory);

        MailTemplateException failure = assertThrows(MailTemplateException.class, templates::validate);
        assertTrue(failure.getMessage().contains("html.mustache") && failure.getMessage().contains("greting"),
                failure.getMessage());
    }

    @Test
    void theSubjectCannotUseUserInput() throws Exception {
        Files.writeString(directory.resolve("subject.mustache"), "Message from {{name}}");

        MailTemplateException failure = assertThrows(MailTemplateException.class,
                new MailTemplates(directory)::validate);
        assertTrue(failure.getMessage().contains("'name'"), failure.getMessage());
    }

    @Test
    void theHtmlTemplateCannotPrintUnescapedValues() throws Exception {
        Files.writeString(directory.resolve("html.mustache"), "<p>{{{message}}}</p>");

        MailTemplateException failure = assertThrows(MailTemplateException.class,
                new MailTemplates(directory)::validate);
        assertTrue(failure.getMessage().contains("unescaped"), failure.getMessage());
    }

    @Test
    void aTemplateThatRendersNothingIsAnError() throws Exception {
        Files.writeString(directory.resolve("text.mustache"), "{{#messageLines}}{{/messageLines}}  \n");

        assertThrows(MailTemplateException.class, new MailTemplates(directory)::validate);
    }

    @Test
    void aTemplateThatDoesNotCompileIsAnError() throws Exception {
        Files.writeString(directory.resolve("text.mustache"), "{{#messageLines}} never closed");

        MailTemplateException failure = assertThrows(MailTemplateException.class,
                new MailTemplates(directory)::validate);
        assertTrue(failure.getMessage().contains("text.mustache"), failure.getMessage());
    }

    @Test
    void aDirectoryThatIsNotThereFailsTheCheck() {
        MailTemplateException failure = assertThrows(MailTemplateException.class,
                new MailTemplates(directory.resolve("missing"))::validate);
        assertTrue(failure.getMessage().contains("TASKQ_MAIL_TEMPLATES"), failure.getMessage());
    }

    @Test
    void scriptInTheMessageIsEscapedInTheHtmlPart() {
        String html = new MailTemplates(null).render(Locale.ENGLISH, view("<script>alert('x')</script>")).html();

        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertEquals(-1, html.indexOf("<script>"));
    }
}
