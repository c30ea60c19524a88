package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The operator's mail templates on a running server: the WAR is deployed with {@code taskq.mail.templates} naming a
 * directory (as TASKQ_MAIL_TEMPLATES would), the directory is replaced by another one while the application runs,
 * and the next mail is made from the new files; a {@code <script>} in the message is escaped in the HTML part.
 */
@TaskqIT
class MailTemplatesIT {

    /** The directory the deployment is given; its contents are swapped by the test. */
    private static final Path TEMPLATES = Path.of("target", "mail-templates-it", "current").toAbsolutePath();
    private static final String HOSTILE = "<script>alert('x')</script> & more";

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        writeTemplates(TEMPLATES, "v1");
        return Deployments.war("templates", TestServers.get().redisUrl(), "taskq.mail.templates=" + TEMPLATES + "\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void aReplacedTemplateDirectoryChangesTheNextMailAndTheHtmlPartEscapesTheMessage() throws Exception {
        Http http = new Http(base);
        MimeMessage first = send(http);
        assertMadeFrom("v1", first);

        // As an operator deploys new templates: a new directory beside the old one, then swapped in by renames.
        Path next = TEMPLATES.resolveSibling("next-" + UUID.randomUUID());
        writeTemplates(next, "v2");
        Path old = TEMPLATES.resolveSibling("old-" + UUID.randomUUID());
        Files.move(TEMPLATES, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, TEMPLATES, StandardCopyOption.ATOMIC_MOVE);

        MimeMessage second = send(http);
        assertMadeFrom("v2", second);
    }

    private static void assertMadeFrom(String version, MimeMessage mail) throws Exception {
        String html = Mailbox.html(mail);
        String text = Mailbox.text(mail);
        System.out.printf("MailTemplatesIT %s: subject %s%nHTML part:%n%s%n", version, mail.getSubject(), html);
        assertAll(
                () -> assertEquals("[" + version + "] We received your message", mail.getSubject()),
                () -> assertTrue(html.contains("<p class=\"" + version + "\">"), html),
                () -> assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html),
                () -> assertFalse(html.contains("<script"), "no live script in the HTML part: " + html),
                () -> assertTrue(text.startsWith(version + " text"), text),
                () -> assertTrue(text.contains("> " + HOSTILE), "quoted as it was in the text part: " + text));
    }

    /** One mail through the API, as received by the SMTP server. */
    private static MimeMessage send(Http http) throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        HttpResponse<String> answer = http.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Ann").add("email", email).add("message", HOSTILE).build().toString());
        assertEquals(202, answer.statusCode(), answer.body());
        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size(), "one mail to " + email);
        return mails.get(0);
    }

    /** An operator's three templates, marked with {@code version} so the test can tell which made a mail. */
    private static void writeTemplates(Path directory, String version) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("subject.mustache"), "[" + version + "] {{subject}}\n");
        Files.writeString(directory.resolve("text.mustache"),
                version + " text\n\n{{greeting}}\n\n{{yourMessage}}\n\n{{messageQuoted}}\n");
        Files.writeString(directory.resolve("html.mustache"), "<!DOCTYPE html>\n<html lang=\"{{lang}}\">\n"
                + "<body>\n<p class=\"" + version + "\">{{greeting}}</p>\n<p>{{yourMessage}}</p>\n"
                + "<blockquote>{{#messageLines}}{{.}}<br>\n{{/messageLines}}</blockquote>\n</body>\n</html>\n");
    }
}
