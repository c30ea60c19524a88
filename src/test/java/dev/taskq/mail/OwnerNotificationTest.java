package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class OwnerNotificationTest {

    private final Session session = Session.getInstance(properties());

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("mail.from", "Site <noreply@site.example.org>");
        return properties;
    }

    @Test
    void toTheOwnerReplyToTheSubmitterUnderAStableMessageId() throws Exception {
        MimeMessage mail = OwnerNotification.compose(session, "task-1", "owner@site.example.org", "Zoë Ångström",
                "zoe@example.com", "Hello\nthere", Instant.parse("2026-12-01T10:00:00Z"));
        assertEquals("owner@site.example.org",
                ((InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0]).getAddress());
        InternetAddress replyTo = (InternetAddress) mail.getReplyTo()[0];
        assertEquals("zoe@example.com", replyTo.getAddress());
        assertEquals("Zoë Ångström", replyTo.getPersonal());
        assertEquals("<taskq.task-1@site.example.org>", mail.getMessageID());
        assertEquals(OwnerNotification.SUBJECT, mail.getSubject());
        assertTrue(((String) mail.getContent()).contains("Hello\nthere"));
    }

    @Test
    void aNameWithLineBreaksAddsNoHeader() throws Exception {
        MimeMessage mail = OwnerNotification.compose(session, "task-2", "owner@site.example.org",
                "Eve\r\nBcc: victim@example.com\r\n\r\nbody", "eve@example.com", "hi", Instant.now());
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        mail.writeTo(raw);
        String headers = raw.toString(StandardCharsets.UTF_8).split("\r\n\r\n", 2)[0];
        assertNull(mail.getHeader("Bcc"));
        assertTrue(headers.lines().noneMatch(line -> line.startsWith("Bcc")), headers);
        assertEquals(1, headers.lines().filter(line -> line.startsWith("Reply-To:")).count());
        assertEquals("Eve Bcc: victim@example.com body", ((InternetAddress) mail.getReplyTo()[0]).getPersonal());
    }
}
