package dev.taskq.mail;

import dev.taskq.queue.Task;
import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import dev.taskq.worker.TaskHandler;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.Session;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Sends the site owner the notification of a submission ({@code notify-owner} tasks, enqueued with the submission
 * when {@code TASKQ_NOTIFY_TO} is set; the task carries the owner's address as {@code to}). Its own task, so it
 * counts against no limit of the submitter. It sends with the same {@link SmtpSettings} (timeouts, TLS) and the
 * same failure kinds ({@link SmtpFailures}) as the confirmation mail, over one connection per mail: notifications
 * are few.
 */
@ApplicationScoped
public class OwnerNotificationHandler implements TaskHandler {

    public static final String TYPE = "notify-owner";

    @Resource(lookup = MailSessionName.JNDI)
    Session mailSession;

    @Inject
    MailSettings settings;

    private volatile SmtpSettings smtp;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean sendsMail() {
        return true;
    }

    @Override
    public String handle(Task task) throws Exception {
        Map<String, String> p = task.payload();
        SmtpSettings current = smtp();
        MimeMessage mail;
        try {
            mail = OwnerNotification.compose(current.session(), task.id(), p.get("to"), p.get("name"),
                    p.get("email"), p.get("message"), Instant.parse(p.get("receivedAt")));
        } catch (AddressException | NullPointerException | DateTimeParseException e) {
            throw new PermanentTaskFailure("not a notify-owner payload: " + e.getClass().getSimpleName(), e);
        }
        Transport transport = connect(current);
        try {
            transport.sendMessage(mail, mail.getAllRecipients());
        } catch (MessagingException e) {
            throw SmtpFailures.classify(e, false, current.describe());
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                // Sent or not, the connection is done.
            }
        }
        return mail.getMessageID();
    }

    @Override
    public void probe() throws Exception {
        connect(smtp()).close();
    }

    private SmtpSettings smtp() {
        SmtpSettings current = smtp;
        if (current == null) {
            current = SmtpSettings.of(mailSession, settings.tls());
            smtp = current;
        }
        return current;
    }

    private static Transport connect(SmtpSettings current) throws ServiceUnavailableException {
        if (current.refusal() != null) {
            throw new ServiceUnavailableException(SmtpFailures.SERVICE, current.refusal(), null);
        }
        Transport transport = null;
        try {
            transport = current.session().getTransport(current.protocol());
            transport.connect();
            return transport;
        } catch (MessagingException e) {
            if (transport != null) {
                try {
                    transport.close();
                } catch (MessagingException ignored) {
                    // Not connected anyway.
                }
            }
            throw SmtpFailures.unavailable(e, current.describe());
        }
    }
}
