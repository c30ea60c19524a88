package dev.taskq.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TestUsers;
import dev.taskq.web.CrossSiteAdminGuard;
import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The whole application on a Redis reached over TLS (certificate checked, host name included, client certificate
 * shown) as the ACL user of README's {@code ACL SETUSER} line: run with {@code -Predis-tls} (see pom.xml). A
 * submission is queued, taken, run and mailed, its events reach a stream, the console and the operators' API read
 * and pause the queue, and Redis refused nothing the application asked for.
 */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = "rediss://.*")
class RedisTlsAclIT extends DeployedAppBase {

    /** What the operators' API asks of a state-changing request that is not JSON. */
    private static final String[] CSRF = {CrossSiteAdminGuard.HEADER, "taskq-test"};

    @Test
    void submissionsEventsAndTheConsoleWorkThroughTheAclUserOverTls() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            redis.jedis().aclLogReset();
            Http http = http();
            Http admin = http().signedIn(TestUsers.ADMIN.name(), TestUsers.PASSWORD);
            Http operator = http().as(TestUsers.ADMIN.name(), TestUsers.PASSWORD);

            // Paused: the task waits, so its stream sees it leave the queue.
            assertEquals(204, operator.put("api/admin/pause", CSRF).statusCode());
            String email = UUID.randomUUID() + "@example.com";
            HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                    .add("name", "Tess").add("email", email).add("message", "Over TLS").build().toString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            URI task = URI.create(accepted.headers().firstValue("Location").orElseThrow());
            String page = admin.get("admin/index.xhtml").body();
            assertTrue(page.contains("id=\"pause-state\""), "the console reads the pause: " + page);

            try (SseClient events = SseClient.open(URI.create(task + "/events"))) {
                assertEquals("queued", events.next().status());
                assertEquals(204, operator.delete("api/admin/pause", CSRF).statusCode());
                SseClient.Event event = events.next();
                while (event != null && !event.status().equals("succeeded")) {
                    event = events.next();
                }
                assertTrue(event != null, "the stream saw the task succeed");
            }
            assertEquals(1, Mailbox.await(email, 1).size());

            for (String console : List.of("admin/index.xhtml", "admin/consumers.xhtml", "admin/tasks.xhtml",
                    "admin/dead.xhtml")) {
                assertEquals(200, admin.get(console).statusCode(), console);
            }
            HttpResponse<String> metrics = operator.get("api/metrics");
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.body().contains("taskq_tasks_succeeded_total"), metrics.body());
            assertEquals(200, http.get("api/health").statusCode(), "ready: Redis answers PING");

            // Background work (heartbeats, upkeep) goes on through the same user: give it a few rounds.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertEquals(List.of(), redis.jedis().aclLog(), "Redis refused nothing (ACL LOG)");
            assertTrue(redis.jedis().clientList().lines().anyMatch(line -> line.contains(" name=taskq-consumer:")
                    && line.contains(" user=taskq ")), "the consumers are logged in as the ACL user");
        }
    }
}
