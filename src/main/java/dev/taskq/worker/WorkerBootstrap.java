package dev.taskq.worker;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the consumer loops and their upkeep (heartbeats, due retries, reaping dead servers' tasks) when the
 * application starts, and stops them when it stops. Lifecycle: NEW → RUNNING → STOPPING → STOPPED.
 * Start never touches Redis, so a deployment succeeds while Redis is down; the loops wait for it.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WorkerBootstrap {

    public enum State { NEW, RUNNING, STOPPING, STOPPED }

    private static final Logger LOG = Logger.getLogger(WorkerBootstrap.class.getName());
    private static final long UPKEEP_PERIOD_MILLIS = 250;
    /** Reap every 20th upkeep run (5 s): orphans are rare, and the first run at start-up catches old ones. */
    private static final int REAP_EVERY = 20;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    TaskqSettings settings;

    @Inject
    RedisTaskQueue queue;

    @Inject
    TaskHandlerRegistry handlers;

    /**
     * Runs the handlers, each run on a thread apart so that it can be timed out. The threads come from the
     * container's thread factory (so they carry the application's context) and are reused: a
     * ManagedExecutorService captures and re-applies that context on every submit, which cost more CPU than all of a
     * no-op task's Redis work. A handler stuck past its timeout keeps its thread and the next run gets another; up to
     * two threads per consumer, beyond that a run is refused and counts as a failed attempt.
     */
    private ExecutorService handlerThreads;
    private final StopSignal stop = new StopSignal();
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private final List<Future<?>> running = new ArrayList<>();
    private List<String> consumerIds;
    private ScheduledFuture<?> upkeep;
    private int upkeepRuns;
    private volatile State state = State.NEW;

    @PostConstruct
    void start() {
        RedisOutageLog outage = new RedisOutageLog();
        RetryPolicy retryPolicy = new RetryPolicy(settings.maxAttempts(), settings.retryBaseDelay());
        String instance = instanceName();
        handlerThreads = new ThreadPoolExecutor(0, 2 * settings.consumers(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threadFactory);
        for (int i = 1; i <= settings.consumers(); i++) {
            loops.add(new ConsumerLoop(i, queue.consumer(instance + ":" + i), handlers, retryPolicy,
                    settings.handlerTimeout(), handlerThreads, stop, outage));
        }
        consumerIds = loops.stream().map(ConsumerLoop::consumerId).toList();
        upkeep = scheduler.scheduleWithFixedDelay(this::upkeep, 0, UPKEEP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        loops.forEach(loop -> running.add(executor.submit(loop)));
        state = State.RUNNING;
        LOG.info(() -> "Started " + loops.size() + " task consumers as " + instance);
    }

    /** Never throws: an exception would cancel the schedule. */
    private void upkeep() {
        try {
            queue.heartbeat(consumerIds);
            queue.promoteDueRetries();
            if (upkeepRuns++ % REAP_EVERY == 0) {
                long recovered = queue.reapOrphans();
                if (recovered > 0) {
                    LOG.warning(() -> "Re-queued " + recovered + " tasks held by consumers that stopped beating");
                }
            }
        } catch (QueueUnavailableException e) {
            // The consumer loops log the outage; upkeep resumes with Redis.
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Task queue upkeep failed; will try again", e);
        }
    }

    /**
     * Stops taking tasks, gives running ones the configured grace period to finish, cuts off the rest, and puts
     * every task still held back on the queue.
     */
    @PreDestroy
    void shutdown() {
        state = State.STOPPING;
        long begin = System.nanoTime();
        stop.request();
        upkeep.cancel(false);
        long deadline = begin + settings.shutdownGrace().toNanos();
        for (int i = 0; i < running.size(); i++) {
            awaitOrAbort(running.get(i), loops.get(i), deadline);
        }
        handlerThreads.shutdownNow();
        for (String consumerId : consumerIds) {
            try {
                long returned = queue.release(consumerId);
                if (returned > 0) {
                    LOG.warning(() -> "Returned " + returned + " unfinished task(s) of " + consumerId + " to the queue");
                }
            } catch (QueueUnavailableException e) {
                LOG.warning(() -> "Redis unreachable at shutdown: tasks held by " + consumerId
                        + " return to the queue once its heartbeat expires");
            }
        }
        state = State.STOPPED;
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        LOG.info(() -> "Stopped " + loops.size() + " task consumers in " + tookMillis + " ms");
    }

    public State state() {
        return state;
    }

    private static void awaitOrAbort(Future<?> future, ConsumerLoop loop, long deadlineNanos) {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (loop.busy()) {
                LOG.warning(() -> "Consumer " + loop.consumerId() + " did not finish its task in time; cutting it off");
            }
            loop.abort();
            future.cancel(true);
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, "A task consumer ended with an error", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.abort();
        }
    }

    /** Names this server's consumers in Redis: the host plus a random part, unique per deployment. */
    private static String instanceName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "host").replaceAll("[^A-Za-z0-9._-]", "_");
        return host + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
}
