package dev.taskq.worker;

import dev.taskq.queue.Backoff;
import dev.taskq.queue.MalformedTaskException;
import dev.taskq.queue.QueueConsumer;
import dev.taskq.queue.QueueConsumer.Next;
import dev.taskq.queue.QueueConsumer.Start;
import dev.taskq.queue.QueueConsumer.Took;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer: take a task, run its handler on this very thread, record the outcome — which also takes the next
 * task — and repeat until stopped. Every failure has a decided outcome: a Redis outage is waited out with capped
 * backoff; a handler whose service is down parks the task (no attempt spent) and opens its type's breaker; a failing
 * or timed-out run is retried later or, out of attempts, dead-lettered; a task that can never succeed, or an entry
 * that cannot be run, is dead-lettered at once. Whatever else is thrown is logged and the loop goes on.
 * A watchdog ({@link #watch}) interrupts a run that takes longer than the handler timeout.
 */
final class ConsumerLoop implements Runnable {

    static final String THREAD_NAME_PREFIX = "taskq-consumer-";

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    private static final Duration PAUSED_POLL = Duration.ofSeconds(1);
    private static final Duration MAX_RATE_WAIT = Duration.ofSeconds(1);
    /** How often a task's own run may find its service down and be parked without spending an attempt. */
    static final int MAX_OWN_PARKS = 10;
    /** When another server (whose service may work) may take a parked task: parking is per server. */
    private static final Duration PARKED_LOOK_AGAIN = Duration.ofSeconds(30);

    private final int number;
    private final QueueConsumer consumer;
    private final TaskHandlerRegistry handlers;
    private final ServiceBreakers breakers;
    private final RetryPolicy retryPolicy;
    private final Duration handlerTimeout;
    private final StopSignal stop;
    private final RedisOutageLog outage;
    private final Backoff backoff = new Backoff(MAX_BACKOFF);

    /** Guards the run's start time, the timeout flag and interrupting the thread, so an interrupt hits only a run. */
    private final Object runLock = new Object();
    private Thread thread;
    private long runStartedNanos;
    private boolean timedOut;
    private Run run;
    /** Set when this loop was cut off (shutdown, or a run stuck past its timeout): it records nothing more. */
    private volatile boolean aborted;

    ConsumerLoop(int number, QueueConsumer consumer, TaskHandlerRegistry handlers, ServiceBreakers breakers,
                 RetryPolicy retryPolicy, Duration handlerTimeout, StopSignal stop, RedisOutageLog outage) {
        this.number = number;
        this.consumer = consumer;
        this.handlers = handlers;
        this.breakers = breakers;
        this.retryPolicy = retryPolicy;
        this.handlerTimeout = handlerTimeout;
        this.stop = stop;
        this.outage = outage;
    }

    String consumerId() {
        return consumer.consumerId();
    }

    int number() {
        return number;
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        String poolName = current.getName();
        // A recognisable name in thread dumps; the pool's own name is restored when the loop ends.
        current.setName(THREAD_NAME_PREFIX + number);
        synchronized (runLock) {
            thread = current;
        }
        try {
            Next next = null;
            while (running()) {
                String entry = null;
                try {
                    entry = nextEntry(next);
                    next = entry == null ? null : process(entry);
                } catch (Throwable e) { // an Error too: a dead loop would leave its task stuck until undeploy
                    next = afterUnexpected(entry, e);
                }
            }
        } finally {
            consumer.close();
            synchronized (runLock) {
                thread = null;
            }
            current.setName(poolName);
        }
    }

    /** The handler run going on: the task, its entry and its attempt number. */
    record Run(Task task, String entry, int attempt) {
    }

    /** The run going on right now, or null. */
    Run currentRun() {
        synchronized (runLock) {
            return run;
        }
    }

    /** Whether a handler is running right now. */
    boolean busy() {
        synchronized (runLock) {
            return runStartedNanos != 0;
        }
    }

    /**
     * Called regularly by the watchdog: interrupts a run past the handler timeout.
     *
     * @return true when the run is stuck, that is still running {@code abandonAfter} past the timeout
     */
    boolean watch(long nowNanos, Duration abandonAfter) {
        synchronized (runLock) {
            if (runStartedNanos == 0) {
                return false;
            }
            long ran = nowNanos - runStartedNanos;
            if (!timedOut && ran > handlerTimeout.toNanos()) {
                timedOut = true;
                thread.interrupt();
            }
            return ran > handlerTimeout.plus(abandonAfter).toNanos();
        }
    }

    /** Cuts a loop off (it did not stop in time, or its run is stuck): it records nothing more. */
    void abort() {
        aborted = true;
        synchronized (runLock) {
            if (runStartedNanos != 0) {
                thread.interrupt();
            }
        }
        consumer.closeForGood();
    }

    private boolean running() {
        return !stop.isRequested() && !aborted;
    }

    /** The entry to process next: the one the last outcome took, or one taken now (waiting for it if need be). */
    private String nextEntry(Next next) {
        if (next != null && next.took() == Took.TAKEN) {
            return next.entry();
        }
        Next current = next;
        while (current != null && current.took() == Took.PAUSED && running()) {
            stop.sleep(PAUSED_POLL);
            current = redis(consumer::take);
            if (current != null && current.took() == Took.TAKEN) {
                return current.entry();
            }
        }
        return running() ? redis(consumer::takeBlocking) : null;
    }

    /** Runs one entry to its outcome; returns what the outcome script took next (null: take afresh). */
    private Next process(String entry) {
        if (!running()) {
            return null; // taken just as the loop stops: shutdown puts it back without running it
        }
        Task task;
        try {
            task = TaskCodec.decode(entry);
        } catch (MalformedTaskException e) {
            LOG.warning(() -> "Dead-lettered an unreadable queue entry: " + e.getMessage());
            return redis(() -> consumer.unreadable(entry, e.getMessage(), running()));
        }
        Optional<TaskHandler> handler = handlers.forType(task.type());
        if (handler.isEmpty()) {
            String reason = "unknown task type '" + task.type() + "'";
            LOG.warning(() -> "Dead-lettered task " + task.id() + ": " + reason);
            return redis(() -> consumer.dead(task, entry, 0, reason, -1, running()));
        }
        ServiceBreaker breaker = breakers.forType(task.type());
        if (breaker.isOpen()) {
            return park(task, entry, breaker, false);
        }
        Instant at = Instant.now();
        Start start = redis(() -> consumer.start(task, entry, at));
        if (start == null) {
            return null; // stopping during a Redis outage: the task stays held and is released at shutdown
        }
        switch (start.status()) {
            case NOT_HELD:
                return null;
            case PAUSED:
                return new Next(false, Took.PAUSED, null);
            case RATE_LIMITED:
                // The task went back to the front of the queue; wait (at most a second: other servers share the
                // budget) and take again.
                stop.sleep(start.rateWait().compareTo(MAX_RATE_WAIT) < 0 ? start.rateWait() : MAX_RATE_WAIT);
                return null;
            default:
                break;
        }
        if (start.attempt() > retryPolicy.maxAttempts()) {
            // Runs that never reached an outcome (a server that crashed in them, a run given up as stuck).
            String error = "did not finish in " + retryPolicy.maxAttempts() + " runs";
            LOG.warning(() -> "Task " + task.id() + " dead-lettered: " + error);
            return outcome(consumer -> consumer.dead(task, entry, start.attempt(), error, -1, running()));
        }
        if (start.earlierResult() != null) {
            // An earlier run succeeded but was handed out again (its server stopped before acknowledging).
            return redis(() -> consumer.succeeded(task, entry, start.earlierResult(), 0, running()));
        }
        long begin = System.nanoTime();
        try {
            String result = runHandler(handler.get(), task, entry, start.attempt());
            long micros = (System.nanoTime() - begin) / 1000;
            return outcome(consumer -> consumer.succeeded(task, entry, result, micros, running()));
        } catch (ServiceUnavailableException e) {
            if (breaker.open(e, Instant.now())) {
                breakers.opened(breaker);
            }
            if (start.parks() >= MAX_OWN_PARKS) {
                // Its own runs keep finding the service down while others get through (a reply about this task
                // that reads like an outage): from now on that costs attempts, so it ends.
                long micros = (System.nanoTime() - begin) / 1000;
                return recordFailure(task, entry, start.attempt(), describe(e), micros);
            }
            return park(task, entry, breaker, true);
        } catch (PermanentTaskFailure e) {
            long micros = (System.nanoTime() - begin) / 1000;
            String error = describe(e);
            LOG.warning(() -> "Task " + task.id() + " can never succeed, dead-lettered: " + error);
            return outcome(consumer -> consumer.dead(task, entry, start.attempt(), error, micros, running()));
        } catch (Exception | Error e) { // an Error too (a class missing, memory short): a failed attempt
            long micros = (System.nanoTime() - begin) / 1000;
            if (e instanceof Error) {
                LOG.log(Level.SEVERE, "Handler of task " + task.id() + " threw an error", e);
            }
            return recordFailure(task, entry, start.attempt(), describe(e), micros);
        }
    }

    private Next park(Task task, String entry, ServiceBreaker breaker, boolean attemptStarted) {
        Instant lookAgain = Instant.now().plus(PARKED_LOOK_AGAIN);
        return outcome(consumer -> consumer.park(task, entry, breaker.waitingFor(), lookAgain, attemptStarted,
                running()));
    }

    /**
     * Runs the handler on this thread; the watchdog interrupts it past the timeout. A run that returned normally
     * succeeded, even if it was interrupted late (its mail went out).
     */
    private String runHandler(TaskHandler handler, Task task, String entry, int attempt) throws Exception {
        synchronized (runLock) {
            runStartedNanos = System.nanoTime();
            timedOut = false;
            run = new Run(task, entry, attempt);
        }
        boolean late;
        try {
            return handler.handle(task);
        } catch (Exception e) {
            synchronized (runLock) {
                late = timedOut;
            }
            if (late && !(e instanceof ServiceUnavailableException) && !(e instanceof PermanentTaskFailure)) {
                TimeoutException timeout = new TimeoutException("handler ran longer than "
                        + handlerTimeout.toSeconds() + " s");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            synchronized (runLock) {
                runStartedNanos = 0;
                run = null;
                Thread.interrupted(); // an interrupt meant for the run must not reach the Redis calls
            }
        }
    }

    private Next recordFailure(Task task, String entry, int attempt, String error, long micros) {
        if (retryPolicy.retries(attempt)) {
            Duration delay = retryPolicy.delayAfter(attempt);
            LOG.warning(() -> "Task " + task.id() + " failed (attempt " + attempt + "), retrying in "
                    + delay.toMillis() + " ms: " + error);
            Instant due = Instant.now().plus(delay);
            return outcome(consumer -> consumer.retryLater(task, entry, attempt, error, due, micros, running()));
        }
        LOG.warning(() -> "Task " + task.id() + " failed (attempt " + attempt + "), dead-lettered: " + error);
        return outcome(consumer -> consumer.dead(task, entry, attempt, error, micros, running()));
    }

    /** Records an outcome; one this consumer no longer held (its lease was lost meanwhile) is logged, not applied. */
    private Next outcome(Function<QueueConsumer, Next> record) {
        Next next = redis(() -> record.apply(consumer));
        if (next != null && !next.applied()) {
            LOG.warning(() -> "Consumer " + consumer.consumerId() + " no longer held its task when it finished"
                    + " (its lease expired and the task was re-queued, or the outcome was already recorded);"
                    + " the outcome was discarded");
        }
        return next;
    }

    /**
     * Something unexpected was thrown: log it and go on after a pause. The entry being processed goes back to the
     * queue if it is a task (its attempts are counted, so a task that keeps failing so ends as a dead letter), and to
     * the dead letters if it cannot even be read.
     */
    private Next afterUnexpected(String entry, Throwable e) {
        LOG.log(Level.SEVERE, "Consumer " + consumer.consumerId() + " hit an unexpected error; it goes on", e);
        if (aborted) {
            return null;
        }
        stop.sleep(backoff.next());
        if (entry == null) {
            return null;
        }
        try {
            if (TaskCodec.isTask(entry)) {
                redis(() -> {
                    consumer.putBack();
                    return null;
                });
                return null;
            }
            return redis(() -> consumer.unreadable(entry, "could not be processed: " + e, running()));
        } catch (Throwable again) {
            LOG.log(Level.SEVERE, "Could not put the entry back; it returns to the queue with this consumer's next"
                    + " connection", again);
            consumer.forgetHeld();
            consumer.close();
            return null;
        }
    }

    /**
     * Runs a Redis command, waiting out outages with capped backoff. Returns null without running it once a stop is
     * requested during an outage, or after the loop was cut off; the task then stays on this consumer's processing
     * list, which shutdown (or another server's reaper) puts back on the queue.
     */
    private <T> T redis(Supplier<T> command) {
        while (!aborted) {
            try {
                T value = command.get();
                outage.reachable();
                backoff.reset();
                return value;
            } catch (QueueUnavailableException e) {
                outage.failed(e);
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

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
