package dev.taskq.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.AlwaysFailingHandler;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code GET /api/tasks/{id}?wait=N} and the Server-Sent Events stream {@code GET /api/tasks/{id}/events}. */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class TaskEventsIT {

    private static final int MAX_ATTEMPTS = 3;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("events", TestServers.get().redisUrl(),
                        "taskq.max-attempts=" + MAX_ATTEMPTS + "\ntaskq.retry.base-delay-ms=300\n")
                .addClass(AlwaysFailingHandler.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void waitAnswersWithTheFinalRecordAndAFinishedTaskStreamsOneEvent() throws Exception {
        Http http = new Http(base);
        String email = UUID.randomUUID() + "@example.com";
        HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Ada").add("email", email).add("message", "Waiting for you").build().toString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        URI task = URI.create(accepted.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> waited = http.get(URI.create(task + "?wait=30"));

        assertEquals(200, waited.statusCode(), waited.body());
        JsonObject record = json(waited.body());
        assertEquals("succeeded", record.getString("status"), "one request answered with the final state");
        assertTrue(record.containsKey("result"), "the mail's Message-ID is recorded");
        assertEquals(1, Mailbox.await(email, 1).size());

        try (SseClient events = SseClient.open(URI.create(task + "/events"))) {
            assertEquals(200, events.statusCode());
            assertTrue(events.contentType().startsWith("text/event-stream"), events.contentType());
            SseClient.Event first = events.next();
            assertEquals("status", first.name());
            assertEquals("succeeded", first.status());
            assertEquals(record.getString("id"), first.json().getString("id"));
            assertNull(events.next(), "the stream ends after the final state");
        }
    }

    @Test
    void waitFollowsRetriesUntilTheTaskIsDead() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            Task task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", AlwaysFailingHandler.TYPE,
                    Map.of());

            HttpResponse<String> waited = new Http(base).get("api/tasks/" + task.id() + "?wait=30");

            assertEquals(200, waited.statusCode(), waited.body());
            JsonObject record = json(waited.body());
            assertEquals("dead", record.getString("status"), record.toString());
            assertEquals(MAX_ATTEMPTS, record.getInt("attempts"));
        }
    }

    @Test
    void waitEndsWithTheCurrentRecordWhenTheTaskStaysUnfinished() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            Task task = parked(redis);
            try {
                HttpResponse<String> waited = new Http(base).get("api/tasks/" + task.id() + "?wait=1");

                assertEquals(200, waited.statusCode(), waited.body());
                assertEquals("queued", json(waited.body()).getString("status"));
            } finally {
                redis.jedis().del(RedisProbe.PREFIX + "task:" + task.id());
            }
        }
    }

    @Test
    void waitOutsideZeroToThirtySecondsIsABadRequest() throws Exception {
        Http http = new Http(base);
        String id = UUID.randomUUID().toString();
        for (String wait : List.of("31", "-1", "abc", "", "1.5", "100", "%20")) {
            HttpResponse<String> answer = http.get("api/tasks/" + id + "?wait=" + wait);
            assertAll("wait=" + wait,
                    () -> assertEquals(400, answer.statusCode(), answer.body()),
                    () -> assertEquals("application/problem+json",
                            answer.headers().firstValue("Content-Type").orElse("")),
                    () -> assertTrue(json(answer.body()).getString("detail").contains("wait"), answer.body()));
        }
        HttpResponse<String> unknown = http.get("api/tasks/" + id + "?wait=30");
        assertEquals(404, unknown.statusCode(), "an unknown task is answered at once, not waited for");
    }

    @Test
    void theStreamStartsWithTheCurrentStateAndEndsAfterTheFinalOne() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            Task task = parked(redis);
            try (SseClient events = SseClient.open(new Http(base).resolve("api/tasks/" + task.id() + "/events"))) {
                assertEquals(200, events.statusCode());
                assertEquals("queued", events.next().status(), "first the current state");
                awaitSubscribed(redis);

                // Now a consumer may take it: it fails twice, is retried, and is dead after the third attempt.
                redis.jedis().lpush(RedisProbe.PREFIX + "ready", TaskCodec.encode(task));

                List<String> states = new ArrayList<>();
                for (SseClient.Event event : events.untilEnd()) {
                    assertEquals(task.id(), event.json().getString("id"));
                    states.add(event.status());
                }
                assertEquals(List.of("processing", "retrying", "queued", "processing", "retrying", "queued",
                        "processing", "dead"), states, "every change, in order, and the end after 'dead'");
            }
        }
    }

    @Test
    void everyStreamOfAServerSharesOneRedisSubscription() throws Exception {
        Http http = new Http(base);
        List<SseClient> streams = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        try (RedisProbe redis = new RedisProbe()) {
            try {
                for (int i = 0; i < 5; i++) {
                    Task task = parked(redis);
                    tasks.add(task);
                    SseClient events = SseClient.open(http.resolve("api/tasks/" + task.id() + "/events"));
                    streams.add(events);
                    assertEquals("queued", events.next().status());
                }
                awaitSubscribed(redis);

                assertEquals(1, redis.clientsNamed("taskq-events"), "one events connection for five streams");
                assertEquals(1L, subscribers(redis), "one subscriber on the events channel");
            } finally {
                for (SseClient events : streams) {
                    events.close();
                }
                tasks.forEach(task -> redis.jedis().del(RedisProbe.PREFIX + "task:" + task.id()));
            }
        }
    }

    @Test
    void theStreamOfAnUnknownTaskIsNotFound() throws Exception {
        Http http = new Http(base);
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-task-id")) {
            HttpResponse<String> answer = http.get("api/tasks/" + id + "/events");
            assertEquals(404, answer.statusCode(), answer.body());
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
            assertTrue(json(answer.body()).getString("detail").contains("No task with this id"), answer.body());
        }
    }

    /** A status record that no consumer will touch: its task is on no list until the test pushes it. */
    static Task parked(RedisProbe redis) {
        Task task = Task.create(AlwaysFailingHandler.TYPE, Map.of());
        redis.jedis().hset(RedisProbe.PREFIX + "task:" + task.id(), Map.of("id", task.id(),
                "type", task.type(), "status", "queued", "attempts", "0",
                "createdAt", task.createdAt().toString()));
        return task;
    }

    /** Waits until the server's subscription to the events channel is in place. */
    static void awaitSubscribed(RedisProbe redis) {
        await("a subscriber on the events channel").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> subscribers(redis) >= 1);
        assertEquals(1L, subscribers(redis), "subscribers on the events channel");
    }

    static long subscribers(RedisProbe redis) {
        return redis.jedis().pubsubNumSub(RedisProbe.PREFIX + "events").get(RedisProbe.PREFIX + "events");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
