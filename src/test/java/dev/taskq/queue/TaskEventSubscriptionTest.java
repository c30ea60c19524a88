package dev.taskq.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskq.testing.TestServers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/** The events subscription against a bare redis-server. */
class TaskEventSubscriptionTest {

    @Test
    void aChannelQuietForLongerThanABlockingPopKeepsItsSubscriptionAndOnlyEventsArrive() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = TestServers.startRedis(port, Path.of("target", "redis-events-" + port));
        AtomicInteger subscriptions = new AtomicInteger();
        List<TaskEvent> received = new CopyOnWriteArrayList<>();
        TaskEventSubscription subscription = new TaskEventSubscription(
                new RedisEndpoint(URI.create("redis://127.0.0.1:" + port)), List.of("{test}:events"),
                new TaskEventSubscription.Listener() {
                    @Override
                    public void subscribed() {
                        subscriptions.incrementAndGet();
                    }

                    @Override
                    public void received(TaskEvent event) {
                        received.add(event);
                    }
                });
        Thread thread = new Thread(subscription, "test-subscription");
        try (Jedis publisher = new Jedis("127.0.0.1", port)) {
            thread.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions.get() == 1);
            // Quiet for twice a blocking pop's read timeout (3 s), which once made every quiet subscription drop.
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);

            publisher.publish("{test}:events", TaskEventSubscription.KEEP_ALIVE);
            publisher.publish("{test}:events", "{\"id\":\"t1\",\"status\":\"succeeded\",\"at\":\"2026-12-02T00:00:00Z\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertEquals("t1", received.get(0).taskId(), "the keep-alive message is no event");
            assertEquals(1, subscriptions.get(), "subscribed once: the quiet channel kept its subscription");
        } finally {
            subscription.stop();
            thread.join(10_000);
            redis.stop();
        }
    }
}
