package dev.taskq.mail;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;

/** Sends the confirmation mail for a submission; the result kept with the task is the mail's Message-ID. */
@ApplicationScoped
public class ConfirmationMailHandler implements TaskHandler {

    public static final String TYPE = "confirmation-mail";

    @Resource(lookup = MailSessionName.JNDI)
    Session mailSession;

    /** The task payload a submission becomes. */
    public static Map<String, String> payload(String name, String email, String message) {
        return Map.of("name", name, "email", email, "message", message);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) throws MessagingException {
        Map<String, String> payload = task.payload();
        MimeMessage mail = ConfirmationMail.compose(mailSession,
                required(payload, "name"), required(payload, "email"), required(payload, "message"));
        Transport.send(mail);
        return mail.getMessageID();
    }

    private static String required(Map<String, String> payload, String field) {
        String value = payload == null ? null : payload.get(field);
        if (value == null) {
            throw new IllegalArgumentException("payload has no '" + field + "'");
        }
        return value;
    }
}
