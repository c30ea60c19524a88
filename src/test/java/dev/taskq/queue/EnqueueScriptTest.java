package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/** {@code enqueue.lua} against a bare redis-server: no application server. */
class EnqueueScriptTest {

    private static final RedisKeys KEYS = new RedisKeys("t");
    private static RedisServer server;
    private static Path directory;
    private static Jedis jedis;

    @BeforeAll
    static void startRedis() throws Exception {
        int port = TestServers.freePort();
        directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "redis-script-");
        server = TestServers.startRedis(port, directory);
        jedis = new Jedis("127.0.0.1", port);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        jedis.close();
        server.stop();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @BeforeEach
    void empty() {
        jedis.flushAll();
    }

    private static Task task() {
        return Task.create("mail", Map.of("to", "a@example.com"));
    }

    private static EnqueueOutcome run(EnqueueRequest request, int cap) {
        return EnqueueScript.run(jedis, KEYS, request, cap, Instant.now());
    }

    @Test
    void anAcceptedTaskHasItsRecordEntryAndCounters() {
        Task task = task();
        EnqueueOutcome outcome = run(EnqueueRequest.of(task), 0);

        assertEquals(new EnqueueOutcome.Accepted(task.id()), outcome);
        Map<String, String> record = jedis.hgetAll(KEYS.task(task.id()));
        assertEquals(Map.of("id", task.id(), "type", "mail", "status", "queued", "attempts", "0",
                "createdAt", task.createdAt().toString()), record);
        assertEquals(List.of(TaskCodec.encode(task)), jedis.lrange(KEYS.ready(), 0, -1));
        assertEquals("1", jedis.hget(KEYS.statsTotal(), "enqueued:mail"));
        String minute = KEYS.statsMinute(Instant.now().getEpochSecond() / 60);
        assertEquals("1", jedis.hget(minute, "enqueued"));
        assertTrue(jedis.ttl(minute) > 24 * 3600 && jedis.ttl(minute) <= 25 * 3600, "expires after 25 h");
        assertTrue(jedis.keys("*").stream().allMatch(key -> key.startsWith("{t}:")), "one hash tag");
    }

    @Test
    void tasksParkedDuringAnOutageAndRetriesCountAgainstTheBacklogCap() {
        jedis.zadd(KEYS.parked("mail"), 1, "parked-1");
        jedis.zadd(KEYS.delayed(), 1, "retry-1");

        assertEquals(new EnqueueOutcome.BacklogFull(), run(EnqueueRequest.of(task()), 2));
        assertEquals(0, jedis.llen(KEYS.ready()), "nothing accepted");
        assertInstanceOf(EnqueueOutcome.Accepted.class, run(EnqueueRequest.of(task()), 3));
    }

    @Test
    void severalTasksGoInTogetherOrNotAtAll() {
        Task first = task();
        Task second = Task.create("store", Map.of());
        assertEquals(new EnqueueOutcome.BacklogFull(),
                run(new EnqueueRequest(List.of(first, second), List.of(), null, null), 1));
        assertEquals(0, jedis.dbSize(), "nothing written");

        assertEquals(new EnqueueOutcome.Accepted(first.id()),
                run(new EnqueueRequest(List.of(first, second), List.of(), null, null), 2));
        assertEquals(2, jedis.llen(KEYS.ready()));
        assertEquals("1", jedis.hget(KEYS.statsTotal(), "enqueued:store"));
        assertEquals("2", jedis.hget(KEYS.statsMinute(Instant.now().getEpochSecond() / 60), "enqueued"));
        assertEquals(new EnqueueOutcome.BacklogFull(), run(EnqueueRequest.of(task()), 2), "the cap is reached");
    }

    @Test
    void aQuotaLetsItsMaxThroughThenRefusesWithoutCountingTheOthers() {
        Quota recipient = new Quota("RECIPIENT", KEYS.limit("to:h", "x"), 2, Duration.ofHours(1));
        Quota client = new Quota("CLIENT", KEYS.limit("from:h", "y"), 10, Duration.ofMinutes(5));
        for (int i = 0; i < 2; i++) {
            assertInstanceOf(EnqueueOutcome.Accepted.class,
                    run(new EnqueueRequest(List.of(task()), List.of(recipient, client), null, null), 0));
        }
        EnqueueOutcome refused = run(new EnqueueRequest(List.of(task()), List.of(recipient, client), null, null), 0);

        EnqueueOutcome.QuotaReached reached = assertInstanceOf(EnqueueOutcome.QuotaReached.class, refused);
        assertEquals(recipient, reached.quota());
        assertTrue(reached.retryAfter().compareTo(Duration.ofMinutes(59)) > 0
                && reached.retryAfter().compareTo(Duration.ofHours(1)) <= 0, reached.toString());
        assertEquals("2", jedis.get(recipient.key()));
        assertEquals("2", jedis.get(client.key()), "a refusal counts against no quota");
        assertEquals(2, jedis.llen(KEYS.ready()));
        assertTrue(jedis.pttl(client.key()) <= Duration.ofMinutes(5).toMillis() && jedis.pttl(client.key()) > 0,
                "the counter expires by itself");
    }

    @Test
    void anIdempotencyKeyReplaysItsTaskAndRefusesAnotherRequest() {
        String key = "k";
        Quota quota = new Quota("CLIENT", KEYS.limit("from:h", "z"), 5, Duration.ofHours(1));
        Task task = task();
        assertEquals(new EnqueueOutcome.Accepted(task.id()),
                run(new EnqueueRequest(List.of(task), List.of(quota), key, "f1"), 0));

        assertEquals(new EnqueueOutcome.Replayed(task.id()),
                run(new EnqueueRequest(List.of(task()), List.of(quota), key, "f1"), 0));
        assertEquals(new EnqueueOutcome.KeyReused(),
                run(new EnqueueRequest(List.of(task()), List.of(quota), key, "f2"), 0));

        assertEquals(1, jedis.llen(KEYS.ready()), "one task");
        assertEquals(1, jedis.keys(KEYS.task("*")).size());
        assertEquals("1", jedis.get(quota.key()), "replays count against no limit");
        long ttl = jedis.ttl(KEYS.idempotency(key));
        assertTrue(ttl > 23 * 3600 && ttl <= 24 * 3600, "remembered for 24 h");
    }

    @Test
    void aPartitionedEnqueueCountsTheQuotasInTheFirstPartitionAndTheKeyWhereTheTasksGo() {
        List<RedisKeys> partitions = RedisKeys.partitions("t", 2);
        RedisKeys first = partitions.get(0);
        RedisKeys second = partitions.get(1);
        Quota quota = new Quota("RECIPIENT", first.limit("to:h", "z"), 1, Duration.ofHours(1));
        Task task = task();
        EnqueueRequest request = new EnqueueRequest(List.of(task), List.of(quota), "k", "f1");

        assertEquals(Optional.empty(), EnqueueScript.seen(jedis, second, request));
        assertEquals(new EnqueueOutcome.Accepted(""), EnqueueScript.admit(jedis, first, request, Instant.now()));
        assertEquals(new EnqueueOutcome.Accepted(task.id()),
                EnqueueScript.run(jedis, second, request, false, 0, Instant.now()));

        // A replay is seen in the key's partition before the limits (which are used up now).
        assertEquals(Optional.of(new EnqueueOutcome.Replayed(task.id())), EnqueueScript.seen(jedis, second,
                new EnqueueRequest(List.of(task()), List.of(quota), "k", "f1")));
        assertEquals(Optional.of(new EnqueueOutcome.KeyReused()), EnqueueScript.seen(jedis, second,
                new EnqueueRequest(List.of(task()), List.of(quota), "k", "f2")));
        assertTrue(EnqueueScript.admit(jedis, first, new EnqueueRequest(List.of(task()), List.of(quota), null, null),
                Instant.now()) instanceof EnqueueOutcome.QuotaReached, "the quota counted once, in the first");
        assertEquals("1", jedis.get(quota.key()));
        assertEquals(0, jedis.llen(first.ready()), "the admission wrote no task");
        assertEquals(null, jedis.hget(first.statsTotal(), "enqueued:mail"));
        assertEquals(1, jedis.llen(second.ready()));
        assertEquals("queued", jedis.hget(second.task(task.id()), "status"));
        assertEquals("f1", jedis.hget(second.idempotency("k"), "fingerprint"));
    }
}
