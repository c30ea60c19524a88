package dev.taskq.queue;

import jakarta.json.Json;
import java.time.Instant;

/** The JSON message published on {@link RedisKeys#events()} for each state change. */
final class TaskEvents {

    private TaskEvents() {
    }

    static String stateChanged(String taskId, TaskState state, Instant at) {
        return Json.createObjectBuilder()
                .add("id", taskId)
                .add("status", state.wireName())
                .add("at", at.toString())
                .build()
                .toString();
    }
}
