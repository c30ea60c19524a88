package dev.taskq.worker;

import dev.taskq.queue.MalformedTaskException;
import dev.taskq.queue.QueueConsumer;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One consumer: take a task (BLMOVE onto its processing list), run its handler, record the outcome, repeat until
 * stopped. Every failure has a decided outcome: a Redis outage is waited out with capped backoff, a failing
 * handler marks the task failed, an unreadable entry goes to the dead list; the loop itself never dies.
 */
final class ConsumerLoop implements Runnable {

    static final String THREAD_NAME_PREFIX = "taskq-consumer-";

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class.getName());
    /** How long one blocking pop waits: bounds how long a stop request goes unnoticed by an idle loop. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final int number;
    private final QueueConsumer consumer;
    private final TaskHandlerRegistry handlers;
    private final StopSignal stop;
    private final RedisOutageLog outage;
    private final Backoff backoff = new Backoff(MAX_BACKOFF);

    ConsumerLoop(int number, QueueConsumer consumer, TaskHandlerRegistry handlers, StopSignal stop,
                 RedisOutageLog outage) {
        this.number = number;
        this.consumer = consumer;
        this.handlers = handlers;
        this.stop = stop;
        this.outage = outage;
    }

    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        // A recognisable name in thread dumps; the pool's own name is restored when the loop ends.
        thread.setName(THREAD_NAME_PREFIX + number);
        try {
            while (!stop.isRequested()) {
                String entry = redis(() -> consumer.take(POLL_TIMEOUT));
                if (entry != null) {
                    process(entry);
                }
            }
        } finally {
            consumer.close();
            thread.setName(poolName);
        }
    }

    /** Closes the loop's connection from another thread, to unblock it when it does not stop in time. */
    void abort() {
        consumer.close();
    }

    private void process(String entry) {
        Task task;
        try {
            task = TaskCodec.decode(entry);
        } catch (MalformedTaskException e) {
            deadLetter(entry, e.getMessage());
            return;
        }
        Optional<TaskHandler> handler = handlers.forType(task.type());
        if (handler.isEmpty()) {
            deadLetter(entry, "unknown task type '" + task.type() + "'");
            return;
        }
        redis(() -> consumer.started(task));
        String result;
        try {
            result = handler.get().handle(task);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Task " + task.id() + " (" + task.type() + ") failed", e);
            redis(() -> consumer.failed(task, entry, describe(e)));
            return;
        }
        redis(() -> consumer.succeeded(task, entry, result));
    }

    private void deadLetter(String entry, String reason) {
        LOG.warning(() -> "Moved an unrunnable queue entry to the dead list: " + reason);
        redis(() -> consumer.rejectUnrunnable(entry, reason));
    }

    private void redis(Runnable command) {
        redis(() -> {
            command.run();
            return null;
        });
    }

    /**
     * Runs a Redis command, waiting out outages and unexpected errors with capped backoff.
     * Returns null without running it once a stop is requested during an outage; the task then stays on this
     * consumer's processing list.
     */
    private <T> T redis(java.util.function.Supplier<T> command) {
        while (true) {
            try {
                T value = command.get();
                outage.reachable();
                backoff.reset();
                return value;
            } catch (JedisConnectionException e) {
                outage.failed(e);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Consumer " + consumer.consumerId() + " hit an unexpected error; retrying", e);
            }
            if (stop.isRequested()) {
                return null;
            }
            stop.sleep(backoff.next());
            if (stop.isRequested()) {
                return null;
            }
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
