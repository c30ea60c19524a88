package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfirmationMailTest {

    private final Session session = Session.getInstance(properties("noreply@example.com"));

    @Test
    void greetsByNameQuotesTheMessageAndTakesFromFromTheSession() throws Exception {
        MimeMessage mail = ConfirmationMail.compose(session, "Ann", "ann@example.com", "First line\nSecond line");

        assertArrayEquals(new Address[] {new InternetAddress("noreply@example.com")}, mail.getFrom());
        assertArrayEquals(new Address[] {new InternetAddress("ann@example.com")}, mail.getAllRecipients());
        assertEquals("auto-generated", mail.getHeader("Auto-Submitted")[0]);
        assertEquals("""
                Hello Ann,

                thank you for your message. We received it and will get back to you soon.

                Your message:

                > First line
                > Second line
                """, mail.getContent());
    }

    @Test
    void aNameStaysOnOneLine() {
        assertEquals("Hello Eve Bcc: x@example.com,", ConfirmationMail.body("Eve\r\nBcc: x@example.com\u0000", "m")
                .lines().findFirst().orElseThrow());
    }

    @Test
    void everyLineOfTheMessageIsQuotedWhateverItsLineBreaks() {
        assertEquals("> a\n>\n> b\n> c\n", ConfirmationMail.body("n", "a\r\n\r\nb\rc").split("Your message:\n\n")[1]);
    }

    @Test
    void onlyOneRecipientAddressIsAccepted() {
        assertThrows(AddressException.class,
                () -> ConfirmationMail.compose(session, "n", "a@example.com, b@example.com", "m"));
        assertThrows(AddressException.class,
                () -> ConfirmationMail.compose(session, "n", "a@example.com\r\nBcc: b@example.com", "m"));
    }

    private static Properties properties(String from) {
        Properties properties = new Properties();
        properties.setProperty("mail.from", from);
        return properties;
    }
}
