package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.QueueConsumer.Next;
import dev.taskq.queue.QueueConsumer.Start;
import dev.taskq.queue.QueueConsumer.Started;
import dev.taskq.queue.QueueConsumer.Took;
import dev.taskq.testing.TcpProxy;
import dev.taskq.testing.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.embedded.RedisServer;

/**
 * The consumer-side scripts against a bare redis-server: outcomes are recorded only while the consumer still holds
 * the task, never twice, and a task is never in two of ready / processing / delayed / dead at once.
 */
class QueueConsumerFencingTest {

    private static final Duration KEEP = Duration.ofHours(1);
    private static RedisServer redis;
    private static int port;

    private final RedisKeys keys = new RedisKeys("fencing-" + UUID.randomUUID().toString().substring(0, 8));
    private Jedis probe;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        port = TestServers.freePort();
        redis = TestServers.startRedis(port, Path.of("target", "redis-fencing-" + port));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
    }

    @BeforeEach
    void connect() {
        probe = new Jedis("127.0.0.1", port);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        probe.close();
    }

    @Test
    void aConsumerWhoseTaskWasReapedAndFinishedElsewhereRecordsNothingWhenItFinishesLate() {
        QueueConsumer slow = consumer("slow", port);
        QueueConsumer other = consumer("other", port);
        Task task = enqueue();

        String entry = slow.takeBlocking();
        assertEquals(Started.STARTED, slow.start(task, entry, Instant.now()).status());
        // The slow consumer's server stalls past its lease: a reaper elsewhere re-queues the task.
        probe.del(keys.heartbeat("slow"));
        assertEquals(1, TaskMoves.heldBy(probe, keys, "slow", false, true, null));
        String again = other.takeBlocking();
        assertEquals(entry, again);
        assertEquals(2, other.start(task, again, Instant.now()).attempt());
        assertTrue(other.succeeded(task, again, "<mail@example.com>", 1000, false).applied());

        Next late = slow.retryLater(task, entry, 1, "late failure", Instant.now().plusSeconds(60), 1000, false);

        assertFalse(late.applied());
        assertEquals("succeeded", record(task).get("status"));
        assertEquals("<mail@example.com>", record(task).get("result"));
        assertEquals(List.of(), places(entry), "in no list or set any more");
        assertEquals("1", probe.hget(keys.statsTotal(), "succeeded:test"));
        assertNull(probe.hget(keys.statsTotal(), "failed:test"));
    }

    @Test
    void aLateSuccessIsKeptSoThatTheCopyHandedOutAgainIsNotRunAgain() {
        QueueConsumer slow = consumer("slow", port);
        QueueConsumer other = consumer("other", port);
        Task task = enqueue();
        String entry = slow.takeBlocking();
        slow.start(task, entry, Instant.now());
        probe.del(keys.heartbeat("slow"));
        TaskMoves.heldBy(probe, keys, "slow", false, true, null);

        // The slow run's mail went out after all; its consumer no longer holds the task.
        assertFalse(slow.succeeded(task, entry, "<late@example.com>", 1000, false).applied());
        String again = other.takeBlocking();
        Start start = other.start(task, again, Instant.now());

        assertEquals("<late@example.com>", start.earlierResult(), "the copy is acknowledged without a second mail");
    }

    @Test
    void aStrayOnTheConsumersListGoesBackToTheQueueWithItsNextOutcome() throws Exception {
        QueueConsumer consumer = consumer("cut", port);
        Task first = enqueue();
        Task stray = enqueue();
        String entry = consumer.takeBlocking();
        assertEquals(first.id(), TaskCodec.decode(entry).id());
        consumer.start(first, entry, Instant.now());
        // A take sent before a network cut and delivered after it healed: it lands on the consumer's list, under
        // a live heartbeat, while the consumer runs something else.
        String strayEntry = probe.lmove(keys.ready(), keys.processing("cut"), ListDirection.RIGHT, ListDirection.LEFT);
        assertEquals(stray.id(), TaskCodec.decode(strayEntry).id());

        Next next = consumer.succeeded(first, entry, "<first@example.com>", 1000, true);

        assertTrue(next.applied());
        assertEquals(Took.TAKEN, next.took());
        assertEquals(strayEntry, next.entry(), "the stray went back to the front of the queue and was handed out");
        assertEquals(List.of("processing"), places(strayEntry), "held once, by the consumer that runs it");
        assertEquals(1, probe.llen(keys.processing("cut")));
    }

    @Test
    void aLateOutcomeFromTheConsumersOldConnectionLeavesTheTaskItRunsNowWhereItIs() throws Exception {
        // The consumer's connection from before a network cut, on which an outcome is delivered late.
        QueueConsumer old = consumer("cut", port);
        probe.set(keys.paused(), "test");
        assertEquals(Took.PAUSED, old.take().took());
        probe.del(keys.paused());
        // After the cut: a new connection, which records the first task and runs the second.
        QueueConsumer current = consumer("cut", port);
        Task first = enqueue();
        Task second = enqueue();
        String entry = current.takeBlocking();
        current.start(first, entry, Instant.now());
        Next next = current.succeeded(first, entry, "<first@example.com>", 1000, true);
        assertEquals(Took.TAKEN, next.took());
        assertEquals(second.id(), TaskCodec.decode(next.entry()).id());
        current.start(second, next.entry(), Instant.now());
        probe.set(keys.paused(), "test");

        Next late = old.succeeded(first, entry, "<first@example.com>", 1000, true);

        assertFalse(late.applied());
        assertEquals(Took.PAUSED, late.took());
        assertEquals(List.of("processing"), places(next.entry()), "the running task stays on its consumer's list");
    }

    @Test
    void anIdleConsumerPutsAStrayOnItsListBackAndTakesItWithinTenEmptyPops() throws Exception {
        QueueConsumer consumer = consumer("cut", port);
        // Connected (a new connection puts strays back by itself) and idle: nothing waits.
        assertNull(consumer.takeBlocking());
        Task stray = enqueue();
        String strayEntry = probe.lmove(keys.ready(), keys.processing("cut"), ListDirection.RIGHT, ListDirection.LEFT);

        String taken = null;
        for (int pop = 0; pop < 11 && taken == null; pop++) {
            taken = consumer.takeBlocking(); // a second each while nothing waits
        }

        assertEquals(strayEntry, taken, "the stray was put back and taken again: " + stray.id());
        assertEquals(List.of("processing"), places(strayEntry));
        assertEquals(1, probe.llen(keys.processing("cut")));
    }

    @Test
    void anOutcomeRepeatedAfterItsReplyWasLostIsNotAppliedTwice() throws Exception {
        TcpProxy proxy = new TcpProxy(port);
        toClose.add(proxy);
        QueueConsumer consumer = consumer("lossy", proxy.port());
        Task first = enqueue();
        Task second = enqueue();

        String entry = consumer.takeBlocking();
        assertEquals(first.id(), TaskCodec.decode(entry).id());
        consumer.start(first, entry, Instant.now());
        // The outcome reaches Redis (which also hands over the next task), but the reply is lost on the way back.
        proxy.swallowReplies();
        assertThrows(QueueUnavailableException.class,
                () -> consumer.retryLater(first, entry, 1, "boom", Instant.now().plusSeconds(60), 1000, true));

        // What the loop does next: the same outcome again, on a new connection.
        Next repeated = consumer.retryLater(first, entry, 1, "boom", Instant.now().plusSeconds(60), 1000, true);

        assertFalse(repeated.applied(), "recorded once only");
        assertEquals(Took.TAKEN, repeated.took());
        assertEquals(second.id(), TaskCodec.decode(repeated.entry()).id(), "the next task, handed over once more");
        assertEquals(List.of("delayed"), places(entry));
        assertEquals(List.of("processing"), places(repeated.entry()));
        assertEquals("1", probe.hget(keys.statsTotal(), "failed:test"));
        assertEquals(1, probe.llen(keys.failures()));
    }

    @Test
    void aStartRepeatedAfterItsReplyWasLostWhileTheQueueWasPausedCountsOneAttempt() throws Exception {
        TcpProxy proxy = new TcpProxy(port);
        toClose.add(proxy);
        QueueConsumer consumer = consumer("lossy-start", proxy.port());
        Task task = enqueue();
        String entry = consumer.takeBlocking();
        Instant at = Instant.now();

        proxy.swallowReplies();
        assertThrows(QueueUnavailableException.class, () -> consumer.start(task, entry, at));
        probe.set(keys.paused(), "{}");
        Start repeated = consumer.start(task, entry, at);

        assertEquals(Started.STARTED, repeated.status(), "it had started before the pause");
        assertEquals(1, repeated.attempt());
    }

    @Test
    void aStartRepeatedAfterItsReplyWasLostCountsOneAttempt() throws Exception {
        TcpProxy proxy = new TcpProxy(port);
        toClose.add(proxy);
        QueueConsumer consumer = consumer("lossy-start", proxy.port());
        Task task = enqueue();
        String entry = consumer.takeBlocking();
        Instant at = Instant.now();

        proxy.swallowReplies();
        assertThrows(QueueUnavailableException.class, () -> consumer.start(task, entry, at));
        Start start = consumer.start(task, entry, at);

        assertEquals(Started.STARTED, start.status());
        assertEquals(1, start.attempt());
        assertEquals(List.of("processing"), places(entry), "the running task is kept on a new connection");
    }

    @Test
    void aTaskParkedDuringAnOutageKeepsItsAttemptsAndSaysWhatItWaitsFor() {
        QueueConsumer consumer = consumer("parking", port);
        Task task = enqueue();
        String entry = consumer.takeBlocking();
        consumer.start(task, entry, Instant.now());

        Next parked = consumer.park(task, entry, "mail server unavailable", Instant.now().plusSeconds(30), true, false);

        assertTrue(parked.applied());
        assertEquals("0", record(task).get("attempts"));
        assertEquals("queued", record(task).get("status"));
        assertEquals("mail server unavailable", record(task).get("waitingFor"));
        assertEquals(List.of("parked"), places(entry));
        assertEquals(1, TaskMoves.fromWaitingSet(probe, keys, keys.parked("test"), Double.POSITIVE_INFINITY));
        assertEquals(List.of("ready"), places(entry));
    }

    @Test
    void aPausedQueueHandsOutNothingAndAStartWhilePausedReturnsTheTask() {
        QueueConsumer consumer = consumer("pausing", port);
        Task task = enqueue();
        String entry = consumer.takeBlocking();
        probe.set(keys.paused(), "{}");

        assertEquals(Started.PAUSED, consumer.start(task, entry, Instant.now()).status());
        assertEquals(List.of("ready"), places(entry));
        assertEquals(Took.PAUSED, consumer.take().took());

        probe.del(keys.paused());
        Next next = consumer.take();
        assertEquals(Took.TAKEN, next.took());
        assertEquals(entry, next.entry());
    }

    @Test
    void aDeadTaskIsInTheDeadLettersOnlyAndCounted() {
        QueueConsumer consumer = consumer("dying", port);
        Task task = enqueue();
        String entry = consumer.takeBlocking();
        consumer.start(task, entry, Instant.now());

        assertTrue(consumer.dead(task, entry, 1, "550 no such user", 500, false).applied());

        assertEquals(List.of("dead"), places(entry));
        assertEquals("dead", record(task).get("status"));
        assertTrue(record(task).get("error.1").endsWith("550 no such user"));
        assertTrue(probe.zscore(keys.deadAt(), task.id()) != null);
        assertEquals("1", probe.hget(keys.statsTotal(), "dead:test"));
    }

    private QueueConsumer consumer(String id, int redisPort) {
        QueueConsumer consumer = new QueueConsumer(new RedisEndpoint(URI.create("redis://127.0.0.1:" + redisPort)),
                List.of(keys), id, KEEP, KEEP, Duration.ofSeconds(10), Map.of());
        toClose.add(consumer);
        return consumer;
    }

    private Task enqueue() {
        Task task = Task.create("test", Map.of("n", UUID.randomUUID().toString()));
        probe.hset(keys.task(task.id()), Map.of("id", task.id(), "type", task.type(), "status", "queued",
                "attempts", "0", "createdAt", task.createdAt().toString()));
        probe.lpush(keys.ready(), TaskCodec.encode(task));
        return task;
    }

    private Map<String, String> record(Task task) {
        return probe.hgetAll(keys.task(task.id()));
    }

    /** Where an entry is: each of ready, processing (any consumer), delayed, parked, dead it is found in. */
    private List<String> places(String entry) {
        List<String> places = new ArrayList<>();
        if (probe.lpos(keys.ready(), entry) != null) {
            places.add("ready");
        }
        for (String consumer : List.of("slow", "other", "lossy", "lossy-start", "parking", "pausing", "dying", "cut")) {
            if (probe.lpos(keys.processing(consumer), entry) != null) {
                places.add("processing");
            }
        }
        if (probe.zscore(keys.delayed(), entry) != null) {
            places.add("delayed");
        }
        if (probe.zscore(keys.parked("test"), entry) != null) {
            places.add("parked");
        }
        try {
            if (probe.hexists(keys.dead(), TaskCodec.decode(entry).id())) {
                places.add("dead");
            }
        } catch (MalformedTaskException e) {
            throw new AssertionError(e);
        }
        return places;
    }
}
