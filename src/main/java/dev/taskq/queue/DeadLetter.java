package dev.taskq.queue;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * A queue entry given up on: a task out of attempts or of an unknown type (id = the task's id), or an entry that
 * is not a task at all (id = a new one). Stored as JSON in the hash {@link RedisKeys#dead()}.
 */
public record DeadLetter(String id, String entry, String reason, String at) implements java.io.Serializable {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** Reads a dead letter stored under {@code id} (its hash field): the id it is listed, opened and deleted by. */
    static DeadLetter fromJson(String id, String json) {
        try {
            JsonObject object = JSON.createReader(new StringReader(json)).readObject();
            return new DeadLetter(id, object.getString("entry", ""), object.getString("reason", ""),
                    object.getString("at", ""));
        } catch (JsonException | ClassCastException e) {
            return new DeadLetter(id, json, "unreadable dead letter", "");
        }
    }
}
