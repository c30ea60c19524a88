package dev.taskq.queue;

import java.util.Locale;

/** Where a task is in its life: {@code queued → processing → succeeded | failed}. */
public enum TaskState {
    QUEUED, PROCESSING, SUCCEEDED, FAILED;

    /** The lower-case name used in Redis, JSON and events. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
