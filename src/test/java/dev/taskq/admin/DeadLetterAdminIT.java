package dev.taskq.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TestTasks;
import dev.taskq.testing.TestUsers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The dead-letter API: for the taskq-admin role only; list, re-queue (the mail then goes out) and delete. */
@Tag("core") // on every real server in CI (see .ci/run)
class DeadLetterAdminIT extends DeployedAppBase {

    /** Created on every test server before the tests, as an operator creates them (see TestUsers). */
    private static final String ADMIN = TestUsers.ADMIN.name();
    private static final String VISITOR = TestUsers.VISITOR.name();
    private static final String PASSWORD = TestUsers.PASSWORD;

    @Test
    void onlyAdminsMayLookAtDeadLetters() throws Exception {
        assertEquals(401, http().get("api/admin/dead-letters").statusCode());
        assertEquals(401, http().as(ADMIN, "wrong").get("api/admin/dead-letters").statusCode());
        assertEquals(403, http().as(VISITOR, PASSWORD).get("api/admin/dead-letters").statusCode());
        assertEquals(200, http().as(ADMIN, PASSWORD).get("api/admin/dead-letters").statusCode());
    }

    @Test
    void aBadLimitIsExplained() throws Exception {
        for (String limit : new String[] {"abc", "0", "1001", "-5"}) {
            HttpResponse<String> response = http().as(ADMIN, PASSWORD).get("api/admin/dead-letters?limit=" + limit);
            assertEquals(400, response.statusCode(), limit);
            assertTrue(response.body().contains("limit must be between 1 and 1000"), response.body());
        }
    }

    /** What the admin console (and any script) sends with a state change: no cross-site form can. */
    private static final String[] REQUESTED_BY = {"X-Requested-By", "taskq-test"};

    @Test
    void aDeadTaskCanBeListedRequeuedAndIsThenMailed() throws Exception {
        Http admin = http().as(ADMIN, PASSWORD);
        String email = UUID.randomUUID() + "@example.com";
        Task task = Task.create("confirmation-mail", TestTasks.mail("Lazarus", email, "back again"));
        try (RedisProbe redis = new RedisProbe()) {
            // As a consumer leaves a task that used up its attempts (say, while the SMTP server was down for hours).
            deadLetter(redis, task, "SMTP down");
        }

        List<String> listed = ids(admin.get("api/admin/dead-letters?limit=1000"));
        assertTrue(listed.contains(task.id()), listed.toString());

        HttpResponse<String> requeued = admin.post("api/admin/dead-letters/" + task.id() + "/requeue",
                "application/json", new byte[0]);
        assertEquals(202, requeued.statusCode(), requeued.body());
        assertEquals(1, Mailbox.await(email, 1).size(), "the re-queued task was mailed");
        assertEquals("succeeded", TaskStatusPoller.awaitFinal(admin, admin.resolve("api/tasks/" + task.id()))
                .getString("status"));
        assertTrue(!ids(admin.get("api/admin/dead-letters?limit=1000")).contains(task.id()), "no longer dead");
        assertEquals(404, admin.post("api/admin/dead-letters/" + task.id() + "/requeue", "application/json",
                new byte[0]).statusCode(), "re-queued only once");
    }

    @Test
    void anUnreadableEntryCannotBeRequeuedButCanBeDeleted() throws Exception {
        Http admin = http().as(ADMIN, PASSWORD);
        String marker = "garbage-" + UUID.randomUUID();
        try (RedisProbe redis = new RedisProbe()) {
            redis.jedis().lpush(RedisProbe.PREFIX + "ready", marker);
            String id = awaitDeadLetterWithEntry(admin, marker);

            assertEquals(409, admin.post("api/admin/dead-letters/" + id + "/requeue", "application/json",
                    new byte[0]).statusCode());
            // What a cross-site form could send with the admin's cached credentials: refused, nothing changed.
            assertEquals(403, admin.delete("api/admin/dead-letters/" + id).statusCode());
            assertEquals(403, admin.post("api/admin/dead-letters/" + id + "/requeue",
                    "application/x-www-form-urlencoded", "x=1".getBytes(StandardCharsets.UTF_8)).statusCode());
            assertTrue(redis.jedis().hexists(RedisProbe.PREFIX + "dead", id), "still there");
            assertEquals(204, admin.delete("api/admin/dead-letters/" + id, REQUESTED_BY).statusCode());
            assertEquals(404, admin.delete("api/admin/dead-letters/" + id, REQUESTED_BY).statusCode());
            assertTrue(!redis.jedis().hexists(RedisProbe.PREFIX + "dead", id));
        }
    }

    @Test
    void deletingALetterThatWasRequeuedMeanwhileLeavesTheLiveTaskAlone() throws Exception {
        Http admin = http().as(ADMIN, PASSWORD);
        String email = UUID.randomUUID() + "@example.com";
        Task task = Task.create("confirmation-mail", TestTasks.mail("Twice", email, "once only"));
        try (RedisProbe redis = new RedisProbe()) {
            deadLetter(redis, task, "SMTP down");
            assertEquals(202, admin.post("api/admin/dead-letters/" + task.id() + "/requeue", "application/json",
                    new byte[0]).statusCode());
            // A second operator's delete, sent from a page loaded before the re-queue:
            assertEquals(404, admin.delete("api/admin/dead-letters/" + task.id(), REQUESTED_BY).statusCode());
            assertEquals(1, Mailbox.await(email, 1).size(), "the live task still ran");
            // The mail arrives a moment before the consumer records the success.
            org.awaitility.Awaitility.await("its record was kept").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> "succeeded".equals(redis.taskRecord(task.id()).get("status")));
            assertNull(redis.jedis().zscore(RedisProbe.PREFIX + "dead:at", task.id()), "the index follows");
        }
    }

    @Test
    void requeueingByReasonTakesExactlyTheLettersWithThatReason() throws Exception {
        Http admin = http().as(ADMIN, PASSWORD);
        String reason = "SMTP down " + UUID.randomUUID();
        String domain = UUID.randomUUID() + ".example.com";
        try (RedisProbe redis = new RedisProbe()) {
            for (int i = 0; i < 3; i++) {
                deadLetter(redis, Task.create("confirmation-mail",
                        TestTasks.mail("R" + i, "r" + i + "@" + domain, "by reason")), reason);
            }
            Task other = Task.create("confirmation-mail", TestTasks.mail("O", "other@" + domain, "stays"));
            deadLetter(redis, other, "another reason");
            String unreadable = "unreadable-" + UUID.randomUUID();
            redis.jedis().hset(RedisProbe.PREFIX + "dead", unreadable, Json.createObjectBuilder().add("id", unreadable)
                    .add("entry", "not json").add("reason", reason).add("at", Instant.now().toString()).build()
                    .toString());
            redis.jedis().zadd(RedisProbe.PREFIX + "dead:at", System.currentTimeMillis(), unreadable);

            HttpResponse<String> bulk = admin.post("api/admin/dead-letters/requeue?reason="
                    + URLEncoder.encode(reason, StandardCharsets.UTF_8), "application/json", new byte[0]);
            assertEquals(200, bulk.statusCode(), bulk.body());
            JsonObject answer = Json.createReader(new StringReader(bulk.body())).readObject();
            assertEquals(3, answer.getInt("requeued"), bulk.body());
            await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.countToDomain(domain) == 3);
            assertTrue(Mailbox.to("other@" + domain).isEmpty(), "another reason is left alone");
            assertTrue(redis.jedis().hexists(RedisProbe.PREFIX + "dead", other.id()));
            assertTrue(redis.jedis().hexists(RedisProbe.PREFIX + "dead", unreadable), "an unreadable one stays");
            assertEquals(204, admin.delete("api/admin/dead-letters/" + unreadable, REQUESTED_BY).statusCode());
            assertEquals(204, admin.delete("api/admin/dead-letters/" + other.id(), REQUESTED_BY).statusCode());
        }
    }

    @Test
    void aBadOffsetIsExplained() throws Exception {
        HttpResponse<String> response = http().as(ADMIN, PASSWORD).get("api/admin/dead-letters?offset=x");
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("offset must be a number"), response.body());
    }

    /** A dead letter as the consumers leave it: in the hash, and in the index by time of death. */
    static void deadLetter(RedisProbe redis, Task task, String reason) {
        redis.jedis().hset(RedisProbe.PREFIX + "dead", task.id(), Json.createObjectBuilder()
                .add("id", task.id()).add("entry", TaskCodec.encode(task)).add("reason", reason)
                .add("at", Instant.now().toString()).build().toString());
        redis.jedis().zadd(RedisProbe.PREFIX + "dead:at", System.currentTimeMillis(), task.id());
        redis.jedis().hset(RedisProbe.PREFIX + "task:" + task.id(), java.util.Map.of("id", task.id(),
                "type", task.type(), "status", "dead", "attempts", "5", "createdAt", task.createdAt().toString()));
    }

    private static String awaitDeadLetterWithEntry(Http admin, String entry) {
        JsonObject letter = await("a dead letter for " + entry).atMost(Duration.ofSeconds(30))
                .until(() -> letters(admin.get("api/admin/dead-letters?limit=1000")).stream()
                        .filter(candidate -> candidate.getString("entry").equals(entry)).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertTrue(letter.getString("reason").startsWith("not a task"), letter.toString());
        return letter.getString("id");
    }

    private static List<JsonObject> letters(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readArray().getValuesAs(JsonObject.class);
    }

    private static List<String> ids(HttpResponse<String> response) {
        return letters(response).stream().map(letter -> letter.getString("id")).toList();
    }
}
