package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** Reads a task's status over the REST API until it is final (or 30 s passed). */
public final class TaskStatusPoller {

    private static final Set<String> FINAL = Set.of("succeeded", "dead");

    private TaskStatusPoller() {
    }

    /** The task's record once it is final; fails when it is not final within 30 s or the API does not answer 200. */
    public static JsonObject awaitFinal(Http http, URI taskUri) {
        return await("task " + taskUri + " final").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> read(http, taskUri), task -> FINAL.contains(task.getString("status")));
    }

    private static JsonObject read(Http http, URI taskUri) throws Exception {
        HttpResponse<String> response = http.get(taskUri);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + taskUri + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
