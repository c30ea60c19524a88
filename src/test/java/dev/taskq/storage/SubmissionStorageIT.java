package dev.taskq.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestUsers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Kept submissions on the server's default DataSource (java:comp/DefaultDataSource: embedded Payara's H2, WildFly's
 * ExampleDS): stored once each, listed, exported, erased; the owner is notified.
 */
@TaskqIT
class SubmissionStorageIT {

    static final String OWNER = "owner@site.example.com";
    /** The harness's users, which every test server has (an admin, and a user without the role). */
    static final String ADMIN = TestUsers.ADMIN.name();
    static final String VISITOR = TestUsers.VISITOR.name();
    static final String PASSWORD = TestUsers.PASSWORD;
    static final Duration ROWS_WAIT = Duration.ofSeconds(60);

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("taskq", TestServers.get().redisUrl(), "taskq.notify-to=" + OWNER + "\n");
    }

    AdminApi admin() {
        return new AdminApi(base, ADMIN, PASSWORD);
    }

    @Test
    void aHundredSubmissionsBecomeAHundredRowsEqualToWhatWasSent() throws Exception {
        String marker = Submissions.marker();
        List<Submissions.Sent> sent = Submissions.submitMany(new Http(base), marker, 100);
        // Pages of 30 through the cursor: 4 pages, newest first.
        Map<String, JsonObject> rows = Submissions.awaitRows(admin(), marker, 100, ROWS_WAIT);
        Submissions.assertRowsEqual(sent, rows);
        List<JsonObject> newestFirst = admin().all(marker, 30);
        for (int i = 1; i < newestFirst.size(); i++) {
            Instant newer = Instant.parse(newestFirst.get(i - 1).getString("receivedAt"));
            Instant older = Instant.parse(newestFirst.get(i).getString("receivedAt"));
            assertFalse(older.isAfter(newer), "newest first");
        }
        // The confirmation mails went out, and the list shows it.
        assertEquals(1, Mailbox.await(sent.get(0).email(), 1).size());
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(AdminApi.json(
                admin().get("api/admin/submissions/" + sent.get(0).id()).body())
                .getJsonObject("mail").getString("status", null)));
    }

    @Test
    void aStoreTaskDeliveredAgainLeavesOneRow() throws Exception {
        String marker = Submissions.marker();
        Submissions.Sent sent = Submissions.submit(new Http(base), "Redelivered", marker + "@example.com", "twice");
        Submissions.awaitRows(admin(), marker, 1, ROWS_WAIT);
        String storeTaskId = SubmissionTasks.derivedId(sent.id(), SubmissionTasks.STORE_TYPE);
        // As a crashed consumer leaves it: the same store task queued again after its row was written.
        Task again = new Task(storeTaskId, SubmissionTasks.STORE_TYPE, Map.of("submissionId", sent.id(),
                "name", sent.name(), "email", sent.email(), "message", sent.message(),
                "receivedAt", Instant.now().toString(), "spam", "false"), Instant.now());
        try (RedisProbe redis = new RedisProbe()) {
            // Its first record is gone too (else the consumer would see the result and not run it again).
            redis.jedis().del(RedisProbe.PREFIX + "task:" + storeTaskId);
            redis.jedis().hset(RedisProbe.PREFIX + "task:" + storeTaskId, Map.of("id", storeTaskId,
                    "type", SubmissionTasks.STORE_TYPE, "status", "queued", "attempts", "0",
                    "createdAt", again.createdAt().toString()));
            redis.jedis().lpush(RedisProbe.PREFIX + "ready", TaskCodec.encode(again));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "already stored".equals(redis.taskRecord(storeTaskId).get("result")));
        }
        assertEquals(1, admin().all(marker, 50).size());
    }

    @Test
    void theCsvExportReadsBackFieldForFieldWithFormulasNeutralised() throws Exception {
        String marker = Submissions.marker();
        Http http = new Http(base);
        List<Submissions.Sent> sent = List.of(
                Submissions.submit(http, "Comma, \"Quote\"", "a-" + marker + "@example.com", "line 1\r\nline 2, \"x\""),
                Submissions.submit(http, "Zoë 東京 🙂", "b-" + marker + "@example.com", "=cmd|' /C calc'!A0"),
                Submissions.submit(http, "+plus", "c-" + marker + "@example.com", "@SUM(A1:A2)"),
                Submissions.submit(http, "-minus", "d-" + marker + "@example.com", "\tTabbed"));
        Submissions.awaitRows(admin(), marker, sent.size(), ROWS_WAIT);

        HttpResponse<byte[]> response = admin().getBytes("api/admin/submissions.csv?q=" + marker);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        byte[] body = response.body();
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(body, 3), "UTF-8 BOM");
        List<List<String>> records = StrictCsv.parse(new String(body, 3, body.length - 3, StandardCharsets.UTF_8));
        assertEquals(List.of("id", "receivedAt", "name", "email", "message", "spam"), records.get(0));
        assertEquals(sent.size() + 1, records.size());
        for (Submissions.Sent one : sent) {
            List<String> record = records.stream().filter(r -> r.get(0).equals(one.id())).findFirst().orElseThrow();
            assertEquals(csvCell(one.name()), record.get(2));
            assertEquals(one.email(), record.get(3));
            assertEquals(csvCell(one.message()), record.get(4));
            assertEquals("false", record.get(5));
        }
        // The formula is text for a spreadsheet: it starts with a quote.
        assertTrue(records.stream().anyMatch(r -> r.get(4).equals("'=cmd|' /C calc'!A0")));
    }

    /** What the export turns a cell into: a leading ' before = + - @, tab or CR; the rest unchanged. */
    static String csvCell(String text) {
        return "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
    }

    @Test
    void anErasureRemovesEveryTraceOfOneAddressAndNothingElse() throws Exception {
        String marker = Submissions.marker();
        String victim = "Victim-" + marker + "@Example.com";
        String other = "other-" + marker + "@example.com";
        Http http = new Http(base);
        Submissions.Sent first = Submissions.submit(http, "Vic Tim", victim, "erase me");
        Submissions.Sent second = Submissions.submit(http, "Vic Tim", victim.toLowerCase(Locale.ROOT), "me too");
        Submissions.Sent kept = Submissions.submit(http, "Otto", other, "keep me");
        Submissions.awaitRows(admin(), marker, 3, ROWS_WAIT);
        Mailbox.await(other, 1);
        try (RedisProbe redis = new RedisProbe()) {
            Jedis jedis = redis.jedis();
            // A dead letter and a waiting retry that hold the address, as failures leave them.
            Task dead = Task.create("confirmation-mail", Map.of("name", "Vic", "email", victim, "message", "x"));
            jedis.hset(RedisProbe.PREFIX + "dead", dead.id(), Json.createObjectBuilder().add("id", dead.id())
                    .add("entry", TaskCodec.encode(dead)).add("reason", "gave up").add("at", "2026-12-01T00:00:00Z")
                    .build().toString());
            Task retry = Task.create("confirmation-mail", Map.of("name", "Vic", "email", victim, "message", "y"));
            jedis.zadd(RedisProbe.PREFIX + "delayed", System.currentTimeMillis() + 3_600_000, TaskCodec.encode(retry));
            jedis.hset(RedisProbe.PREFIX + "task:" + retry.id(), Map.of("id", retry.id(), "status", "retrying"));
            Task otherRetry = Task.create("confirmation-mail", Map.of("name", "O", "email", other, "message", "z"));
            jedis.zadd(RedisProbe.PREFIX + "delayed", System.currentTimeMillis() + 3_600_000,
                    TaskCodec.encode(otherRetry));

            assertEquals(403, admin().postForm("api/admin/erasures", "email=" + victim).statusCode(),
                    "a cross-site form's request");
            HttpResponse<String> response = admin().postJson("api/admin/erasures",
                    "{\"email\":\"" + victim.toUpperCase(Locale.ROOT) + "\"}", true);
            assertEquals(200, response.statusCode(), response.body());
            JsonObject counts = AdminApi.json(response.body());
            assertEquals(2, counts.getInt("rows"));
            assertEquals(1, counts.getInt("deadLetters"));
            assertEquals(1, counts.getInt("queuedTasks"));
            assertTrue(counts.getInt("statusRecords") >= 5, response.body()); // 2 mails + 2 stores + 1 retry

            assertEquals(List.of(), admin().all("victim-" + marker, 50));
            assertEquals(404, admin().get("api/admin/submissions/" + first.id()).statusCode());
            assertEquals(List.of(), keysHolding(jedis, victim.toLowerCase(Locale.ROOT)));
            assertTrue(redis.taskRecord(first.id()).isEmpty());
            assertTrue(redis.taskRecord(second.id()).isEmpty());
            assertFalse(jedis.hexists(RedisProbe.PREFIX + "dead", dead.id()));
            // The other person's row, status record and waiting retry are all still there.
            assertEquals(List.of(kept.id()), admin().all(other, 50).stream().map(o -> o.getString("id")).toList());
            assertFalse(redis.taskRecord(kept.id()).isEmpty());
            assertTrue(jedis.zscore(RedisProbe.PREFIX + "delayed", TaskCodec.encode(otherRetry)) != null);
            jedis.zrem(RedisProbe.PREFIX + "delayed", TaskCodec.encode(otherRetry));
        }
    }

    /** Every key of the queue whose content (any type) contains the text, case-insensitively. */
    static List<String> keysHolding(Jedis jedis, String text) {
        return jedis.keys(RedisProbe.PREFIX + "*").stream().filter(key -> {
            List<String> values = switch (jedis.type(key)) {
                case "string" -> Collections.singletonList(jedis.get(key));
                case "hash" -> jedis.hgetAll(key).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
                case "list" -> jedis.lrange(key, 0, -1);
                case "zset" -> jedis.zrange(key, 0, -1);
                case "set" -> List.copyOf(jedis.smembers(key));
                default -> List.of();
            };
            return values.stream().anyMatch(v -> v != null && v.toLowerCase(Locale.ROOT).contains(text));
        }).toList();
    }

    @Test
    void theOwnerIsNotifiedWithReplyToTheSubmitterAndNoAddedHeader() throws Exception {
        String marker = Submissions.marker();
        String submitter = "sender-" + marker + "@example.com";
        Submissions.Sent sent = Submissions.submit(new Http(base), "Mallory\r\nBcc: victim-" + marker
                + "@example.com\r\nX-Evil: 1 Ünïcødé", submitter, "Hello owner " + marker);
        MimeMessage notification = Mailbox.await(OWNER, 1).stream()
                .filter(mail -> Mailbox.text(mail).contains("Hello owner " + marker)).findFirst()
                .orElseGet(() -> {
                    await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.to(OWNER).stream()
                            .anyMatch(mail -> Mailbox.text(mail).contains("Hello owner " + marker)));
                    return Mailbox.to(OWNER).stream().filter(mail -> Mailbox.text(mail)
                            .contains("Hello owner " + marker)).findFirst().orElseThrow();
                });
        assertEquals(List.of(new InternetAddress(OWNER)), Arrays.asList(notification.getRecipients(Message.RecipientType.TO)));
        assertNull(notification.getRecipients(Message.RecipientType.CC));
        assertNull(notification.getHeader("Bcc"));
        assertNull(notification.getHeader("X-Evil"));
        Address[] replyTo = notification.getReplyTo();
        assertEquals(1, replyTo.length);
        InternetAddress reply = (InternetAddress) replyTo[0];
        assertEquals(submitter, reply.getAddress());
        assertEquals("Mallory Bcc: victim-" + marker + "@example.com X-Evil: 1 Ünïcødé", reply.getPersonal());
        // Its own stable Message-ID, from its task id (derived from the submission's).
        assertEquals("<taskq." + SubmissionTasks.derivedId(sent.id(), SubmissionTasks.NOTIFY_TYPE)
                + "@example.com>", notification.getMessageID());
        // No mail to the address smuggled into the name.
        assertEquals(List.of(), Mailbox.to("victim-" + marker + "@example.com"));
        // The submitter got their own confirmation, not the owner's notification.
        assertEquals(1, Mailbox.await(submitter, 1).size());
    }

    @Test
    void whatTheBotTrapCaughtIsKeptApartAsSpamAndNotMailed() throws Exception {
        String marker = Submissions.marker();
        String bot = "bot-" + marker + "@example.com";
        Http http = new Http(base);
        String page = http.get("").body();
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("form", "form");
        form.put("form:name", "Bot " + marker);
        form.put("form:email", bot);
        form.put("form:message", "Buy now " + marker);
        form.put("form:website", "http://spam.example");
        form.put("form:token", group(page, "name=\"form:token\"[^>]*value=\"([^\"]*)\""));
        form.put("form:send", "Send message");
        form.put("jakarta.faces.ViewState", group(page, "name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]*)\""));
        String action = group(page, "<form id=\"form\"[^>]*action=\"([^\"]*)\"").replace("&amp;", "&");
        assertEquals(302, http.postForm(action, form).statusCode(), "answered like a real submission");

        await().atMost(ROWS_WAIT).until(() -> AdminApi.json(admin().get("api/admin/submissions?spam=true&q=" + marker)
                .body()).getJsonArray("items").size() == 1);
        JsonObject spam = AdminApi.json(admin().get("api/admin/submissions?spam=true&q=" + marker).body())
                .getJsonArray("items").getJsonObject(0);
        assertEquals(bot, spam.getString("email"));
        assertTrue(spam.getBoolean("spam"));
        assertEquals(List.of(), admin().all(marker, 50), "not among the submissions");
        assertEquals(0, Mailbox.to(bot).size(), "no confirmation mail");
        assertTrue(Mailbox.to(OWNER).stream().noneMatch(mail -> Mailbox.text(mail).contains(marker)),
                "no notification");
    }

    private static String group(String html, String regex) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(regex).matcher(html);
        assertTrue(matcher.find(), regex);
        return matcher.group(1);
    }

    @Test
    void theApiIsForAdminsAndStateChangesNeedTheHeader() throws Exception {
        assertEquals(401, new Http(base).get("api/admin/submissions").statusCode());
        assertEquals(403, new AdminApi(base, VISITOR, PASSWORD).get("api/admin/submissions").statusCode());
        assertEquals(403, new AdminApi(base, VISITOR, PASSWORD).get("api/admin/submissions.csv").statusCode());
        String marker = Submissions.marker();
        Submissions.Sent sent = Submissions.submit(new Http(base), "Del Ete", marker + "@example.com", "bye");
        Submissions.awaitRows(admin(), marker, 1, ROWS_WAIT);
        assertEquals(403, admin().delete("api/admin/submissions/" + sent.id(), false).statusCode());
        assertEquals(204, admin().delete("api/admin/submissions/" + sent.id(), true).statusCode());
        assertEquals(404, admin().delete("api/admin/submissions/" + sent.id(), true).statusCode());
        assertEquals(404, admin().get("api/admin/submissions/" + sent.id()).statusCode());
    }

    @Test
    void badParametersAreExplained() throws Exception {
        for (String query : new String[] {"limit=0", "limit=201", "limit=x", "cursor=not-a-cursor", "spam=maybe",
                "q=" + "x".repeat(201)}) {
            HttpResponse<String> response = admin().get("api/admin/submissions?" + query);
            assertEquals(400, response.statusCode(), query);
            assertTrue(response.body().contains("\"detail\""), response.body());
        }
        assertEquals(400, admin().postJson("api/admin/erasures", "{\"email\": 5}", true).statusCode());
        assertEquals(400, admin().postJson("api/admin/erasures", "[]", true).statusCode());
    }
}
