package dev.taskq.submission;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/** Reads the REST API's JSON body into a {@link Submission}, with a precise reason when it cannot. */
final class SubmissionJson {

    // Json.createX() looks the JSON-P provider up on every call (a class-path scan on Payara, most of a task's CPU
    // time in the benchmark): look it up once.
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final Set<String> FIELDS = Set.of("name", "email", "message");

    /** The body is not a JSON object at all. */
    static final class MalformedBodyException extends Exception {
        MalformedBodyException(String message) {
            super(message);
        }
    }

    private SubmissionJson() {
    }

    /**
     * @throws MalformedBodyException      when the body is not one JSON object
     * @throws InvalidSubmissionException when a member has the wrong type or is unknown
     */
    static Submission parse(byte[] body) throws MalformedBodyException {
        JsonValue value;
        try (JsonParser parser = JSON.createParser(new ByteArrayInputStream(body))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new MalformedBodyException("The body must hold exactly one JSON value.");
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new MalformedBodyException("The body is not valid JSON.");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new MalformedBodyException("The body must be a JSON object with name, email and message.");
        }
        JsonObject object = value.asJsonObject();
        List<FieldError> errors = new ArrayList<>();
        for (String member : object.keySet()) {
            if (!FIELDS.contains(member)) {
                errors.add(new FieldError(member, "Unknown field; expected name, email and message."));
            }
        }
        Submission submission = new Submission(text(object, "name", errors), text(object, "email", errors),
                text(object, "message", errors));
        if (!errors.isEmpty()) {
            throw new InvalidSubmissionException(errors);
        }
        return submission;
    }

    /** A string member, null when absent or null (the validation rules then report it as missing). */
    private static String text(JsonObject object, String member, List<FieldError> errors) {
        JsonValue value = object.get(member);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        errors.add(new FieldError(member, "Must be a string."));
        return null;
    }
}
