package dev.taskq.testing;

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
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TaskStatusPoller() {
    }

    public static JsonObject awaitFinal(Http http, URI taskUri) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonObject task;
        do {
            HttpResponse<String> response = http.get(taskUri);
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + taskUri + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            task = Json.createReader(new StringReader(response.body())).readObject();
            if (FINAL.contains(task.getString("status"))) {
                return task;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return task;
    }
}
