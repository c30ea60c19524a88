package dev.taskq.queue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * One state change of a task, as published on {@link RedisKeys#events()} (written by {@link TaskEvents}).
 *
 * @param taskId the task's id
 * @param state  the state it entered
 * @param at     when it entered it
 */
public record TaskEvent(String taskId, TaskState state, Instant at) {

    /** Reads a published message; anything that is not a well-formed event is empty (and ignored by callers). */
    public static Optional<TaskEvent> parse(String message) {
        try (JsonReader reader = Json.createReader(new StringReader(message))) {
            JsonObject json = reader.readObject();
            return Optional.of(new TaskEvent(json.getString("id"),
                    TaskState.fromWireName(json.getString("status")), Instant.parse(json.getString("at"))));
        } catch (JsonException | ClassCastException | NullPointerException | IllegalArgumentException
                 | DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The same JSON form as published: {@code {"id", "status", "at"}}. */
    public String toJson() {
        return TaskEvents.stateChanged(taskId, state, at);
    }
}
