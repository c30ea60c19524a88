package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.QueueConsumer.Rate;
import dev.taskq.queue.QueueConsumer.Start;
import dev.taskq.queue.QueueConsumer.Started;
import dev.taskq.testing.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/** The shared send rate: how it is written, and that consumers on several servers together keep to it. */
class SendRateTest {

    @Test
    void severalWindowsCanBeGivenTogether() {
        SendRate rate = SendRate.parse("14/s, 600/min,50000/day");

        assertEquals(List.of(new SendRate.Window(14, Duration.ofSeconds(1)),
                new SendRate.Window(600, Duration.ofMinutes(1)), new SendRate.Window(50_000, Duration.ofDays(1))),
                rate.windows());
    }

    @Test
    void nothingMeansNoLimit() {
        assertTrue(!SendRate.parse(" ").isLimited());
    }

    @ParameterizedTest
    @ValueSource(strings = {"14", "14/week", "0/s", "x/s", "14/s;5/min"})
    void anythingElseIsRefusedWithAReason(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SendRate.parse(text));
        assertTrue(!refused.getMessage().isBlank());
    }

    @Test
    void twoConsumerSetsOnOneRedisTogetherStartNoMoreThanTheRateInAnySecond() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = TestServers.startRedis(port, Path.of("target", "redis-rate-" + port));
        RedisKeys keys = new RedisKeys("rate-" + UUID.randomUUID().toString().substring(0, 8));
        // The day window keeps every start (Redis' clock), for the check below.
        Map<String, Rate> rates = Map.of("test", new Rate("mail", SendRate.parse("10/s,1000/day")));
        int tasks = 45;
        List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());
        try (Jedis probe = new Jedis("127.0.0.1", port)) {
            for (int i = 0; i < tasks; i++) {
                Task task = Task.create("test", Map.of("n", String.valueOf(i)));
                probe.lpush(keys.ready(), TaskCodec.encode(task));
            }
            AtomicInteger left = new AtomicInteger(tasks);
            List<Thread> servers = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                QueueConsumer consumer = new QueueConsumer(new RedisEndpoint(URI.create("redis://127.0.0.1:" + port)),
                        List.of(keys), "server-" + s, Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(10),
                        rates);
                Thread thread = new Thread(() -> drain(consumer, left, startedAt));
                servers.add(thread);
                thread.start();
            }
            for (Thread thread : servers) {
                thread.join(30_000);
            }
            assertEquals(tasks, startedAt.size(), "every task started");
            List<Long> sorted = probe.zrangeWithScores(keys.sendRate("mail", Duration.ofDays(1)), 0, -1).stream()
                    .map(tuple -> (long) tuple.getScore()).sorted().toList();
            assertEquals(tasks, sorted.size());
            assertAtMostTenInAnySecond(sorted);
        } finally {
            redis.stop();
        }
    }

    @Test
    void aPaceWrittenUnderASlowerRateHoldsAStartBackByOneSpacingAtMost() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = TestServers.startRedis(port, Path.of("target", "redis-rate-" + port));
        RedisKeys keys = new RedisKeys("pace-" + UUID.randomUUID().toString().substring(0, 8));
        try (Jedis probe = new Jedis("127.0.0.1", port);
             QueueConsumer consumer = new QueueConsumer(new RedisEndpoint(URI.create("redis://127.0.0.1:" + port)),
                     List.of(keys), "c", Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(10),
                     Map.of("test", new Rate("mail", SendRate.parse("10/s"))))) {
            // As 100/day leaves it: the next start due in 14 minutes.
            long micros = Long.parseLong(probe.time().get(0)) * 1_000_000 + Long.parseLong(probe.time().get(1));
            probe.set(keys.sendRatePace("mail"), String.valueOf(micros + 864_000_000L));
            Task task = Task.create("test", Map.of());
            probe.lpush(keys.ready(), TaskCodec.encode(task));
            String entry = consumer.takeBlocking();
            Start start = consumer.start(task, entry, Instant.now());
            assertEquals(Started.RATE_LIMITED, start.status());
            assertTrue(start.rateWait().compareTo(Duration.ofMillis(110)) <= 0, start.rateWait().toString());
        } finally {
            redis.stop();
        }
    }

    @Test
    void startsAnEarlierVersionRecordedInMillisecondsKeepCounting() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = TestServers.startRedis(port, Path.of("target", "redis-rate-" + port));
        RedisKeys keys = new RedisKeys("upgrade-" + UUID.randomUUID().toString().substring(0, 8));
        try (Jedis probe = new Jedis("127.0.0.1", port)) {
            String day = keys.sendRate("mail", Duration.ofDays(1));
            long nowMillis = System.currentTimeMillis();
            probe.zadd(day, nowMillis - 1000, "a:1");
            probe.zadd(day, nowMillis - 500, "b:2");
            assertEquals(2, QueueControl.upgradeSendRate(probe, keys, "mail", SendRate.parse("10/s,2/day")));
            assertEquals((nowMillis - 1000) * 1000, (long) (double) probe.zscore(day, "a:1"));
            assertEquals(0, QueueControl.upgradeSendRate(probe, keys, "mail", SendRate.parse("10/s,2/day")),
                    "done once");
        } finally {
            redis.stop();
        }
    }

    /** The window's scores are Redis' clock in microseconds. */
    private static void assertAtMostTenInAnySecond(List<Long> sorted) {
        long second = 1_000_000;
        for (int i = 0; i < sorted.size(); i++) {
            long windowEnd = sorted.get(i) + second;
            long inWindow = sorted.stream().filter(t -> t >= windowEnd - second && t < windowEnd).count();
            assertTrue(inWindow <= 10, inWindow + " starts within one second from " + sorted.get(i));
        }
    }

    /** What a consumer loop does with the rate: start, or wait as told and take again. */
    private static void drain(QueueConsumer consumer, AtomicInteger left, List<Long> startedAt) {
        try (consumer) {
            while (left.get() > 0) {
                String entry = consumer.takeBlocking();
                if (entry == null) {
                    continue;
                }
                Task task = TaskCodec.decode(entry);
                Start start = consumer.start(task, entry, Instant.now());
                if (start.status() == Started.RATE_LIMITED) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(start.rateWait().toNanos(), TimeUnit.SECONDS.toNanos(1)));
                    continue;
                }
                startedAt.add(System.currentTimeMillis());
                left.decrementAndGet();
                consumer.succeeded(task, entry, null, 0, false);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
