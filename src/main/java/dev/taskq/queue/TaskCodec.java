package dev.taskq.queue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.Map;

/** Turns a {@link Task} into the JSON stored in Redis and back. */
public final class TaskCodec {

    // Jsonb instances are thread-safe and costly to build: one per class loader is enough.
    private static final Jsonb JSONB = JsonbBuilder.create();

    private TaskCodec() {
    }

    public static String encode(Task task) {
        return JSONB.toJson(task);
    }

    public static Task decode(String json) throws MalformedTaskException {
        Task task;
        try {
            task = JSONB.fromJson(json, Task.class);
        } catch (RuntimeException | StackOverflowError e) {
            // Any parse failure, including absurd nesting from a foreign producer, makes the entry unreadable.
            throw new MalformedTaskException("not a task: " + e.getMessage(), e);
        }
        if (task == null || isBlank(task.id()) || isBlank(task.type()) || task.createdAt() == null
                || task.payload() == null) {
            throw new MalformedTaskException("not a task: id, type, payload and createdAt are required", null);
        }
        // Generics are erased and Yasson reads some arrays as maps: check the payload really is string → string.
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) task.payload()).entrySet()) {
            if (!(entry.getKey() instanceof String) || !(entry.getValue() instanceof String)) {
                throw new MalformedTaskException("not a task: the payload must map names to strings", null);
            }
        }
        return task;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
