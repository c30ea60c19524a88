package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Tasks left behind by a dead consumer, tasks already done, and poison entries: none lost, none sent twice. */
@Tag("core") // on every real server in CI (see .ci/run)
class RecoveryIT extends DeployedAppBase {

    @Test
    void aTaskHeldByAConsumerWhoseHeartbeatExpiredIsRecoveredAndMailedOnce() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        String ghost = "ghost-" + UUID.randomUUID();
        Task task;
        try (RedisProbe redis = new RedisProbe()) {
            // What a server killed mid-task leaves: the task on its processing list, registered, no heartbeat.
            task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "processing:" + ghost, "confirmation-mail",
                    TestTasks.mail("Orphan", email, "left behind"), Map.of("status", "processing"));
            redis.jedis().sadd(RedisProbe.PREFIX + "consumers", ghost);

            assertEquals(1, Mailbox.await(email, 1).size());
            assertEquals("succeeded", TaskStatusPoller.awaitFinal(http(),
                    http().resolve("api/tasks/" + task.id())).getString("status"));
            assertEquals(0, redis.jedis().llen(RedisProbe.PREFIX + "processing:" + ghost));
            assertTrue(!redis.jedis().sismember(RedisProbe.PREFIX + "consumers", ghost), "the ghost is forgotten");
            // Finished, and no longer on any list a consumer could take it from again: the count is final.
            assertTrue(redis.keys().stream().filter(key -> key.contains(":processing:") || key.endsWith(":ready"))
                    .flatMap(list -> redis.jedis().lrange(list, 0, -1).stream())
                    .noneMatch(entry -> entry.contains(task.id())), "held or queued again");
            assertTrue(redis.jedis().zrange(RedisProbe.PREFIX + "delayed", 0, -1).stream()
                    .noneMatch(entry -> entry.contains(task.id())), "waiting for a retry");
            assertEquals(1, Mailbox.to(email).size(), "mailed exactly once");
        }
    }

    @Test
    void aTaskWhoseMailWasAlreadySentIsAcknowledgedWithoutSendingAgain() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        try (RedisProbe redis = new RedisProbe()) {
            // Its server sent the mail and recorded it, then died before the task left the queue.
            Task task = TestTasks.push(redis.jedis(), RedisProbe.PREFIX + "ready", "confirmation-mail",
                    TestTasks.mail("Sent", email, "already sent"), Map.of("result", "<sent-before@example.com>"));

            String status = TaskStatusPoller.awaitFinal(http(),
                    http().resolve("api/tasks/" + task.id())).getString("status");

            assertEquals("succeeded", status);
            assertEquals(0, Mailbox.to(email).size(), "no second mail");
        }
    }

    @Test
    void aTaskPushedByAnotherProducerWithoutARecordIsRunAndGetsOne() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        Task task = Task.create("confirmation-mail", TestTasks.mail("Foreign", email, "pushed by hand"));
        try (RedisProbe redis = new RedisProbe()) {
            redis.jedis().lpush(RedisProbe.PREFIX + "ready", TaskCodec.encode(task));
        }

        assertEquals(1, Mailbox.await(email, 1).size());
        JsonObject record = TaskStatusPoller.awaitFinal(http(), http().resolve("api/tasks/" + task.id()));
        assertEquals("succeeded", record.getString("status"));
        assertEquals("confirmation-mail", record.getString("type"));
    }

    @Test
    @Tag("slow") // 2,000 entries: on embedded Payara and Payara Server only (see pom.xml)
    void poisonEntriesAreDeadLetteredAndEveryGoodSubmissionIsMailed() throws Exception {
        int count = 1000;
        String domain = UUID.randomUUID() + ".example.com";
        Http http = http();
        List<String> taskUris = new ArrayList<>();
        try (RedisProbe redis = new RedisProbe()) {
            long deadBefore = redis.jedis().hlen(RedisProbe.PREFIX + "dead");
            for (int i = 0; i < count; i++) {
                redis.jedis().lpush(RedisProbe.PREFIX + "ready", i % 2 == 0 ? "not json " + i
                        : "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"no-such-type\",\"payload\":{},"
                        + "\"createdAt\":\"2026-11-21T10:00:00Z\"}");
                HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "N" + i).add("email", "user" + i + "@" + domain).add("message", "m" + i)
                        .build().toString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                taskUris.add(accepted.headers().firstValue("Location").orElseThrow());
            }
            for (String uri : taskUris) {
                assertEquals("succeeded", TaskStatusPoller.awaitFinal(http, java.net.URI.create(uri))
                        .getString("status"), uri);
            }
            long mailed = Mailbox.countToDomain(domain);
            // The last poison entries may still be on their way to the dead letters.
            long dead = await("every poison entry dead-lettered").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> redis.jedis().hlen(RedisProbe.PREFIX + "dead") - deadBefore, n -> n >= count);
            System.out.printf("poison run: submitted %d, mailed %d, dead-lettered %d%n", count, mailed, dead);
            assertEquals(count, mailed);
            assertEquals(count, dead);
        }
    }
}
