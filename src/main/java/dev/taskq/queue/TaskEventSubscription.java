package dev.taskq.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One subscription to the events channel, on a Redis connection of its own (a subscribed connection can do
 * nothing else). {@link #run()} blocks, on a thread of the caller's choosing, until {@link #stop()}: it
 * subscribes, hands every event to the {@link Listener}, and after a lost connection subscribes again with
 * capped backoff. Events published while it is not subscribed are lost: {@link Listener#subscribed()} says
 * when listeners should look at the status records again.
 */
public final class TaskEventSubscription implements Runnable {

    /** Client name of the connection (Redis' CLIENT LIST) and name of the thread while it runs. */
    public static final String NAME = "taskq-events";

    /**
     * What servers publish on the channel every keep-alive round ({@link RedisTaskQueue#publishKeepAlive()}), so
     * that a live subscription never stays silent for {@link RedisEndpoint#SUBSCRIPTION_READ_TIMEOUT_MILLIS}: one
     * that does is dead (a network cut: no FIN, no RST), times out and is made again. Not an event: ignored here.
     */
    static final String KEEP_ALIVE = "keep-alive";

    /** Told what arrives; called on the subscription's thread, so it must return quickly. */
    public interface Listener {

        /** The subscription is (again) in place: events from now on arrive; earlier ones may have been missed. */
        void subscribed();

        void received(TaskEvent event);
    }

    private static final Logger LOG = Logger.getLogger(TaskEventSubscription.class.getName());
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);

    private final RedisEndpoint endpoint;
    private final String[] channels;
    private final Listener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Jedis> connection = new AtomicReference<>();
    private volatile JedisPubSub pubSub;

    /** Subscribes where {@code queue} writes: the same Redis (with Sentinels, the master its pool follows). */
    public TaskEventSubscription(RedisTaskQueue queue, Listener listener) {
        this(queue.endpoint(), queue.partitions().stream().map(RedisKeys::events).toList(), listener);
    }

    /**
     * Subscribes to {@code channels} (one per partition) on one connection: a cluster node passes on what is
     * published on any node, so the first channel's node hears them all.
     */
    TaskEventSubscription(RedisEndpoint endpoint, List<String> channels, Listener listener) {
        this.endpoint = endpoint;
        this.channels = channels.toArray(String[]::new);
        this.listener = listener;
    }

    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        thread.setName(NAME);
        Backoff backoff = new Backoff(MAX_DELAY);
        boolean failedBefore = false;
        try {
            while (!isStopped()) {
                Subscriber subscriber = new Subscriber();
                try {
                    subscribe(subscriber);
                } catch (JedisException e) {
                    // Log an outage once: on the first failure after start or after a working subscription.
                    if (!isStopped() && (subscriber.wasSubscribed || !failedBefore)) {
                        LOG.log(Level.WARNING, "Redis events subscription lost; retrying with backoff: {0}",
                                e.getMessage());
                    }
                    failedBefore = true;
                } catch (RuntimeException | Error e) { // an Error too: live status would stop for good
                    LOG.log(Level.SEVERE, "Unexpected error in the Redis events subscription; subscribing again", e);
                } finally {
                    closeConnection();
                }
                if (subscriber.wasSubscribed) {
                    backoff.reset();
                }
                if (!isStopped()) {
                    await(backoff.next());
                }
            }
        } finally {
            thread.setName(poolName);
        }
    }

    /**
     * Ends {@link #run()} soon: unsubscribes and closes the connection from the calling thread, which unblocks
     * a pending subscribe. Safe to call from any thread, more than once.
     */
    public void stop() {
        stopped.countDown();
        JedisPubSub current = pubSub;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (RuntimeException e) {
                // The connection is closed next in any case.
            }
        }
        closeConnection();
    }

    private void subscribe(Subscriber subscriber) {
        Jedis jedis = endpoint.openSubscriberConnection(NAME, channels[0]);
        connection.set(jedis);
        pubSub = subscriber;
        // stop() may have run while the connection was opened: it set the flag before looking at the connection.
        if (isStopped()) {
            return;
        }
        jedis.subscribe(subscriber, channels);
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void await(Duration delay) {
        try {
            stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
    }

    private void closeConnection() {
        Jedis jedis = connection.getAndSet(null);
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // Already broken: nothing left to release.
            }
        }
    }

    private final class Subscriber extends JedisPubSub {

        private volatile boolean wasSubscribed;

        @Override
        public void onSubscribe(String subscribedChannel, int count) {
            LOG.info(() -> "Subscribed to " + subscribedChannel);
            if (count == channels.length) {
                wasSubscribed = true;
                listener.subscribed();
            }
        }

        @Override
        public void onMessage(String messageChannel, String message) {
            if (KEEP_ALIVE.equals(message)) {
                return;
            }
            TaskEvent.parse(message).ifPresentOrElse(listener::received,
                    () -> LOG.warning(() -> "Ignored a malformed event on " + messageChannel));
        }
    }
}
