package dev.taskq.storage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * One kept submission; its key is the submission id (the id of its confirmation-mail task), so storing the same
 * submission twice finds the row already there. The table is created by {@link SchemaMigrations}, not by JPA.
 */
@Entity
@Table(name = "taskq_submission")
public class StoredSubmission implements Serializable {

    private static final long serialVersionUID = 1L;

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "name", length = 100, nullable = false)
    private String name;

    @Column(name = "email", length = 254, nullable = false)
    private String email;

    @Column(name = "message", length = 5000, nullable = false)
    private String message;

    /** UTC, to the millisecond: a plain TIMESTAMP maps the same way on every database and JPA provider. */
    @Column(name = "received_at", nullable = false)
    private LocalDateTime receivedAt;

    /**
     * {@value #MESSAGE}, or {@value #SPAM} for what the bot trap caught (kept apart, and only for the spam
     * retention). A text column rather than a boolean: providers bind booleans differently per database.
     */
    @Column(name = "kind", length = 10, nullable = false)
    private String kind;

    static final String MESSAGE = "message";
    static final String SPAM = "spam";

    protected StoredSubmission() {
    }

    public StoredSubmission(String id, String name, String email, String message, Instant receivedAt, boolean spam) {
        this.id = id;
        this.name = name;
        this.email = email;
        this.message = message;
        this.receivedAt = utc(receivedAt);
        this.kind = kind(spam);
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String email() {
        return email;
    }

    public String message() {
        return message;
    }

    public Instant receivedAt() {
        return receivedAt.toInstant(ZoneOffset.UTC);
    }

    public boolean spam() {
        return SPAM.equals(kind);
    }

    static String kind(boolean spam) {
        return spam ? SPAM : MESSAGE;
    }
}
