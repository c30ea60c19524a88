package dev.taskq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.testing.AlwaysFailingHandler;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SlowHandler;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Failing handler runs are retried with growing gaps, then dead-lettered (an SMTP outage: MailOutageIT). */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class RetryIT {

    private static final int MAX_ATTEMPTS = 4;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("retry", TestServers.get().redisUrl(),
                        "taskq.max-attempts=" + MAX_ATTEMPTS + "\ntaskq.retry.base-delay-ms=400\n"
                                + "taskq.handler-timeout-seconds=1\n")
                .addClasses(AlwaysFailingHandler.class, SlowHandler.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aTaskThatAlwaysFailsIsDeadAfterMaxAttemptsWithGrowingGaps() throws Exception {
        Http http = new Http(base);
        try (RedisProbe redis = new RedisProbe()) {
            Task task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", AlwaysFailingHandler.TYPE,
                    Map.of());

            JsonObject record = TaskStatusPoller.awaitFinal(http, http.resolve("api/tasks/" + task.id()));

            assertEquals("dead", record.getString("status"));
            assertEquals(MAX_ATTEMPTS, record.getInt("attempts"));
            // Each attempt's error stays in Redis (for operators); the public status gives only a plain reason.
            Map<String, String> stored = redis.taskRecord(task.id());
            List<Instant> failures = java.util.stream.IntStream.rangeClosed(1, MAX_ATTEMPTS)
                    .mapToObj(n -> stored.get("error." + n))
                    .filter(java.util.Objects::nonNull)
                    .map(error -> Instant.parse(error.substring(0, error.indexOf(' '))))
                    .toList();
            assertEquals(MAX_ATTEMPTS, failures.size(), record.toString());
            List<Duration> gaps = new ArrayList<>();
            for (int i = 1; i < failures.size(); i++) {
                gaps.add(Duration.between(failures.get(i - 1), failures.get(i)));
            }
            System.out.println("gaps between attempts: " + gaps);
            for (int i = 1; i < gaps.size(); i++) {
                assertTrue(gaps.get(i).compareTo(gaps.get(i - 1)) > 0, "gaps grow: " + gaps);
            }
            assertTrue(redis.jedis().hexists(RedisProbe.PREFIX + "dead", task.id()), "listed as a dead letter");
        }
    }

    @Test
    void aHandlerRunningPastTheTimeoutIsAFailedAttemptAndTheConsumerMovesOn() throws Exception {
        Http http = new Http(base);
        try (RedisProbe redis = new RedisProbe()) {
            Task slow = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", SlowHandler.TYPE, Map.of());

            JsonObject record = TaskStatusPoller.awaitFinal(http, http.resolve("api/tasks/" + slow.id()));

            assertEquals("dead", record.getString("status"));
            assertEquals(MAX_ATTEMPTS, record.getInt("attempts"));
            assertTrue(redis.taskRecord(slow.id()).get("error").contains("handler ran longer than 1 s"),
                    record.toString());
            assertEquals("could not be delivered", record.getString("reason"), "the public status's plain reason");
        }
    }
}
