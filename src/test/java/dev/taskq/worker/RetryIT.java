package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.taskq.queue.Task;
import dev.taskq.testing.AlwaysFailingHandler;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SlowHandler;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** Failing handler runs are retried with growing gaps, then dead-lettered; an SMTP outage loses no mail. */
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
            List<Instant> failures = record.getJsonArray("errors").getValuesAs(JsonString.class).stream()
                    .map(error -> Instant.parse(error.getString().substring(0, error.getString().indexOf(' '))))
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
            assertTrue(record.getString("error").contains("handler ran longer than 1 s"), record.toString());
        }
    }

    @Test
    void mailsSubmittedWhileSmtpIsDownGoOutWhenItReturns() throws Exception {
        Http http = new Http(base);
        GreenMail smtp = TestServers.get().greenMail();
        String domain = UUID.randomUUID() + ".example.com";
        int count = 10;
        List<URI> tasks = new ArrayList<>();
        smtp.stop();
        try {
            for (int i = 0; i < count; i++) {
                HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "N" + i).add("email", "u" + i + "@" + domain).add("message", "m").build()
                        .toString());
                assertEquals(202, accepted.statusCode());
                tasks.add(URI.create(accepted.headers().firstValue("Location").orElseThrow()));
            }
            awaitEveryTaskRetrying(http, tasks);
        } finally {
            smtp.start();
        }
        for (URI task : tasks) {
            assertEquals("succeeded", TaskStatusPoller.awaitFinal(http, task).getString("status"));
        }
        assertEquals(count, Mailbox.countToDomain(domain), "every mail went out once SMTP was back");
    }

    /** Every task had an attempt fail while SMTP was down. */
    private static void awaitEveryTaskRetrying(Http http, List<URI> tasks) {
        for (URI task : tasks) {
            await("an attempt of " + task + " failed while SMTP was down").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> Json.createReader(new java.io.StringReader(http.get(task).body())).readObject()
                            .getString("status"), "retrying"::equals);
        }
    }
}
