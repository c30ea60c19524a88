package dev.taskq.worker;

import dev.taskq.queue.Backoff;
import dev.taskq.queue.MalformedTaskException;
import dev.taskq.queue.QueueConsumer;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One consumer: take a task (BLMOVE onto its processing list), run its handler, record the outcome, repeat until
 * stopped. Every failure has a decided outcome: a Redis outage is waited out with capped backoff; a failing or
 * timed-out handler run is retried later or, out of attempts, dead-lettered; an entry that cannot be run is
 * dead-lettered at once. The loop itself never dies.
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
    private final RetryPolicy retryPolicy;
    private final Duration handlerTimeout;
    private final ExecutorService handlerExecutor;
    private final StopSignal stop;
    private final RedisOutageLog outage;
    private final Backoff backoff = new Backoff(MAX_BACKOFF);
    private volatile Future<String> runningHandler;
    /** Set when shutdown cut this loop off: from then on it records nothing, shutdown re-queues what it held. */
    private volatile boolean aborted;

    ConsumerLoop(int number, QueueConsumer consumer, TaskHandlerRegistry handlers, RetryPolicy retryPolicy,
                 Duration handlerTimeout, ExecutorService handlerExecutor, StopSignal stop,
                 RedisOutageLog outage) {
        this.number = number;
        this.consumer = consumer;
        this.handlers = handlers;
        this.retryPolicy = retryPolicy;
        this.handlerTimeout = handlerTimeout;
        this.handlerExecutor = handlerExecutor;
        this.stop = stop;
        this.outage = outage;
    }

    String consumerId() {
        return consumer.consumerId();
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
                    try {
                        process(entry);
                    } catch (RuntimeException e) {
                        // Not expected (handler and Redis failures are handled inside): keep the loop alive.
                        LOG.log(Level.SEVERE, "Dead-lettered an entry that could not be processed", e);
                        redis(() -> consumer.unreadable(entry, "could not be processed: " + e));
                    }
                }
            }
        } finally {
            consumer.close();
            thread.setName(poolName);
        }
    }

    /** Whether a handler is running right now. */
    boolean busy() {
        return runningHandler != null;
    }

    /** Cuts a loop off that did not stop in time: cancels its handler run and closes its connection. */
    void abort() {
        aborted = true;
        Future<String> handler = runningHandler;
        if (handler != null) {
            handler.cancel(true);
        }
        consumer.closeForGood();
    }

    private void process(String entry) {
        Task task;
        try {
            task = TaskCodec.decode(entry);
        } catch (MalformedTaskException e) {
            LOG.warning(() -> "Dead-lettered an unreadable queue entry: " + e.getMessage());
            redis(() -> consumer.unreadable(entry, e.getMessage()));
            return;
        }
        Optional<TaskHandler> handler = handlers.forType(task.type());
        if (handler.isEmpty()) {
            String reason = "unknown task type '" + task.type() + "'";
            LOG.warning(() -> "Dead-lettered task " + task.id() + ": " + reason);
            redis(() -> consumer.dead(task, entry, 0, reason));
            return;
        }
        QueueConsumer.Start start = redis(() -> consumer.started(task));
        if (start == null) {
            return; // stopping during a Redis outage: the task stays held and is released at shutdown
        }
        if (start.earlierResult() != null) {
            // An earlier run succeeded but was handed out again (its server stopped before acknowledging).
            redis(() -> consumer.succeeded(task, entry, start.earlierResult()));
            return;
        }
        String result;
        try {
            result = runWithTimeout(handler.get(), task);
        } catch (Exception e) {
            recordFailure(task, entry, start.attempt(), describe(e));
            return;
        }
        redis(() -> consumer.succeeded(task, entry, result));
    }

    private String runWithTimeout(TaskHandler handler, Task task) throws Exception {
        Future<String> run = handlerExecutor.submit(() -> handler.handle(task));
        runningHandler = run;
        try {
            return run.get(handlerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new TimeoutException("handler ran longer than " + handlerTimeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            runningHandler = null;
        }
    }

    private void recordFailure(Task task, String entry, int attempt, String error) {
        if (retryPolicy.retries(attempt)) {
            Duration delay = retryPolicy.delayAfter(attempt);
            LOG.warning(() -> "Task " + task.id() + " failed (attempt " + attempt + "), retrying in "
                    + delay.toMillis() + " ms: " + error);
            redis(() -> consumer.retryLater(task, entry, attempt, error, Instant.now().plus(delay)));
        } else {
            LOG.warning(() -> "Task " + task.id() + " failed (attempt " + attempt + "), dead-lettered: " + error);
            redis(() -> consumer.dead(task, entry, attempt, error));
        }
    }

    private void redis(Runnable command) {
        redis(() -> {
            command.run();
            return null;
        });
    }

    /**
     * Runs a Redis command, waiting out outages and unexpected errors with capped backoff.
     * Returns null without running it once a stop is requested during an outage, or after the loop was cut off;
     * the task then stays on this consumer's processing list, which shutdown (or another server's reaper) puts
     * back on the queue.
     */
    private <T> T redis(Supplier<T> command) {
        while (!aborted) {
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
        return null;
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
