package dev.taskq.submission;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("core") // on every real server in CI (see .ci/run)
class SubmissionApiIT extends DeployedAppBase {

    @Test
    void restSubmissionIsMailedAndSucceeds() throws Exception {
        Http http = http();
        String email = UUID.randomUUID() + "@example.com";

        HttpResponse<String> response = http.postJson("api/submissions", json("Ada Lovelace", email,
                "When will my engine ship?\nThanks!"));

        assertEquals(202, response.statusCode(), response.body());
        JsonObject accepted = parse(response.body());
        String id = accepted.getString("id");
        assertEquals("queued", accepted.getString("status"));
        URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
        assertEquals(http.resolve("api/tasks/" + id), location);

        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size(), "mails to " + email);
        MimeMessage mail = mails.get(0);
        String body = Mailbox.text(mail);
        assertAll(
                () -> assertEquals(TestServers.MAIL_FROM, mail.getFrom()[0].toString()),
                () -> assertEquals(1, mail.getAllRecipients().length),
                () -> assertTrue(body.contains("Hello Ada Lovelace,"), body),
                () -> assertTrue(body.contains("> When will my engine ship?\n> Thanks!"), body));

        JsonObject task = TaskStatusPoller.awaitFinal(http, location);
        assertAll(
                () -> assertEquals("succeeded", task.getString("status")),
                () -> assertEquals(1, task.getInt("attempts")),
                () -> assertEquals(mail.getMessageID(), task.getString("result")),
                () -> assertTrue(task.containsKey("createdAt") && task.containsKey("startedAt")
                        && task.containsKey("finishedAt"), task.toString()));
        // The submission's other task (storing it) may still be running: wait for every list to be given up.
        try (RedisProbe redis = new RedisProbe()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.keys().stream()
                    .noneMatch(key -> key.contains(":processing:") && redis.jedis().llen(key) > 0));
        }
    }

    @Test
    void unknownOrMalformedTaskIdsAreNotFound() throws Exception {
        Http http = http();
        assertEquals(404, http.get("api/tasks/" + UUID.randomUUID()).statusCode());
        HttpResponse<String> malformed = http.get("api/tasks/not-a-task");
        assertEquals(404, malformed.statusCode());
        assertEquals("application/problem+json", malformed.headers().firstValue("Content-Type").orElseThrow());
    }

    static Stream<Arguments> invalidSubmissions() {
        String ok = "someone@example.com";
        return Stream.of(
                Arguments.of("all fields missing", "application/json", "{}", 400, Set.of("name", "email", "message")),
                Arguments.of("blank name", "application/json", json("  ", ok, "hi"), 400, Set.of("name")),
                Arguments.of("name of 101 characters", "application/json", json("n".repeat(101), ok, "hi"), 400,
                        Set.of("name")),
                Arguments.of("invalid e-mail", "application/json", json("Ann", "not-an-address", "hi"), 400,
                        Set.of("email")),
                Arguments.of("two addresses", "application/json", json("Ann", "a@example.com, b@example.com", "hi"),
                        400, Set.of("email")),
                Arguments.of("e-mail of 255 characters", "application/json",
                        json("Ann", "a".repeat(243) + "@example.com", "hi"), 400, Set.of("email")),
                Arguments.of("message of 5001 characters", "application/json", json("Ann", ok, "m".repeat(5001)),
                        400, Set.of("message")),
                Arguments.of("name not a string", "application/json",
                        "{\"name\": 42, \"email\": \"" + ok + "\", \"message\": \"hi\"}", 400, Set.of("name")),
                Arguments.of("unknown field", "application/json",
                        "{\"name\": \"Ann\", \"email\": \"" + ok + "\", \"message\": \"hi\", \"cc\": \"x\"}", 400,
                        Set.of("cc")),
                Arguments.of("malformed JSON", "application/json", "{\"name\": ", 400, Set.of()),
                Arguments.of("JSON array", "application/json", "[]", 400, Set.of()),
                Arguments.of("JSON string", "application/json", "\"hello\"", 400, Set.of()),
                Arguments.of("empty body", "application/json", "", 400, Set.of()),
                Arguments.of("form encoding", "application/x-www-form-urlencoded", "name=Ann", 415, Set.of()),
                Arguments.of("plain text", "text/plain", json("Ann", ok, "hi"), 415, Set.of()),
                Arguments.of("IP-literal domain", "application/json", json("Ann", "user@[127.0.0.1]", "hi"), 400,
                        Set.of("email")),
                Arguments.of("dotted IP domain", "application/json", json("Ann", "user@10.0.0.1", "hi"), 400,
                        Set.of("email")),
                Arguments.of("localhost", "application/json", json("Ann", "root@localhost", "hi"), 400,
                        Set.of("email")),
                Arguments.of("a localhost subdomain", "application/json", json("Ann", "root@mail.localhost", "hi"),
                        400, Set.of("email")),
                Arguments.of("body over 64 KiB", "application/json",
                        json("Ann", ok, "m".repeat(64 * 1024)), 413, Set.of()));
    }

    @ParameterizedTest(name = "{0} → {3}")
    @MethodSource("invalidSubmissions")
    void invalidInputIsRejectedAndNothingIsEnqueued(String title, String contentType, String body, int status,
                                                   Set<String> badFields) throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();
            long readyBefore = redis.readyCount();

            HttpResponse<String> response = http().post("api/submissions", contentType,
                    body.getBytes(StandardCharsets.UTF_8));

            assertEquals(status, response.statusCode(), response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
            JsonObject problem = parse(response.body());
            assertEquals(status, problem.getInt("status"));
            assertTrue(!problem.getString("detail").isBlank(), "a reason is given");
            Set<String> fields = problem.containsKey("errors")
                    ? Set.copyOf(problem.getJsonArray("errors").getValuesAs(JsonObject.class).stream()
                    .map(error -> error.getString("field")).toList())
                    : Set.of();
            assertEquals(badFields, fields);
            assertEquals(readyBefore, redis.readyCount(), "nothing enqueued");
            assertEquals(recordsBefore, redis.taskRecordKeys(), "no status record written");
        }
    }

    @Test
    void twentyParallelRequestsWithOneIdempotencyKeyMakeOneTaskAndOneMail() throws Exception {
        String email = UUID.randomUUID() + "@example.com";
        byte[] body = json("Ida", email, "Only once, please.").getBytes(StandardCharsets.UTF_8);
        String key = "\"" + UUID.randomUUID() + "\"";
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();
            ExecutorService pool = Executors.newFixedThreadPool(20);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            try {
                for (int i = 0; i < 20; i++) {
                    Http http = http();
                    answers.add(pool.submit(() -> {
                        start.await();
                        return http.post("api/submissions", "application/json", body, "Idempotency-Key", key);
                    }));
                }
                start.countDown();
                Set<String> ids = new HashSet<>();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                    assertEquals(202, response.statusCode(), response.body());
                    String id = parse(response.body()).getString("id");
                    ids.add(id);
                    assertEquals(http().resolve("api/tasks/" + id).toString(),
                            response.headers().firstValue("Location").orElseThrow());
                }
                assertEquals(1, ids.size(), "the same task in every answer: " + ids);
                String id = ids.iterator().next();
                Set<String> newRecords = new HashSet<>(redis.taskRecordKeys());
                newRecords.removeAll(recordsBefore);
                // One submission: its mail task and the task that stores it (issue 15).
                assertEquals(Set.of(RedisProbe.PREFIX + "task:" + id, RedisProbe.PREFIX + "task:"
                        + dev.taskq.storage.SubmissionTasks.taskIds(id).get(1)), newRecords, "one submission stored");
                assertEquals("succeeded", TaskStatusPoller.awaitFinal(http(), http().resolve("api/tasks/" + id))
                        .getString("status"));
                assertEquals(1, Mailbox.await(email, 1).size());
                // Once done, a late retry still names the same task and sends nothing more.
                HttpResponse<String> late = http().post("api/submissions", "application/json", body,
                        "Idempotency-Key", key);
                assertEquals(id, parse(late.body()).getString("id"));
                assertEquals(1, Mailbox.to(email).size(), "one mail");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherBodyIs422AndStoresNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        String email = UUID.randomUUID() + "@example.com";
        HttpResponse<String> first = http().post("api/submissions", "application/json",
                json("Kim", email, "first").getBytes(StandardCharsets.UTF_8), "Idempotency-Key", key);
        assertEquals(202, first.statusCode(), first.body());
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();
            HttpResponse<String> second = http().post("api/submissions", "application/json",
                    json("Kim", email, "second").getBytes(StandardCharsets.UTF_8), "Idempotency-Key", key);
            assertEquals(422, second.statusCode(), second.body());
            assertEquals("application/problem+json", second.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(parse(second.body()).getString("detail").contains("Idempotency-Key"), second.body());
            assertEquals(recordsBefore, redis.taskRecordKeys(), "nothing stored");
        }
        HttpResponse<String> malformed = http().post("api/submissions", "application/json",
                json("Kim", email, "third").getBytes(StandardCharsets.UTF_8), "Idempotency-Key", "two words");
        assertEquals(400, malformed.statusCode(), malformed.body());
    }

    static String json(String name, String email, String message) {
        return Json.createObjectBuilder().add("name", name).add("email", email).add("message", message).build()
                .toString();
    }

    static JsonObject parse(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
