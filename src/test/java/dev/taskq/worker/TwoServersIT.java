package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.RedisKeys;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestUsers;
import dev.taskq.web.CrossSiteAdminGuard;
import jakarta.json.Json;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Two server processes on one Redis and one SMTP server — the test's own server and a Payara Micro process — share
 * one queue: 1,000 submissions made half on each are each mailed once (one Message-ID per submission) and both
 * servers ran tasks; a pause made on one server holds the other's consumers too, and a task submitted on one server
 * streams its events to a client of the other. With the second server SIGKILLed halfway through, still every
 * submission is mailed with one Message-ID: the survivor takes over the dead server's leases.
 */
@TaskqIT
@Tag("slow") // two Payara Micro starts and 2,000 mails: on embedded Payara and Payara Server only (see pom.xml)
class TwoServersIT {

    private static final String PREFIX = "twoservers";
    private static final RedisKeys KEYS = new RedisKeys(PREFIX);
    private static final int SUBMISSIONS = 1000;
    /** The second server's settings: the same queue, no abuse limits (one client sends everything), open metrics. */
    private static final Map<String, String> SECOND = Map.of("TASKQ_KEY_PREFIX", PREFIX, "TASKQ_CONSUMERS", "3",
            "TASKQ_LIMIT_RECIPIENT_PER_HOUR", "0", "TASKQ_LIMIT_RECIPIENT_PER_DAY", "0",
            "TASKQ_LIMIT_CLIENT_PER_HOUR", "0", "TASKQ_BACKLOG_MAX", "0", "TASKQ_METRICS_ACCESS", "open");

    /** What the operators' API asks of a state-changing request that is not JSON. */
    private static final String[] CSRF = {CrossSiteAdminGuard.HEADER, "taskq-test"};

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("twoservers", TestServers.get().redisUrl(), "taskq.key-prefix=" + PREFIX + "\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void submissionsMadeOnBothServersAreMailedOnceAndBothServersRunTasks() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort());
             PayaraMicroServer second = PayaraMicroServer.start("second", SECOND)) {
            Http first = new Http(base);
            Http other = new Http(second.baseUri().toURL());
            Http operator = new Http(base).as(TestUsers.ADMIN.name(), TestUsers.PASSWORD);
            Map<String, Long> earlier = processedByServer(redis);

            assertEquals(204, operator.put("api/admin/pause", CSRF).statusCode());
            List<String> addresses = submit(List.of(first, other), domain);
            // Paused on the first server: the second's consumers took nothing either (a submission is two tasks or
            // more: its mail, its stored copy).
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertEquals(0, mails(domain).size(), "nothing mailed while paused");
            assertEquals(0, held(redis), "no consumer of either server took a task while paused");
            assertTrue(redis.llen(KEYS.ready()) >= SUBMISSIONS, "every submission waits while paused");
            URI task = URI.create(accepted(first, "watched@" + domain).headers().firstValue("Location").orElseThrow());
            String id = task.getPath().substring(task.getPath().lastIndexOf('/') + 1);
            try (SseClient events = SseClient.open(second.baseUri().resolve("api/tasks/" + id + "/events"))) {
                assertEquals(200, events.statusCode(), "the second server streams the first one's task");
                assertEquals("queued", events.next().status());
                assertEquals(204, operator.delete("api/admin/pause", CSRF).statusCode());
                await().atMost(Duration.ofMinutes(3)).until(() -> mails(domain).size() >= SUBMISSIONS + 1);
                SseClient.Event event = events.next();
                while (event != null && !event.status().equals("succeeded")) {
                    event = events.next();
                }
                assertTrue(event != null, "the second server streamed the success of a task submitted on the first");
            }

            assertEquals(0, copies(addresses, domain), "no submission mailed twice");
            Map<String, Long> processed = since(earlier, processedByServer(redis));
            assertEquals(2, processed.size(), "two servers' consumers: " + processed);
            processed.forEach((server, count) -> assertTrue(count > 0, server + " ran tasks: " + processed));

            String consumers = new Http(base).signedIn(TestUsers.ADMIN.name(), TestUsers.PASSWORD)
                    .get("admin/consumers.xhtml").body();
            processed.keySet().forEach(server -> assertTrue(consumers.contains(server),
                    "the first server's console lists " + server));
            String metrics = other.get("api/metrics").body();
            assertEquals(6, gauge(metrics, "taskq_consumers", "state=\"live\""), "both servers' consumers: " + metrics);
            System.out.println("TwoServersIT: " + SUBMISSIONS + " submissions, " + mails(domain).size()
                    + " mails, tasks run per server " + processed);
        }
    }

    @Test
    void submissionsAreMailedOnceWhenOneOfTheTwoServersIsKilledHalfway() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort());
             PayaraMicroServer victim = PayaraMicroServer.start("victim", SECOND)) {
            Http operator = new Http(base).as(TestUsers.ADMIN.name(), TestUsers.PASSWORD);
            Map<String, Long> earlier = processedByServer(redis);
            assertEquals(204, operator.put("api/admin/pause", CSRF).statusCode());
            List<String> addresses = submit(List.of(new Http(base), new Http(victim.baseUri().toURL())), domain);
            assertEquals(204, operator.delete("api/admin/pause", CSRF).statusCode());
            await().atMost(Duration.ofMinutes(2)).until(() -> mails(domain).size() >= SUBMISSIONS / 2);

            Map<String, Long> before = since(earlier, processedByServer(redis));
            victim.kill();
            assertEquals(2, before.size(), "both servers ran tasks before the kill: " + before);
            before.forEach((server, count) -> assertTrue(count > 0, server + " ran tasks: " + before));

            await().atMost(Duration.ofMinutes(3)).until(() -> recipients(domain).size() >= SUBMISSIONS);
            long copies = copies(addresses, domain);
            System.out.println("TwoServersIT: " + SUBMISSIONS + " submissions, one server killed after "
                    + before + " tasks run, " + mails(domain).size() + " mails, " + copies
                    + " second copies (same Message-ID)");
            // Every mail arrived, but the dead server's leases may still hold tasks (its submissions' store tasks,
            // a mail sent just before the kill) until the survivor's reaper sees its heartbeats expire.
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                    assertEquals(0, held(redis), "nothing left on a processing list"));
            copies(addresses, domain); // a task run again after the take-over still mails under its one Message-ID
        }
    }

    /** Makes the submissions, alternating between the servers, and returns their addresses. */
    private static List<String> submit(List<Http> servers, String domain) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < SUBMISSIONS; i++) {
            String address = "s" + i + "@" + domain;
            accepted(servers.get(i % servers.size()), address);
            addresses.add(address);
        }
        return addresses;
    }

    private static HttpResponse<String> accepted(Http server, String address) throws Exception {
        HttpResponse<String> answer = server.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Two").add("email", address).add("message", "Two servers").build().toString());
        assertEquals(202, answer.statusCode(), answer.body());
        return answer;
    }

    /**
     * Checks that each address got mail with one Message-ID only (a copy sent again after a kill is the same
     * message); returns how many such second copies arrived.
     */
    private static long copies(List<String> addresses, String domain) {
        Map<String, List<String>> idsByRecipient = new HashMap<>();
        for (MimeMessage mail : mails(domain)) {
            idsByRecipient.computeIfAbsent(recipient(mail), key -> new ArrayList<>()).add(messageId(mail));
        }
        long copies = 0;
        for (String address : addresses) {
            List<String> ids = idsByRecipient.get(address);
            assertTrue(ids != null, "mailed: " + address);
            assertEquals(1, ids.stream().distinct().count(), "one Message-ID for " + address + ": " + ids);
            copies += ids.size() - 1;
        }
        return copies;
    }

    /**
     * Tasks run to success per live server (one whose consumers' heartbeats are alive), from the consumers' records
     * (field {@code server}, counter {@code processed}).
     */
    private static Map<String, Long> processedByServer(Jedis redis) {
        Map<String, Long> processed = new HashMap<>();
        for (String consumer : redis.smembers(KEYS.consumers())) {
            Map<String, String> record = redis.hgetAll(KEYS.consumer(consumer));
            if (record.containsKey("server") && redis.exists(KEYS.heartbeat(consumer))) {
                processed.merge(record.get("server"), Long.parseLong(record.getOrDefault("processed", "0")),
                        Long::sum);
            }
        }
        return processed;
    }

    /** Tasks on the consumers' processing lists (their leases), all servers together. */
    private static long held(Jedis redis) {
        return redis.smembers(KEYS.consumers()).stream().mapToLong(id -> redis.llen(KEYS.processing(id))).sum();
    }

    /** What each server ran since {@code earlier} (the test's own server ran tasks in the other test too). */
    private static Map<String, Long> since(Map<String, Long> earlier, Map<String, Long> now) {
        Map<String, Long> difference = new HashMap<>();
        now.forEach((server, count) -> difference.put(server, count - earlier.getOrDefault(server, 0L)));
        return difference;
    }

    private static double gauge(String metrics, String name, String label) {
        Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertTrue(line.find(), name + " with " + label);
        return Double.parseDouble(line.group(1));
    }

    private static List<MimeMessage> mails(String domain) {
        return List.of(TestServers.get().greenMail().getReceivedMessagesForDomain(domain));
    }

    private static Set<String> recipients(String domain) {
        return Set.copyOf(mails(domain).stream().map(TwoServersIT::recipient).toList());
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String messageId(MimeMessage mail) {
        try {
            return mail.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
