package dev.taskq.queue;

import jakarta.json.spi.JsonProvider;
import java.time.Instant;

/** The JSON message published on {@link RedisKeys#events()} for each state change. */
final class TaskEvents {

    // Json.createX() looks the JSON-P provider up on every call (a class-path scan on Payara, most of a task's CPU
    // time in the benchmark): look it up once.
    private static final JsonProvider JSON = JsonProvider.provider();

    private TaskEvents() {
    }

    static String stateChanged(String taskId, TaskState state, Instant at) {
        return JSON.createObjectBuilder()
                .add("id", taskId)
                .add("status", state.wireName())
                .add("at", at.toString())
                .build()
                .toString();
    }
}
