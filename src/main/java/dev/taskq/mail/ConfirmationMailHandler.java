package dev.taskq.mail;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Sends the confirmation mail for a submission; the result kept with the task is the mail's Message-ID.
 * SMTP connections are kept open between mails (opening one costs far more than sending a mail over it): a run
 * borrows an idle one or opens one, and gives it back only after a clean send. A connection that failed is closed,
 * never reused; one idle for long or used for many mails is replaced, so servers' idle timeouts and per-connection
 * limits are not hit. There are at most as many connections as handler runs at a time.
 */
@ApplicationScoped
public class ConfirmationMailHandler implements TaskHandler {

    public static final String TYPE = "confirmation-mail";

    /** Well below the idle timeouts SMTP servers use (RFC 5321 suggests at least 5 minutes). */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final int MAX_MAILS_PER_CONNECTION = 100;

    @Resource(lookup = MailSessionName.JNDI)
    Session mailSession;

    /** An open connection and what it has done so far. */
    private record Connection(Transport transport, int mailsSent, long idleSince) {

        boolean reusable() {
            return mailsSent < MAX_MAILS_PER_CONNECTION && System.nanoTime() - idleSince < MAX_IDLE_NANOS
                    && transport.isConnected();
        }
    }

    /** Idle connections, most recently used first (so surplus ones age out). */
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** The task payload a submission becomes. */
    public static Map<String, String> payload(String name, String email, String message) {
        return Map.of("name", name, "email", email, "message", message);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean sendsMail() {
        return true;
    }

    @Override
    public String handle(Task task) throws MessagingException {
        Map<String, String> payload = task.payload();
        MimeMessage mail = ConfirmationMail.compose(mailSession,
                required(payload, "name"), required(payload, "email"), required(payload, "message"));
        Connection connection = borrow(mail);
        try {
            connection.transport().sendMessage(mail, mail.getAllRecipients());
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(connection.transport());
            throw e;
        }
        giveBack(new Connection(connection.transport(), connection.mailsSent() + 1, System.nanoTime()));
        return mail.getMessageID();
    }

    private Connection borrow(MimeMessage mail) throws MessagingException {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.reusable()) {
                return connection;
            }
            closeQuietly(connection.transport());
        }
        // The transport Transport.send would use for this recipient, connected the same way (session settings).
        Transport transport = mailSession.getTransport(mail.getAllRecipients()[0]);
        transport.connect();
        return new Connection(transport, 0, System.nanoTime());
    }

    private void giveBack(Connection connection) {
        idle.offerFirst(connection);
        if (closed) {
            closeIdle(); // a run that finished after the application stopped
        }
    }

    @PreDestroy
    void closeIdle() {
        closed = true;
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            closeQuietly(connection.transport());
        }
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // The connection is dropped either way.
        }
    }

    private static String required(Map<String, String> payload, String field) {
        String value = payload == null ? null : payload.get(field);
        if (value == null) {
            throw new IllegalArgumentException("payload has no '" + field + "'");
        }
        return value;
    }
}
