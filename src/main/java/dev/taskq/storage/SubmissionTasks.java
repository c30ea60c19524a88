package dev.taskq.storage;

import dev.taskq.mail.OwnerNotificationHandler;
import dev.taskq.queue.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The tasks that go with a submission's confirmation-mail task, enqueued together with it (all or none): one that
 * stores it, and, when {@code TASKQ_NOTIFY_TO} is set, one that notifies the owner. The submission id is the mail
 * task's id; the other tasks' ids are derived from it (name-based UUIDs), so an erasure finds every status record
 * that belongs to a stored submission.
 */
@ApplicationScoped
public class SubmissionTasks {

    public static final String STORE_TYPE = "store-submission";
    public static final String NOTIFY_TYPE = OwnerNotificationHandler.TYPE;

    @Inject
    StorageSettings settings;

    /**
     * The mail task first (its id is the submission's), then the store task and the notification task if any.
     *
     * @param spam caught by the bot trap: stored apart, and nobody is notified
     */
    public List<Task> around(Task mailTask, String name, String email, String message, boolean spam) {
        List<Task> tasks = new ArrayList<>(3);
        if (mailTask != null) {
            tasks.add(mailTask);
        }
        String submissionId = mailTask != null ? mailTask.id() : UUID.randomUUID().toString();
        Map<String, String> payload = Map.of(
                "submissionId", submissionId,
                "name", name,
                "email", email,
                "message", message,
                "receivedAt", (mailTask != null ? mailTask.createdAt() : Instant.now()).toString(),
                "spam", String.valueOf(spam));
        tasks.add(derived(submissionId, STORE_TYPE, payload));
        if (!spam && settings.notifyTo().isPresent()) {
            Map<String, String> notification = new HashMap<>(payload);
            notification.put("to", settings.notifyTo().get());
            tasks.add(derived(submissionId, NOTIFY_TYPE, notification));
        }
        return tasks;
    }

    /** Every task id that can belong to this submission (for erasure). */
    public static List<String> taskIds(String submissionId) {
        return List.of(submissionId, derivedId(submissionId, STORE_TYPE), derivedId(submissionId, NOTIFY_TYPE));
    }

    static String derivedId(String submissionId, String type) {
        return UUID.nameUUIDFromBytes((submissionId + "/" + type).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Task derived(String submissionId, String type, Map<String, String> payload) {
        Task base = Task.create(type, payload);
        return new Task(derivedId(submissionId, type), type, base.payload(), base.createdAt());
    }
}
