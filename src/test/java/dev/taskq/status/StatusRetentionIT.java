package dev.taskq.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.UUID;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Finished tasks leave nothing behind: once their records expire, Redis holds exactly the keys it held before. */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class StatusRetentionIT {

    /** A key prefix of its own, so that no other test's keys are counted. */
    private static final String PREFIX = "retention";
    private static final String ALL_KEYS = "{" + PREFIX + "}:*";
    private static final int TASKS = 20;
    private static final int CONSUMERS = 3;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("retention", TestServers.get().redisUrl(),
                "taskq.key-prefix=" + PREFIX + "\ntaskq.retention.succeeded-seconds=1\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void keysAreBackAtTheBaselineOnceABatchFinishedAndItsRecordsExpired() throws Exception {
        Http http = new Http(base);
        try (RedisProbe redis = new RedisProbe()) {
            // The baseline: what the running server keeps (its consumers' heartbeats and their registry).
            awaitKeys(redis, keys -> keys.stream().filter(key -> key.contains(":heartbeat:")).count() == CONSUMERS);
            Set<String> baseline = keys(redis);
            int peak = baseline.size();

            List<String> emails = new ArrayList<>();
            List<URI> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                String email = UUID.randomUUID() + "@example.com";
                HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "Batch " + i).add("email", email).add("message", "Number " + i)
                        .build().toString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                emails.add(email);
                tasks.add(URI.create(accepted.headers().firstValue("Location").orElseThrow()));
                peak = Math.max(peak, keys(redis).size());
            }
            for (String email : emails) {
                assertEquals(1, Mailbox.await(email, 1).size(), "mail to " + email);
            }
            awaitKeys(redis, keys -> withoutCounters(keys).equals(withoutCounters(baseline)));
            Set<String> after = keys(redis);
            // What stays are the operators' counters: one hash since the start, and per-minute ones that expire.
            for (String key : after) {
                if (key.contains(":stats:m:")) {
                    assertTrue(redis.jedis().ttl(key) > 0, "per-minute counters expire: " + key);
                }
            }

            System.out.printf("Redis keys %s: before %d, peak %d, after %d%n", ALL_KEYS, baseline.size(), peak,
                    after.size());
            assertTrue(peak > baseline.size(), "the batch's records were seen");
            assertEquals(withoutCounters(baseline), withoutCounters(after), "the same keys as before the batch");
            for (URI task : tasks) {
                assertEquals(404, http.get(task).statusCode(), "expired: " + task);
            }
        }
    }

    private static Set<String> withoutCounters(Set<String> keys) {
        return keys.stream().filter(key -> !key.contains(":stats:")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> keys(RedisProbe redis) {
        return new TreeSet<>(redis.jedis().keys(ALL_KEYS));
    }

    private static void awaitKeys(RedisProbe redis, Predicate<Set<String>> condition) {
        await("keys " + ALL_KEYS).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> keys(redis), condition);
    }
}
