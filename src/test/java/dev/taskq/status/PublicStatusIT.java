package dev.taskq.status;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * What anyone with a task id sees: a failed task's plain reason, never hosts, ports or replies (they stay in Redis
 * for operators); and one client's cap on open event streams and pending waits.
 */
@TaskqIT
class PublicStatusIT {

    private static final int CAP = 2;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("public-status", TestServers.get().redisUrl(),
                        "taskq.max-attempts=2\ntaskq.retry.base-delay-ms=200\ntaskq.client.max-streams=" + CAP
                                + "\ntaskq.client.max-waits=" + CAP + "\n")
                .addClass(LeakyFailingHandler.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aFailedTasksPublicStatusHoldsNoHostPortOrReply() throws Exception {
        Http http = new Http(base);
        try (RedisProbe redis = new RedisProbe()) {
            Task task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", LeakyFailingHandler.TYPE,
                    Map.of());
            URI status = http.resolve("api/tasks/" + task.id());

            JsonObject dead = TaskStatusPoller.awaitFinal(http, status);
            String page = http.get("submitted.xhtml?id=" + task.id()).body();
            String json = http.get(status).body();

            assertEquals("dead", dead.getString("status"));
            assertEquals("could not be delivered", dead.getString("reason"));
            for (String shown : List.of(json, page)) {
                assertAll(
                        () -> assertFalse(shown.contains(LeakyFailingHandler.HOST), shown),
                        () -> assertFalse(shown.contains(LeakyFailingHandler.PORT), shown),
                        () -> assertFalse(shown.contains("554"), shown),
                        () -> assertFalse(shown.contains("relay"), shown));
            }
            assertFalse(dead.containsKey("error") || dead.containsKey("errors"), json);
            assertTrue(redis.taskRecord(task.id()).get("error").contains(LeakyFailingHandler.REPLY),
                    "the details stay in Redis for operators");
        }
    }

    @Test
    void oneClientGetsOnlyItsShareOfStreamsAndWaits() throws Exception {
        Http http = new Http(base);
        try (RedisProbe redis = new RedisProbe()) {
            // A task that stays queued (its record only), so streams and waits stay open.
            String id = UUID.randomUUID().toString();
            redis.jedis().hset(RedisProbe.PREFIX + "task:" + id, Map.of("id", id, "type", "confirmation-mail",
                    "status", "queued", "attempts", "0", "createdAt", "2026-12-01T00:00:00Z"));
            URI events = http.resolve("api/tasks/" + id + "/events");
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < CAP; i++) {
                    SseClient stream = SseClient.open(events);
                    assertEquals(200, stream.statusCode());
                    assertEquals("queued", stream.next().status());
                    streams.add(stream);
                }
                SseClient refused = SseClient.open(events);
                streams.add(refused);
                assertEquals(429, refused.statusCode(), "one stream too many");

                List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
                for (int i = 0; i < CAP; i++) {
                    waits.add(CompletableFuture.supplyAsync(() -> get(http, "api/tasks/" + id + "?wait=30")));
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                        get(http, "api/tasks/" + id + "?wait=1").statusCode() == 429);
                HttpResponse<String> tooMany = get(http, "api/tasks/" + id + "?wait=30");
                assertEquals(429, tooMany.statusCode(), tooMany.body());
                assertTrue(tooMany.headers().firstValue("Retry-After").isPresent());
                assertEquals(200, get(http, "api/tasks/" + id).statusCode(), "a plain look is never capped");

                redis.jedis().del(RedisProbe.PREFIX + "task:" + id);
                redis.jedis().publish(RedisProbe.PREFIX + "events",
                        "{\"id\":\"" + id + "\",\"status\":\"dead\",\"at\":\"2026-12-01T00:00:01Z\"}");
                for (CompletableFuture<HttpResponse<String>> wait : waits) {
                    wait.join();
                }
            } finally {
                for (SseClient stream : streams) {
                    stream.close();
                }
            }
        }
    }

    private static HttpResponse<String> get(Http http, String path) {
        try {
            return http.get(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
