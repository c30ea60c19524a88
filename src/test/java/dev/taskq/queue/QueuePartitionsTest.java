package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.QueueConsumer.Next;
import dev.taskq.queue.QueueConsumer.Started;
import dev.taskq.queue.QueueConsumer.Took;
import dev.taskq.testing.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.embedded.RedisServer;

/**
 * A queue split into partitions (taskq.queue.partitions), against a bare redis-server: each partition's keys share
 * one slot of their own, and one consumer serves every partition in turn, each task once, its outcome recorded in
 * the partition it came from.
 */
class QueuePartitionsTest {

    private static final Duration KEEP = Duration.ofHours(1);
    private static RedisServer redis;
    private static int port;

    @BeforeAll
    static void startRedis() throws Exception {
        port = TestServers.freePort();
        redis = TestServers.startRedis(port, Path.of("target", "redis-partitions-" + port));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
    }

    @Test
    void eachPartitionHasASlotOfItsOwnInItsOwnThirdOfTheSlots() {
        List<RedisKeys> partitions = RedisKeys.partitions("taskq", 3);

        assertEquals(new RedisKeys("taskq").ready(), partitions.get(0).ready(), "the first keeps the plain prefix");
        Set<Integer> thirds = new HashSet<>();
        for (RedisKeys keys : partitions) {
            int slot = JedisClusterCRC16.getSlot(keys.ready());
            assertEquals(slot, JedisClusterCRC16.getSlot(keys.task(UUID.randomUUID().toString())));
            assertEquals(slot, JedisClusterCRC16.getSlot(keys.processing("c")));
            thirds.add(slot * 3 / 16384);
        }
        assertEquals(Set.of(0, 1, 2), thirds, "one partition on each master of a three-master cluster");
        assertEquals(partitions.get(2).ready(), RedisKeys.partitions("taskq", 3).get(2).ready(), "stable names");
    }

    @Test
    void oneConsumerServesEveryPartitionInTurnAndRecordsEachOutcomeWhereTheTaskIs() throws Exception {
        List<RedisKeys> partitions = RedisKeys.partitions("parts-" + UUID.randomUUID().toString().substring(0, 8), 3);
        Map<String, Integer> partitionOf = new HashMap<>();
        try (Jedis probe = new Jedis("127.0.0.1", port); QueueConsumer consumer = consumer(partitions)) {
            // Work waits in the first and the last partition only.
            for (int i = 0; i < 30; i++) {
                for (int p : new int[] {0, 2}) {
                    Task task = Task.create("test", Map.of("n", p + "-" + i));
                    EnqueueScript.run(probe, partitions.get(p), EnqueueRequest.of(task), 0, Instant.now());
                    partitionOf.put(task.id(), p);
                }
            }

            List<Integer> order = drain(consumer, consumer.take().entry()).ran().stream()
                    .map(task -> partitionOf.get(task.id())).toList();

            assertEquals(60, order.size(), "every task once: " + order);
            assertTrue(order.subList(0, 2 * QueueConsumer.TASKS_PER_LANE).containsAll(List.of(0, 2)),
                    "both partitions served early on, not one after the other: " + order);
            partitionOf.forEach((id, p) -> {
                assertEquals("succeeded", probe.hget(partitions.get(p).task(id), "status"));
                assertEquals("<" + id + "@example.com>", probe.hget(partitions.get(p).task(id), "result"));
            });
            for (int p = 0; p < 3; p++) {
                RedisKeys keys = partitions.get(p);
                assertEquals(0, probe.llen(keys.ready()));
                assertEquals(0, probe.llen(keys.processing("c1")));
                assertEquals(p == 1 ? null : "30", probe.hget(keys.statsTotal(), "succeeded:test"));
            }
            assertEquals(null, consumer.takeBlocking(), "nothing left anywhere");
        }
    }

    @Test
    void workInOnePartitionOnlyIsAllTakenInRunsOfTasks() throws Exception {
        List<RedisKeys> partitions = RedisKeys.partitions("one-" + UUID.randomUUID().toString().substring(0, 8), 3);
        try (Jedis probe = new Jedis("127.0.0.1", port); QueueConsumer consumer = consumer(partitions)) {
            Set<String> enqueued = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                Task task = Task.create("test", Map.of("n", String.valueOf(i)));
                EnqueueScript.run(probe, partitions.get(1), EnqueueRequest.of(task), 0, Instant.now());
                enqueued.add(task.id());
            }
            Drained drained = drain(consumer, consumer.takeBlocking());
            Set<String> ran = new HashSet<>();
            drained.ran().forEach(task -> assertTrue(ran.add(task.id()), "once: " + task.id()));
            assertEquals(enqueued, ran);
            assertEquals(19, drained.takenByOutcomes(),
                    "each outcome took the next task (after a look at the other lanes)");
            assertEquals("20", probe.hget(partitions.get(1).statsTotal(), "succeeded:test"));
        }
    }

    private static QueueConsumer consumer(List<RedisKeys> partitions) {
        return new QueueConsumer(new RedisEndpoint(URI.create("redis://127.0.0.1:" + port)), partitions, "c1", KEEP,
                KEEP, Duration.ofSeconds(10), Map.of());
    }

    /** The tasks run, in order, and how many of them an outcome took (the others a take of their own). */
    private record Drained(List<Task> ran, int takenByOutcomes) {
    }

    /**
     * Runs tasks as a consumer loop does, from {@code first} until nothing is left: each started and succeeded
     * (result {@code <id@example.com>}), then the task the outcome took, else a (blocking) take.
     */
    private static Drained drain(QueueConsumer consumer, String first) throws Exception {
        List<Task> ran = new ArrayList<>();
        int takenByOutcomes = 0;
        String entry = first;
        while (entry != null) {
            Task task = TaskCodec.decode(entry);
            ran.add(task);
            assertEquals(Started.STARTED, consumer.start(task, entry, Instant.now()).status());
            Next next = consumer.succeeded(task, entry, "<" + task.id() + "@example.com>", 1000, true);
            assertTrue(next.applied());
            takenByOutcomes += next.took() == Took.TAKEN ? 1 : 0;
            entry = next.took() == Took.TAKEN ? next.entry() : consumer.takeBlocking();
        }
        return new Drained(ran, takenByOutcomes);
    }
}
