package dev.taskq.worker;

import static dev.taskq.testing.Submissions.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.RedisKeys;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TcpProxy;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestUsers;
import dev.taskq.web.CrossSiteAdminGuard;
import jakarta.json.Json;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * submission is mailed with one Message-ID: the survivor takes over the dead server's leases. With the second server
 * cut off from Redis halfway instead (a network cut: its connections go silent, no FIN or RST), the first server
 * takes over its leases once they expire and mails everything, submissions on the cut server are refused with 503
 * and Retry-After, and once the cut heals the second server's consumers take tasks again.
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

    /** taskq.heartbeat-ttl-seconds, which neither server sets: how long a vanished server's leases outlive it. */
    private static final Duration LEASE = Duration.ofSeconds(10);
    /** How often each server's reaper looks for expired leases (WorkerBootstrap: every 20th upkeep, 250 ms apart). */
    private static final Duration REAP_PERIOD = Duration.ofSeconds(5);
    /** Slack on the waits those bound: two application servers and the test share two cores. */
    private static final Duration MARGIN = Duration.ofSeconds(20);

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
            // Still paused: a task submitted on the first server streams its events to a client of the second.
            streamsAcross(first, second, operator, "watched@" + domain);
            await().atMost(Duration.ofMinutes(3)).until(() -> mails(domain).size() >= SUBMISSIONS + 1);

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

    @Test
    void submissionsAreMailedOnceWhenTheSecondServerIsCutOffFromRedisHalfway() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort());
             TcpProxy network = new TcpProxy(TestServers.get().redisPort())) {
            Set<String> registered = redis.smembers(KEYS.consumers());
            Map<String, String> settings = new HashMap<>(SECOND);
            settings.put("REDIS_URL", "redis://127.0.0.1:" + network.port());
            try (PayaraMicroServer cutOff = PayaraMicroServer.start("cutoff", settings)) {
                Http second = new Http(cutOff.baseUri().toURL());
                Set<String> cutConsumers = await().atMost(Duration.ofSeconds(10))
                        .until(() -> newlyRegistered(redis, registered),
                                ids -> ids.size() == Integer.parseInt(SECOND.get("TASKQ_CONSUMERS")));
                Http operator = new Http(base).as(TestUsers.ADMIN.name(), TestUsers.PASSWORD);
                // Live status on the second server: its events subscription is in place before the cut.
                streamsAcross(new Http(base), cutOff, operator, "watched@" + domain);
                assertEquals(204, operator.put("api/admin/pause", CSRF).statusCode());
                List<String> addresses = submit(List.of(new Http(base), second), domain);
                addresses.add("watched@" + domain);
                assertEquals(204, operator.delete("api/admin/pause", CSRF).statusCode());
                await().atMost(Duration.ofMinutes(2)).until(() -> mails(domain).size() >= SUBMISSIONS / 3);

                network.cut();
                long cutAt = System.nanoTime();
                // With a backlog, a busy consumer always holds its task: each outcome script takes the next one.
                long heldAtCut = held(redis, cutConsumers);
                assertTrue(heldAtCut > 0, "the second server held tasks when it was cut off");
                // Nothing refreshes its heartbeats now: once they expire, the first server's reaper re-queues what
                // its consumers held and forgets them (only a reaper does, or their own server at shutdown).
                await().atMost(LEASE.plus(REAP_PERIOD).plus(MARGIN)).untilAsserted(() -> {
                    assertEquals(0, held(redis, cutConsumers), "left on the cut server's processing lists");
                    assertTrue(cutConsumers.stream().noneMatch(id -> redis.sismember(KEYS.consumers(), id)),
                            "the cut server's consumers are forgotten");
                });
                long takeOverSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cutAt);

                // A submission on the cut server is refused as an outage once its 2 s socket timeout passes (the
                // client's own timeout, 30 s, would fail the test first if it hung); nothing of it reaches Redis.
                List<String> refused = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String address = "cut" + i + "@" + domain;
                    assertFalse(submitted(second, address), "accepted while cut off: " + address);
                    refused.add(address);
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> recipients(domain).containsAll(addresses));

                // Healed: its consumers notice within a socket timeout and a backoff (2 s each) and take tasks
                // again; the submissions made there are spread over both servers' waiting consumers. The reaper
                // deleted the cut consumers' records, so any count of processed tasks is one since the cut healed.
                network.heal();
                int beforeHeal = addresses.size();
                AtomicInteger made = new AtomicInteger();
                await().atMost(MARGIN).pollInterval(Duration.ofMillis(250)).until(() -> {
                    String address = "healed" + made.getAndIncrement() + "@" + domain;
                    // A pooled connection left idle through the cut stays silent: one such answer may be a 503.
                    (submitted(second, address) ? addresses : refused).add(address);
                    return processed(redis, cutConsumers) > 0;
                });
                await().atMost(Duration.ofMinutes(1)).until(() -> recipients(domain).containsAll(addresses));
                // The subscription's connection, silent since the cut (no event, no keep-alive message gets through),
                // times out 45 s after the last thing it heard and is made again: live status works there again.
                await().atMost(Duration.ofSeconds(60)).until(() -> subscriptions(cutOff) >= 2);
                streamsAcross(new Http(base), cutOff, operator, "watched-after@" + domain);
                addresses.add("watched-after@" + domain);
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                        assertEquals(0, held(redis), "nothing left on a processing list"));
                long copies = copies(addresses, domain);
                System.out.println("TwoServersIT: " + (addresses.size() + refused.size()) + " submissions ("
                        + SUBMISSIONS + " before the cut, " + made.get() + " on the second server after it healed), "
                        + addresses.size() + " accepted, " + refused.size() + " refused (503), "
                        + mails(domain).size() + " mails, " + copies + " second copies (same Message-ID); the cut"
                        + " server held " + heldAtCut + " tasks at the cut, taken over within " + takeOverSeconds
                        + " s; " + (addresses.size() - beforeHeal) + " accepted after the heal, its consumers ran "
                        + processed(redis, cutConsumers) + " tasks since; refused ones mailed: "
                        + refused.stream().filter(recipients(domain)::contains).count());
            }
        }
    }

    /**
     * Submits to {@code address} on {@code submitOn} while paused (pausing if need be) and streams the task's events
     * from {@code streamOn}: its "queued" first (the stream is in place), then, after the resume, its success —
     * which only the events channel can bring there. Leaves the queue resumed.
     */
    private static void streamsAcross(Http submitOn, PayaraMicroServer streamOn, Http operator, String address)
            throws Exception {
        assertEquals(204, operator.put("api/admin/pause", CSRF).statusCode());
        URI task = URI.create(accepted(submitOn, address).headers().firstValue("Location").orElseThrow());
        String id = task.getPath().substring(task.getPath().lastIndexOf('/') + 1);
        try (SseClient events = SseClient.open(streamOn.baseUri().resolve("api/tasks/" + id + "/events"))) {
            assertEquals(200, events.statusCode(), "the second server streams the first one's task");
            assertEquals("queued", events.next().status());
            assertEquals(204, operator.delete("api/admin/pause", CSRF).statusCode());
            // The stream's events are kept as they come; whatever was queued before it runs first.
            await().atMost(Duration.ofMinutes(3)).until(() -> "succeeded".equals(status(submitOn, task)
                    .getString("status")));
            SseClient.Event event = events.next();
            while (event != null && !event.status().equals("succeeded")) {
                event = events.next();
            }
            assertTrue(event != null, "the second server streamed the success of a task submitted on the first");
        }
    }

    /** How often the server's events subscription was made (its log's "Subscribed to" lines). */
    private static long subscriptions(PayaraMicroServer server) throws IOException {
        return server.log().lines().filter(line -> line.contains("Subscribed to {" + PREFIX + "}:events")).count();
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
        HttpResponse<String> answer = post(server, address);
        assertEquals(202, answer.statusCode(), answer.body());
        return answer;
    }

    /** Whether the submission was accepted (202); refused, it must be as an outage: 503 with Retry-After. */
    private static boolean submitted(Http server, String address) throws Exception {
        HttpResponse<String> answer = post(server, address);
        if (answer.statusCode() == 202) {
            return true;
        }
        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "503 with Retry-After");
        return false;
    }

    private static HttpResponse<String> post(Http server, String address) throws Exception {
        return server.postJson("api/submissions", Json.createObjectBuilder()
                .add("name", "Two").add("email", address).add("message", "Two servers").build().toString());
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
        return held(redis, redis.smembers(KEYS.consumers()));
    }

    /** Tasks on these consumers' processing lists. */
    private static long held(Jedis redis, Collection<String> consumerIds) {
        return consumerIds.stream().mapToLong(id -> redis.llen(KEYS.processing(id))).sum();
    }

    /** Tasks these consumers ran to success, as their records count them. */
    private static long processed(Jedis redis, Collection<String> consumerIds) {
        return consumerIds.stream().map(id -> redis.hget(KEYS.consumer(id), "processed"))
                .mapToLong(count -> count == null ? 0 : Long.parseLong(count)).sum();
    }

    /** Consumers registered now that were not in {@code before}: those of a server that just started. */
    private static Set<String> newlyRegistered(Jedis redis, Set<String> before) {
        Set<String> now = new HashSet<>(redis.smembers(KEYS.consumers()));
        now.removeAll(before);
        return now;
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
