package dev.taskq.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.QueueConsumer.Started;
import dev.taskq.testing.FailoverDrain;
import dev.taskq.testing.SentinelGroup;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue behind Sentinel ({@link SentinelGroup}: a master, a replica and three Sentinels, processes). 500
 * tasks are enqueued (each acknowledged only once a replica has it: {@code WAIT 1}, as with
 * {@code TASKQ_REDIS_MIN_REPLICAS=1}) while three consumers drain them; halfway the master is SIGKILLed, or handed
 * over with {@code SENTINEL FAILOVER}. Every acknowledged task is then run to success exactly once (fenced),
 * enqueues during the switch fail as an outage (the API's 503), never otherwise, and the consumers take tasks
 * from the new master within 15 s of its promotion.
 */
class SentinelFailoverTest {

    private static final int TASKS = 500;
    private static final Duration KEEP = Duration.ofHours(1);

    private final RedisKeys keys = new RedisKeys("sentinel-" + UUID.randomUUID().toString().substring(0, 8));
    private SentinelGroup redis;
    private RedisEndpoint endpoint;
    private UnifiedJedis producer;

    /** Per task id: runs started, and successes recorded (the fenced outcome). */
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    private final List<Instant> takes = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    @BeforeEach
    void startRedisAndSentinels() throws Exception {
        redis = new SentinelGroup();
        Set<HostAndPort> sentinels = Set.copyOf(redis.sentinelPorts().stream()
                .map(port -> new HostAndPort("127.0.0.1", port)).toList());
        endpoint = new RedisEndpoint(URI.create("redis://127.0.0.1"), null,
                new RedisEndpoint.Sentinels(sentinels, SentinelGroup.MASTER, null));
        producer = endpoint.pooledClient("test-producer", 8, 2);
    }

    @AfterEach
    void stopAll() throws Exception {
        stopped = true;
        if (producer != null) {
            producer.close();
        }
        redis.close();
    }

    @Test
    void aMasterKilledWhileTasksDrainLosesNoAcknowledgedTaskAndRunsNoneToSuccessTwice() throws Exception {
        drainThrough(redis::killMaster);
    }

    @Test
    void aPlannedFailoverLosesNoAcknowledgedTaskAndRunsNoneToSuccessTwice() throws Exception {
        drainThrough(redis::failOver);
    }

    private void drainThrough(FailoverDrain.Switch switchMaster) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            threads.add(started(new Thread(consume("consumer-" + i), "test-consumer-" + i)));
        }
        Thread producing = started(new Thread(this::produce, "test-producer"));
        await().atMost(Duration.ofSeconds(60)).until(() -> successes.size() >= TASKS / 4);

        switchMaster.run();
        Instant promoted = Instant.now();

        await().atMost(Duration.ofSeconds(15)).until(() -> takes.stream().anyMatch(at -> at.isAfter(promoted)));
        producing.join(Duration.ofMinutes(2).toMillis());
        await().atMost(Duration.ofSeconds(90))
                .until(() -> acknowledged.stream().allMatch(id -> successes.containsKey(id)));
        stopped = true;
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertEquals(List.of(), unexpected, "only outages, which the API answers with 503");
        long twice = successes.values().stream().filter(count -> count.get() > 1).count();
        assertEquals(0, twice, "no task recorded as succeeded twice");
        long ranAgain = runs.values().stream().filter(count -> count.get() > 1).count();
        assertTrue(acknowledged.size() > TASKS / 4, "enqueues were acknowledged: " + acknowledged.size());
        System.out.println("SentinelFailoverTest: " + TASKS + " enqueues, " + acknowledged.size() + " acknowledged, "
                + refused.get() + " refused as an outage (503), " + successes.size() + " succeeded, " + ranAgain
                + " run twice (their success was recorded once)");
    }

    /** Enqueues the tasks one by one, each acknowledged only once a replica has it. */
    private void produce() {
        for (int i = 0; i < TASKS && !stopped; i++) {
            Task task = Task.create("test", Map.of("n", String.valueOf(i)));
            try {
                EnqueueOutcome outcome = EnqueueScript.runAndWait(producer, keys, EnqueueRequest.of(task), true, 0,
                        Instant.now(), 1);
                if (outcome instanceof EnqueueOutcome.Accepted) {
                    acknowledged.add(task.id());
                }
            } catch (JedisException e) {
                if (RedisFailures.isOutage(e)) {
                    refused.incrementAndGet();
                } else {
                    unexpected.add(e);
                }
            } catch (RuntimeException e) {
                unexpected.add(e);
            }
            pause(10);
        }
    }

    /** A consumer loop as the worker runs it, without a handler: take, start, succeed, each retried on outages. */
    private Runnable consume(String id) {
        return () -> {
            try (QueueConsumer consumer = new QueueConsumer(endpoint, List.of(keys), id, KEEP, KEEP,
                    Duration.ofSeconds(10), Map.of())) {
                while (!stopped) {
                    String entry = retried(consumer::takeBlocking);
                    if (entry == null) {
                        continue;
                    }
                    takes.add(Instant.now());
                    Task task = TaskCodec.decode(entry);
                    Instant at = Instant.now();
                    QueueConsumer.Start start = retried(() -> consumer.start(task, entry, at));
                    if (start == null || start.status() != Started.STARTED) {
                        continue;
                    }
                    runs.computeIfAbsent(task.id(), key -> new AtomicInteger()).incrementAndGet();
                    QueueConsumer.Next next = retried(() -> consumer.succeeded(task, entry, "ok", 1000, false));
                    if (next != null && next.applied()) {
                        successes.computeIfAbsent(task.id(), key -> new AtomicInteger()).incrementAndGet();
                    }
                }
            } catch (RuntimeException | MalformedTaskException e) {
                unexpected.add(e);
            }
        };
    }

    /** Calls again after an outage (a new connection, to the master Sentinel names), until stopped. */
    private <T> T retried(Supplier<T> call) {
        while (!stopped) {
            try {
                return call.get();
            } catch (QueueUnavailableException e) {
                pause(200);
            }
        }
        return null;
    }

    private static Thread started(Thread thread) {
        thread.start();
        return thread;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
