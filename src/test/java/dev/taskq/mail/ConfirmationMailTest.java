package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfirmationMailTest {

    private static final String TASK_ID = "5f0c8a52-8a8e-4c53-9d0e-2f1b7c3a9e41";

    private final Session session = Session.getInstance(properties("noreply@example.com"));

    @Test
    void greetsByNameQuotesTheMessageAndTakesFromFromTheSession() throws Exception {
        MimeMessage mail = compose("Ann", "ann@example.com", "First line\nSecond line", Locale.ENGLISH);

        assertArrayEquals(new Address[] {new InternetAddress("noreply@example.com")}, mail.getFrom());
        assertArrayEquals(new Address[] {new InternetAddress("ann@example.com")}, mail.getAllRecipients());
        assertEquals("auto-generated", mail.getHeader("Auto-Submitted")[0]);
        assertEquals("We received your message", mail.getSubject());
        assertEquals("""
                Hello Ann,

                thank you for your message. We received it and will get back to you soon.

                Your message:

                > First line
                > Second line
                """, text(mail));
    }

    @Test
    void theMailIsPlainTextWithAnHtmlAlternative() throws Exception {
        MimeMessage mail = compose("Ann", "ann@example.com", "Hi", Locale.ENGLISH);

        Multipart parts = (Multipart) mail.getContent();
        assertTrue(mail.isMimeType("multipart/alternative"), mail.getContentType());
        assertEquals(2, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        assertTrue(parts.getBodyPart(1).getContentType().toLowerCase().contains("charset=utf-8"));
    }

    @Test
    void markupInTheInputIsEscapedInTheHtmlPartAndKeptAsTextInThePlainPart() throws Exception {
        MimeMessage mail = compose("<b>Eve</b>", "eve@example.com", "<script>alert(1)</script> & more",
                Locale.ENGLISH);

        String html = html(mail);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), html);
        assertTrue(html.contains("Hello &lt;b&gt;Eve&lt;/b&gt;,"), html);
        assertEquals(-1, html.indexOf("<script>"), html);
        assertTrue(text(mail).contains("> <script>alert(1)</script> & more"), text(mail));
    }

    @Test
    void aNameStaysOnOneLine() throws Exception {
        assertEquals("Hello Eve Bcc: x@example.com,",
                text(compose("Eve\r\nBcc: x@example.com\u0000", "e@example.com", "m", Locale.ENGLISH))
                        .lines().findFirst().orElseThrow());
    }

    @Test
    void everyLineOfTheMessageIsQuotedWhateverItsLineBreaks() throws Exception {
        assertEquals("> a\n>\n> b\n> c\n",
                text(compose("n", "n@example.com", "a\r\n\r\nb\rc", Locale.ENGLISH)).split("Your message:\n\n")[1]);
    }

    @Test
    void speaksSimplifiedChinese() throws Exception {
        MimeMessage mail = compose("王芳", "wang@example.com", "你好", Locale.SIMPLIFIED_CHINESE);

        assertEquals("我们已收到您的留言", mail.getSubject());
        assertEquals("zh-CN", mail.getHeader("Content-Language")[0]);
        assertTrue(text(mail).startsWith("王芳，您好：\n"), text(mail));
        assertTrue(html(mail).contains("<html lang=\"zh-CN\">"), html(mail));
    }

    @Test
    void onlyOneRecipientAddressIsAccepted() {
        assertThrows(AddressException.class, () -> compose("n", "a@example.com, b@example.com", "m", Locale.ENGLISH));
        assertThrows(AddressException.class,
                () -> compose("n", "a@example.com\r\nBcc: b@example.com", "m", Locale.ENGLISH));
    }

    @Test
    void theMessageIdComesFromTheTaskAndTheFromDomain() throws Exception {
        MimeMessage first = compose("Ann", "ann@example.com", "Hi", Locale.ENGLISH);
        MimeMessage again = compose("Ann", "ann@example.com", "Hi", Locale.ENGLISH);

        assertEquals("<taskq." + TASK_ID + "@example.com>", first.getMessageID());
        assertEquals(first.getMessageID(), again.getMessageID(), "a second copy is the same message");
    }

    private MimeMessage compose(String name, String email, String message, Locale locale) throws Exception {
        return ConfirmationMail.compose(session, TASK_ID, name, email, message, locale);
    }

    static String text(MimeMessage mail) throws Exception {
        return part(mail, 0);
    }

    static String html(MimeMessage mail) throws Exception {
        return part(mail, 1);
    }

    private static String part(MimeMessage mail, int index) throws Exception {
        return ((String) ((Multipart) mail.getContent()).getBodyPart(index).getContent()).replace("\r\n", "\n");
    }

    private static Properties properties(String from) {
        Properties properties = new Properties();
        properties.setProperty("mail.from", from);
        return properties;
    }
}
