package dev.taskq.queue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One unit of background work as it travels through Redis (encoded as JSON by {@link TaskCodec}).
 *
 * @param id        unique id, also the key of the task's status record
 * @param type      names the handler that runs it
 * @param payload   the handler's input; flat strings keep the wire format obvious
 * @param createdAt when the task was accepted
 */
public record Task(String id, String type, Map<String, String> payload, Instant createdAt) {

    public static Task create(String type, Map<String, String> payload) {
        return new Task(UUID.randomUUID().toString(), type, Map.copyOf(payload), Instant.now());
    }
}
