package dev.taskq.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;

/**
 * Composes the confirmation mail. User input goes only into the body and the recipient address: the name and
 * message never reach a header, and the address is parsed strictly as exactly one address.
 */
public final class ConfirmationMail {

    static final String SUBJECT = "We received your message";

    private ConfirmationMail() {
    }

    /** A mail to {@code email}, From as configured on the session. */
    public static MimeMessage compose(Session session, String name, String email, String message)
            throws MessagingException {
        MimeMessage mail = new MimeMessage(session);
        // From comes from the server's mail session (its "mail.from" property), never from the request.
        mail.setFrom();
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(email, true));
        mail.setSubject(SUBJECT, StandardCharsets.UTF_8.name());
        // RFC 3834: tells auto-responders not to answer this mail.
        mail.setHeader("Auto-Submitted", "auto-generated");
        mail.setText(body(name, message), StandardCharsets.UTF_8.name());
        mail.saveChanges();
        return mail;
    }

    static String body(String name, String message) {
        StringBuilder body = new StringBuilder()
                .append("Hello ").append(singleLine(name)).append(",\n\n")
                .append("thank you for your message. We received it and will get back to you soon.\n\n")
                .append("Your message:\n\n");
        for (String line : message.split("\\R", -1)) {
            body.append(line.isEmpty() ? ">" : "> " + line).append('\n');
        }
        return body.toString();
    }

    /** A name is one line: any run of line breaks or other control characters becomes one space. */
    private static String singleLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    }
}
