package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.mail.Header;
import jakarta.mail.internet.MimeMessage;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Hostile and international input, end to end: the mail stays intact, with one recipient and no added header. */
@Tag("core") // on every real server in CI (see .ci/run)
class ConfirmationMailIT extends DeployedAppBase {

    @Test
    void lineBreaksCannotAddHeadersOrRecipientsAndUnicodeArrivesIntact() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        String victim = UUID.randomUUID() + "@example.org";
        String name = "Zoë 日本\r\nBcc: " + victim + "\r\nX-Injected: yes";
        String message = "Grüße aus Köln ✓\r\n\r\nCc: " + victim + "\nSubject: hijacked";

        java.net.http.HttpResponse<String> answer = http().postJson("api/submissions", Json.createObjectBuilder()
                .add("name", name).add("email", email).add("message", message).build().toString());
        assertEquals(202, answer.statusCode());
        String taskId = Json.createReader(new java.io.StringReader(answer.body())).readObject().getString("id");

        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size());
        MimeMessage mail = mails.get(0);
        String body = Mailbox.text(mail);
        List<String> headerNames = Collections.list(mail.getAllHeaders()).stream().map(Header::getName).toList();
        assertAll(
                () -> assertEquals(1, mail.getAllRecipients().length, "only the submitted address"),
                () -> assertEquals(email, mail.getAllRecipients()[0].toString()),
                () -> assertTrue(Mailbox.to(victim).isEmpty(), "nothing was sent to the injected address"),
                () -> assertNull(mail.getHeader("Bcc")),
                () -> assertNull(mail.getHeader("Cc")),
                () -> assertNull(mail.getHeader("X-Injected")),
                () -> assertEquals("We received your message", mail.getSubject()),
                () -> assertArrayEquals(new String[] {TestServers.MAIL_FROM}, mail.getHeader("From")),
                () -> assertTrue(mail.isMimeType("multipart/alternative"), mail.getContentType()),
                () -> assertTrue(((jakarta.mail.Multipart) mail.getContent()).getBodyPart(0).getContentType()
                        .toLowerCase().contains("charset=utf-8")),
                () -> assertEquals("<taskq." + taskId + "@example.com>", mail.getMessageID(),
                        "derived from the task and the From domain"),
                () -> assertTrue(body.contains("Hello Zoë 日本 Bcc: " + victim + " X-Injected: yes,"), body),
                () -> assertTrue(body.contains("> Grüße aus Köln ✓\n>\n> Cc: " + victim + "\n> Subject: hijacked"), body),
                () -> assertEquals(1, headerNames.stream().filter("Subject"::equalsIgnoreCase).count(), headerNames.toString()));
    }
}
