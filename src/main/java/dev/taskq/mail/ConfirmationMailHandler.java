package dev.taskq.mail;

import dev.taskq.i18n.Languages;
import dev.taskq.queue.Task;
import dev.taskq.worker.ServiceUnavailableException;
import dev.taskq.worker.TaskHandler;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Sends the confirmation mail for a submission; the result kept with the task is the mail's Message-ID.
 * SMTP connections are kept open between mails (opening one costs far more than sending a mail over it): a run
 * borrows an idle one or opens one, and gives it back only after a clean send. A connection that failed is closed,
 * never reused; one idle for long or used for many mails is replaced, so servers' idle timeouts and per-connection
 * limits are not hit. There are at most as many connections as handler runs at a time.
 * <p>
 * It sends with {@link SmtpSettings} (the server's session plus timeouts and TLS where that says nothing), names
 * each failure's kind with {@link SmtpFailures}, and renders the mail with {@link MailTemplates}. Templates and
 * settings are checked when the application starts: a broken template directory fails the deployment.
 */
@ApplicationScoped
public class ConfirmationMailHandler implements TaskHandler {

    public static final String TYPE = "confirmation-mail";

    /** Well below the idle timeouts SMTP servers use (RFC 5321 suggests at least 5 minutes). */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final int MAX_MAILS_PER_CONNECTION = 100;
    /**
     * After the server throttled us, probes fail for this long: connecting alone would succeed at once, and the
     * consumers would come back to the same refusal (the task waits, spending no attempt).
     */
    static final long THROTTLE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final Logger LOG = Logger.getLogger(ConfirmationMailHandler.class.getName());

    @Resource(lookup = MailSessionName.JNDI)
    Session mailSession;

    @Inject
    MailSettings settings;

    private volatile SmtpSettings smtp;
    private volatile long throttledUntil = System.nanoTime();
    private volatile MailTemplates templates;

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

    /** The task payload a submission becomes; {@code locale} is the visitor's language, the mail's too. */
    public static Map<String, String> payload(String name, String email, String message, Locale locale) {
        return Map.of("name", name, "email", email, "message", message, "locale", locale.toLanguageTag());
    }

    /** At deployment: settings and templates are checked (and the way mail goes out is logged, once). */
    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        configure(mailSession, settings.tls(), settings.templates());
        LOG.info(() -> "Confirmation mails go to " + smtp.describe() + ", templates: "
                + (settings.templates() == null ? "built in" : settings.templates().toAbsolutePath()
                + " (built-in ones where a file is missing)"));
    }

    /** Sets the handler up from a session, an SMTP_TLS value and a template directory (each may be null). */
    void configure(Session session, String tls, Path templateDirectory) {
        MailTemplates checked = new MailTemplates(templateDirectory);
        checked.validate();
        smtp = SmtpSettings.of(session, tls);
        templates = checked;
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
    public String handle(Task task) throws Exception {
        Map<String, String> payload = task.payload();
        Locale locale = Languages.of(payload == null ? null : payload.get("locale"));
        Map<String, Object> view = ConfirmationMail.view(locale, task.id(),
                required(payload, "name"), required(payload, "email"), required(payload, "message"));
        MimeMessage mail = ConfirmationMail.compose(smtp.session(), task.id(), required(payload, "email"), locale,
                templates.render(locale, view));
        Connection connection = borrow();
        try {
            connection.transport().sendMessage(mail, mail.getAllRecipients());
        } catch (MessagingException e) {
            closeQuietly(connection.transport());
            if (SmtpFailures.throttling(e)) {
                throttledUntil = System.nanoTime() + THROTTLE_PAUSE_NANOS;
            }
            throw SmtpFailures.classify(e, false, smtp.describe());
        } catch (RuntimeException e) {
            closeQuietly(connection.transport());
            throw e;
        }
        giveBack(new Connection(connection.transport(), connection.mailsSent() + 1, System.nanoTime()));
        return mail.getMessageID();
    }

    /**
     * Connects and disconnects (greeting, EHLO, STARTTLS, AUTH, QUIT), bounded by the SMTP timeouts; fails without
     * connecting for a while after the server throttled us.
     */
    @Override
    public void probe() throws Exception {
        long pause = throttledUntil - System.nanoTime();
        if (pause > 0) {
            throw new ServiceUnavailableException(SmtpFailures.SERVICE, smtp.describe()
                    + ": throttled by the mail server; sending again in " + TimeUnit.NANOSECONDS.toSeconds(pause)
                    + " s", null);
        }
        Transport transport = connect();
        closeQuietly(transport);
    }

    private Connection borrow() throws ServiceUnavailableException {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.reusable()) {
                return connection;
            }
            closeQuietly(connection.transport());
        }
        return new Connection(connect(), 0, System.nanoTime());
    }

    /**
     * A connected transport, or the reason why the mail server is unavailable. Nothing is logged here: the consumer
     * loop's breaker logs the outage once, with this reason, however many runs meet it.
     */
    private Transport connect() throws ServiceUnavailableException {
        SmtpSettings current = smtp;
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
                closeQuietly(transport);
            }
            throw SmtpFailures.unavailable(e, current.describe());
        }
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
