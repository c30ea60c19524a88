package dev.taskq.storage;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The settings of the kept submissions (MicroProfile Config, like {@link dev.taskq.config.TaskqSettings}). */
@ApplicationScoped
public class StorageSettings {

    @Inject
    @ConfigProperty(name = "taskq.datasource", defaultValue = "java:comp/DefaultDataSource")
    String dataSource;

    @Inject
    @ConfigProperty(name = "taskq.submissions.retention", defaultValue = "P365D")
    String retention;

    @Inject
    @ConfigProperty(name = "taskq.submissions.spam-retention", defaultValue = "P7D")
    String spamRetention;

    @Inject
    @ConfigProperty(name = "taskq.notify-to")
    Optional<String> notifyTo;

    @PostConstruct
    void check() {
        if (dataSource.isBlank()) {
            throw new IllegalStateException("taskq.datasource (TASKQ_DATASOURCE) must be a JNDI name");
        }
        retention();
        spamRetention();
        notifyTo().ifPresent(address -> {
            try {
                new jakarta.mail.internet.InternetAddress(address, true).validate();
            } catch (jakarta.mail.internet.AddressException e) {
                throw new IllegalStateException("taskq.notify-to (TASKQ_NOTIFY_TO) must be one e-mail address");
            }
        });
    }

    /** The JNDI name of the DataSource the submissions are kept in. */
    public String dataSource() {
        return dataSource.strip();
    }

    /** Rows older than this are deleted by the daily retention job. */
    public Duration retention() {
        return duration("taskq.submissions.retention", retention);
    }

    /** The same for what the bot trap caught. */
    public Duration spamRetention() {
        return duration("taskq.submissions.spam-retention", spamRetention);
    }

    /** Where the owner's notification of each submission goes; empty: no notification. */
    public Optional<String> notifyTo() {
        return notifyTo.map(String::strip).filter(value -> !value.isEmpty());
    }

    private static Duration duration(String name, String value) {
        String env = name.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        Duration duration;
        try {
            duration = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(name + " (" + env + ") must be an ISO-8601 duration such as P365D or PT12H");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalStateException(name + " (" + env + ") must be longer than zero");
        }
        return duration;
    }
}
