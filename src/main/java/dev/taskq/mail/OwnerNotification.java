package dev.taskq.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Composes the site owner's notification of a submission: To the owner, Reply-To the submitter (so "Reply" answers
 * them), the submission in the body. The only user input in a header is the Reply-To: the address parsed strictly
 * as one address, the name on one line (control characters removed) and encoded by InternetAddress (RFC 2047 for
 * non-ASCII), so nothing can add a header through it. The Message-ID is derived from the task id
 * ({@link TaskMessage}): a notification sent again after a crash is the same message.
 */
final class OwnerNotification {

    static final String SUBJECT = "New message through the form";

    private OwnerNotification() {
    }

    static MimeMessage compose(Session session, String taskId, String owner, String name, String email,
                               String message, Instant receivedAt) throws MessagingException {
        MimeMessage mail = new TaskMessage(session, taskId);
        mail.setFrom();
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(owner, true));
        mail.setReplyTo(new InternetAddress[] {replyTo(name, email)});
        mail.setSubject(SUBJECT, StandardCharsets.UTF_8.name());
        // RFC 3834: tells auto-responders not to answer this mail.
        mail.setHeader("Auto-Submitted", "auto-generated");
        mail.setText(body(name, email, message, receivedAt), StandardCharsets.UTF_8.name());
        mail.saveChanges();
        return mail;
    }

    static InternetAddress replyTo(String name, String email) throws AddressException {
        String address = new InternetAddress(email, true).getAddress();
        try {
            return new InternetAddress(address, singleLine(name), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // UTF-8 is always there
        }
    }

    static String body(String name, String email, String message, Instant receivedAt) {
        return "A message came in through the form.\n\n"
                + "Name:     " + singleLine(name) + "\n"
                + "E-mail:   " + email + "\n"
                + "Received: " + receivedAt + "\n\n"
                + "Reply to this mail to answer them.\n\n"
                + "Message:\n\n" + message + "\n";
    }

    /** One line: any run of line breaks or other control characters becomes one space. */
    static String singleLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    }
}
