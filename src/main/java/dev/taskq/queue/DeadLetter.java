package dev.taskq.queue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.StringReader;

/**
 * A queue entry given up on: a task out of attempts or of an unknown type (id = the task's id), or an entry that
 * is not a task at all (id = a new one). Stored as JSON in the hash {@link RedisKeys#dead()}.
 */
public record DeadLetter(String id, String entry, String reason, String at) implements java.io.Serializable {

    static DeadLetter fromJson(String json) {
        try {
            JsonObject object = Json.createReader(new StringReader(json)).readObject();
            return new DeadLetter(object.getString("id", null), object.getString("entry", ""),
                    object.getString("reason", ""), object.getString("at", ""));
        } catch (JsonException | ClassCastException e) {
            return new DeadLetter(null, json, "unreadable dead letter", "");
        }
    }
}
