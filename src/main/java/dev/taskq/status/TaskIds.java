package dev.taskq.status;

import java.util.regex.Pattern;

/** Task ids are UUIDs; anything else is not a task and is never looked up in Redis. */
final class TaskIds {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private TaskIds() {
    }

    static boolean isWellFormed(String id) {
        return id != null && UUID.matcher(id).matches();
    }
}
