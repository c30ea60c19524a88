package dev.taskq.queue;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbVisibility;
import jakarta.json.bind.config.PropertyVisibilityStrategy;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
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
@JsonbVisibility(Task.RecordComponents.class)
public record Task(String id, String type, Map<String, String> payload, Instant createdAt) {

    // JSON-B 3 (Yasson 3.0 in Payara 6) does not know records: name the constructor and the fields explicitly.
    @JsonbCreator
    public Task(@JsonbProperty("id") String id, @JsonbProperty("type") String type,
                @JsonbProperty("payload") Map<String, String> payload,
                @JsonbProperty("createdAt") Instant createdAt) {
        this.id = id;
        this.type = type;
        this.payload = payload;
        this.createdAt = createdAt;
    }

    public static Task create(String type, Map<String, String> payload) {
        return new Task(UUID.randomUUID().toString(), type, Map.copyOf(payload), Instant.now());
    }

    /** Serialises a record through its fields rather than through (absent) JavaBean getters. */
    public static final class RecordComponents implements PropertyVisibilityStrategy {

        @Override
        public boolean isVisible(Field field) {
            return true;
        }

        @Override
        public boolean isVisible(Method method) {
            return false;
        }
    }
}
