package dev.taskq.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;

/** A submission through the REST API, as a site's script makes it, and its task's status. */
public final class Submissions {

    private Submissions() {
    }

    /** Submits Ann's "Hello" to {@code email}; returns the task's status URL (the answer must be 202). */
    public static URI submit(Http http, String email) throws Exception {
        HttpResponse<String> answer = http.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Ann").add("email", email).add("message", "Hello").build().toString());
        assertEquals(202, answer.statusCode(), answer.body());
        return URI.create(answer.headers().firstValue("Location").orElseThrow());
    }

    /** The task's public status record (the answer must be 200). */
    public static JsonObject status(Http http, URI task) throws Exception {
        HttpResponse<String> response = http.get(task);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
