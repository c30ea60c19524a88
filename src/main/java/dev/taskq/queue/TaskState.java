package dev.taskq.queue;

import java.util.Locale;

/**
 * Where a task is in its life:
 * {@code queued → processing → succeeded}, {@code processing → retrying → queued} (after a backoff),
 * {@code processing → dead} (attempts used up, or the task cannot be run).
 */
public enum TaskState {
    QUEUED, PROCESSING, RETRYING, SUCCEEDED, DEAD;

    /** The lower-case name used in Redis, JSON and events. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** A final state never changes again (unless an operator re-queues a dead task). */
    public boolean isFinal() {
        return this == SUCCEEDED || this == DEAD;
    }
}
