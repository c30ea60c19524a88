package dev.taskq.queue;

import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Turns a {@link Task} into the JSON stored in Redis and back: {@code {"id", "type", "payload": {name: text, …},
 * "createdAt"}}. Written with JSON-P's streaming parser and generator (no reflection: this runs for every task);
 * members it does not know are skipped, so a newer producer's entries stay readable.
 */
public final class TaskCodec {

    // Json.createX() looks the JSON-P provider up on every call (a class-path scan on Payara): look it up once.
    private static final JsonProvider JSON = JsonProvider.provider();

    private TaskCodec() {
    }

    public static String encode(Task task) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject()
                    .write("id", task.id())
                    .write("type", task.type())
                    .writeStartObject("payload");
            task.payload().forEach(json::write);
            json.writeEnd()
                    .write("createdAt", task.createdAt().toString())
                    .writeEnd();
        }
        return out.toString();
    }

    public static Task decode(String entry) throws MalformedTaskException {
        String id = null;
        String type = null;
        Map<String, String> payload = null;
        Instant createdAt = null;
        try (JsonParser json = JSON.createParser(new StringReader(entry))) {
            expect(json, Event.START_OBJECT, "a JSON object");
            Event event;
            while ((event = json.next()) == Event.KEY_NAME) {
                String member = json.getString();
                Event value = json.next();
                switch (member) {
                    case "id" -> id = text(json, value, "id");
                    case "type" -> type = text(json, value, "type");
                    case "createdAt" -> createdAt = Instant.parse(text(json, value, "createdAt"));
                    case "payload" -> payload = payload(json, value);
                    default -> skip(json, value);
                }
            }
            if (event != Event.END_OBJECT || json.hasNext()) {
                throw new MalformedTaskException("not a task: one JSON object expected", null);
            }
        } catch (JsonException | NoSuchElementException | IllegalStateException | DateTimeException e) {
            throw new MalformedTaskException("not a task: " + e.getMessage(), e);
        }
        if (isBlank(id) || isBlank(type) || createdAt == null || payload == null) {
            throw new MalformedTaskException("not a task: id, type, payload and createdAt are required", null);
        }
        return new Task(id, type, Map.copyOf(payload), createdAt);
    }

    /** Whether an entry reads as a task. */
    public static boolean isTask(String entry) {
        return idOf(entry) != null;
    }

    /** The task id of an entry, or null when it is not a readable task (cheap enough for the rare paths). */
    static String idOf(String entry) {
        try {
            return decode(entry).id();
        } catch (MalformedTaskException e) {
            return null;
        }
    }

    private static Map<String, String> payload(JsonParser json, Event value) throws MalformedTaskException {
        if (value != Event.START_OBJECT) {
            throw new MalformedTaskException("not a task: the payload must map names to strings", null);
        }
        Map<String, String> payload = new LinkedHashMap<>();
        Event event;
        while ((event = json.next()) == Event.KEY_NAME) {
            String name = json.getString();
            if (json.next() != Event.VALUE_STRING) {
                throw new MalformedTaskException("not a task: the payload must map names to strings", null);
            }
            payload.put(name, json.getString());
        }
        return payload;
    }

    private static String text(JsonParser json, Event value, String member) throws MalformedTaskException {
        if (value != Event.VALUE_STRING) {
            throw new MalformedTaskException("not a task: '" + member + "' must be a string", null);
        }
        return json.getString();
    }

    private static void skip(JsonParser json, Event value) {
        if (value == Event.START_OBJECT) {
            json.skipObject();
        } else if (value == Event.START_ARRAY) {
            json.skipArray();
        }
    }

    private static void expect(JsonParser json, Event wanted, String what) throws MalformedTaskException {
        if (!json.hasNext() || json.next() != wanted) {
            throw new MalformedTaskException("not a task: " + what + " expected", null);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
