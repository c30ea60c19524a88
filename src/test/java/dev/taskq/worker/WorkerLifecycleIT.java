package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.queue.Task;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SlowHandler;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** Deploy and undeploy for real: consumers start, stop without leftovers, and survive Redis being down. */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class WorkerLifecycleIT {

    private static final int LATE_REDIS_PORT = TestServers.freePort();

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "worker", managed = false, testable = false)
    static WebArchive worker() {
        return Deployments.war("worker", TestServers.get().redisUrl(), "taskq.shutdown-grace-ms=500\n")
                .addClass(SlowHandler.class);
    }

    @Deployment(name = "redis-comes-later", managed = false, testable = false)
    static WebArchive redisComesLater() {
        return Deployments.war("redis-comes-later", "redis://127.0.0.1:" + LATE_REDIS_PORT);
    }

    @Test
    void undeployStopsEveryConsumerAndClosesEveryRedisConnection() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            deployer.deploy("worker");
            awaitTrue(() -> redis.clientsNamed("taskq-consumer:") == 3);

            deployer.undeploy("worker");

            // Seen from outside, on every server: Redis' CLIENT LIST and the consumer registry.
            awaitTrue(() -> redis.clientsNamed("taskq-") == 0);
            assertEquals(0, redis.jedis().scard(RedisProbe.PREFIX + "consumers"), "registered consumers after undeploy");
        }
    }

    /** Looks at the server's threads, so only where the server runs in the test JVM. */
    @Test
    @Tag("embedded")
    void undeployLeavesNoConsumerThread() throws Exception {
        deployer.deploy("worker");
        awaitTrue(() -> consumerThreads().size() == 3);

        deployer.undeploy("worker");

        assertEquals(List.of(), consumerThreads(), "consumer threads after undeploy");
    }

    @Test
    void undeployReturnsATaskStillRunningAfterTheGracePeriodToTheQueue() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            deployer.deploy("worker");
            Task slow;
            try {
                slow = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", SlowHandler.TYPE, Map.of());
                awaitTrue(() -> "processing".equals(redis.taskRecord(slow.id()).get("status")));
            } finally {
                deployer.undeploy("worker");
            }
            try {
                // Payara Micro's adapter undeploys by stopping the process (SIGTERM) and does not wait for it to end;
                // the wait stays below the heartbeat's TTL, so the reaper cannot be what put it back.
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> "queued".equals(redis.taskRecord(slow.id()).get("status")));
                assertTrue(redis.jedis().lrange(RedisProbe.PREFIX + "ready", 0, -1).stream()
                        .anyMatch(entry -> entry.contains(slow.id())), "back on the queue");
            } finally {
                // No other deployment runs this test-only type: take it out again.
                redis.jedis().lrange(RedisProbe.PREFIX + "ready", 0, -1).stream()
                        .filter(entry -> entry.contains(slow.id()))
                        .forEach(entry -> redis.jedis().lrem(RedisProbe.PREFIX + "ready", 0, entry));
            }
        }
    }

    @Test
    void deploysWhileRedisIsDownAndDeliversOnceItIsBack() throws Exception {
        deployer.deploy("redis-comes-later");
        RedisServer lateRedis = null;
        try {
            Http http = new Http(Deployments.url("redis-comes-later"));
            String email = UUID.randomUUID() + "@example.com";
            String submission = Json.createObjectBuilder().add("name", "Linus").add("email", email)
                    .add("message", "Is it up?").build().toString();

            HttpResponse<String> refused = http.postJson("api/submissions", submission);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());

            lateRedis = TestServers.startRedis(LATE_REDIS_PORT);
            HttpResponse<String> accepted = http.postJson("api/submissions", submission);
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(1, Mailbox.await(email, 1).size(), "the mail went out once Redis was back");
            URI task = URI.create(accepted.headers().firstValue("Location").orElseThrow());
            assertEquals("succeeded", TaskStatusPoller.awaitFinal(http, task).getString("status"));
        } finally {
            deployer.undeploy("redis-comes-later");
            if (lateRedis != null) {
                lateRedis.stop();
            }
        }
    }

    private static List<String> consumerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith(ConsumerLoop.THREAD_NAME_PREFIX))
                .toList();
    }

    private static void awaitTrue(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(condition);
    }
}
