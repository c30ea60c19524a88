package dev.taskq.storage;

import dev.taskq.queue.Task;
import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Stores a submission: one row, keyed by the submission id. A row already there is success (the task was
 * delivered again after a crash or a lost reply). A database that cannot be reached is an outage
 * ({@link ServiceUnavailableException}: the consumers park store tasks and probe), not a failed attempt.
 */
@ApplicationScoped
public class StoreSubmissionHandler implements TaskHandler {

    static final String SERVICE = "database";

    @Inject
    SubmissionStore store;

    @Override
    public String type() {
        return SubmissionTasks.STORE_TYPE;
    }

    @Override
    public String handle(Task task) throws Exception {
        StoredSubmission submission = fromPayload(task.payload());
        try {
            return store.insertIfAbsent(submission) ? "stored" : "already stored";
        } catch (RuntimeException e) {
            if (DatabaseOutage.isOutage(e) || !answers()) {
                throw new ServiceUnavailableException(SERVICE, "database unreachable: " + rootMessage(e), e);
            }
            // Only the kind of failure: a database's message may quote the row (personal data), and task errors
            // are logged and shown.
            throw new IllegalStateException("the database refused the row: " + kind(e));
        }
    }

    @Override
    public void probe() throws Exception {
        store.probe();
    }

    /** Whether the database answers a probe; an error that is not classified as an outage is checked this way. */
    private boolean answers() {
        try {
            store.probe();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static StoredSubmission fromPayload(Map<String, String> payload) throws PermanentTaskFailure {
        try {
            return new StoredSubmission(required(payload, "submissionId"), required(payload, "name"),
                    required(payload, "email"), required(payload, "message"),
                    Instant.parse(required(payload, "receivedAt")), Boolean.parseBoolean(payload.get("spam")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new PermanentTaskFailure("not a store-submission payload: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> payload, String field) {
        String value = payload == null ? null : payload.get(field);
        if (value == null) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        return value;
    }

    /** SQLState and exception class of the innermost SQL error, or the innermost exception's class. */
    static String kind(Throwable error) {
        String kind = null;
        for (Throwable cause = error; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            kind = cause.getClass().getSimpleName();
            if (cause instanceof SQLException sql) {
                return "SQLState " + sql.getSQLState() + " (" + kind + ")";
            }
        }
        return kind;
    }

    /** The innermost message: names the failure (it holds no row values) without the wrappers' stack. */
    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
