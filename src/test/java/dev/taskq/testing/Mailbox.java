package dev.taskq.testing;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The test SMTP server's received mail, looked up by recipient (every test uses its own addresses). */
public final class Mailbox {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Mailbox() {
    }

    /** Mails received so far whose envelope or header recipients include {@code address}. */
    public static List<MimeMessage> to(String address) {
        GreenMail greenMail = TestServers.get().greenMail();
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (addressedTo(message, address)) {
                found.add(message);
            }
        }
        return found;
    }

    /** Waits until at least {@code count} mails to {@code address} arrived (or 30 s passed), then returns them. */
    public static List<MimeMessage> await(String address, int count) {
        try {
            return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> to(address), found -> found.size() >= count);
        } catch (ConditionTimeoutException e) {
            return to(address); // the caller's assertion says how many came
        }
    }

    /** How many mails went to addresses at {@code domain}. */
    public static long countToDomain(String domain) {
        return TestServers.get().greenMail().getReceivedMessagesForDomain(domain).length;
    }

    /** The plain text of a mail (its text/plain alternative), with SMTP's CRLF line ends turned back into LF. */
    public static String text(MimeMessage message) {
        return part(message, "text/plain");
    }

    /** The HTML alternative of a mail, with CRLF turned into LF. */
    public static String html(MimeMessage message) {
        return part(message, "text/html");
    }

    private static String part(MimeMessage message, String type) {
        try {
            if (message.isMimeType(type)) {
                return ((String) message.getContent()).replace("\r\n", "\n");
            }
            jakarta.mail.Multipart parts = (jakarta.mail.Multipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType(type)) {
                    return ((String) parts.getBodyPart(i).getContent()).replace("\r\n", "\n");
                }
            }
            throw new IllegalStateException("the mail has no " + type + " part");
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean addressedTo(MimeMessage message, String address) {
        try {
            Address[] recipients = message.getAllRecipients();
            return recipients != null && Arrays.stream(recipients)
                    .anyMatch(recipient -> recipient.toString().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
