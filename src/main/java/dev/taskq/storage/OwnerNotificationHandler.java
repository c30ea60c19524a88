package dev.taskq.storage;

import dev.taskq.mail.MailSessionName;
import dev.taskq.queue.Task;
import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import dev.taskq.worker.TaskHandler;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Sends the owner ({@code TASKQ_NOTIFY_TO}) the notification of a submission; its own task, so it counts against no
 * limit of the submitter. One connection per mail ({@link Transport#send}): notifications are few. A mail server
 * that cannot be reached is an outage (no attempt spent), a refused recipient is permanent.
 */
@ApplicationScoped
public class OwnerNotificationHandler implements TaskHandler {

    @Resource(lookup = MailSessionName.JNDI)
    Session mailSession;

    @Inject
    StorageSettings settings;

    @Override
    public String type() {
        return SubmissionTasks.NOTIFY_TYPE;
    }

    @Override
    public String handle(Task task) throws Exception {
        String owner = settings.notifyTo().orElseThrow(() ->
                new PermanentTaskFailure("TASKQ_NOTIFY_TO is no longer set", null));
        Map<String, String> p = task.payload();
        MimeMessage mail;
        try {
            mail = OwnerNotification.compose(mailSession, owner, task.id(), p.get("name"), p.get("email"),
                    p.get("message"), Instant.parse(p.get("receivedAt")));
        } catch (AddressException | RuntimeException e) {
            throw new PermanentTaskFailure("not a notify-owner payload: " + e.getClass().getSimpleName(), e);
        }
        try {
            Transport.send(mail);
        } catch (SendFailedException e) {
            throw new PermanentTaskFailure("the mail server refused the owner's address", e);
        } catch (MessagingException e) {
            if (unreachable(e)) {
                throw new ServiceUnavailableException("mail server", "mail server unreachable: " + e.getMessage(), e);
            }
            throw e;
        }
        return mail.getMessageID();
    }

    @Override
    public void probe() throws Exception {
        Transport transport = mailSession.getTransport("smtp");
        transport.connect();
        transport.close();
    }

    private static boolean unreachable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause.getClass().getSimpleName().equals("MailConnectException")) {
                return true;
            }
            if (cause instanceof MessagingException m && m.getNextException() != null && m.getNextException() != cause
                    && m.getNextException() instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
