package dev.taskq.worker;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.QueueConsumer;
import dev.taskq.queue.QueueControl;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.SendRate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the consumer loops and their upkeep when the application starts, and stops them when it stops.
 * Lifecycle: NEW → RUNNING → STOPPING → STOPPED. Start never touches Redis, so a deployment succeeds while Redis is
 * down; the loops wait for it. The upkeep, every 250 ms: heartbeats (each loop's lease), the watchdog over handler
 * runs, due retries and parked tasks, and — every 5 s — reaping the tasks of consumers whose lease expired. A loop
 * that ended, or whose run is stuck past its timeout, is replaced. Breaker probes run on a schedule of their own,
 * since a probe may take as long as a connection timeout.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WorkerBootstrap {

    public enum State { NEW, RUNNING, STOPPING, STOPPED }

    private static final Logger LOG = Logger.getLogger(WorkerBootstrap.class.getName());
    private static final long UPKEEP_PERIOD_MILLIS = 250;
    private static final long PROBE_PERIOD_MILLIS = 500;
    /** Reap every 20th upkeep run (5 s): orphans are rare, and the first run at start-up catches old ones. */
    private static final int REAP_EVERY = 20;
    /** A run still going this long after its timeout (and the interrupt) is given up: its loop is replaced. */
    private static final Duration ABANDON_AFTER = Duration.ofSeconds(5);

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    TaskqSettings settings;

    @Inject
    RedisTaskQueue queue;

    @Inject
    TaskHandlerRegistry handlers;

    @Inject
    QueueControl control;

    /** A running loop and its future. */
    private record Slot(ConsumerLoop loop, Future<?> future) {
    }

    private final StopSignal stop = new StopSignal();
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final RedisOutageLog outage = new RedisOutageLog();
    private String instance;
    private RetryPolicy retryPolicy;
    private ServiceBreakers breakers;
    private ScheduledFuture<?> heartbeats;
    private ScheduledFuture<?> upkeep;
    private ScheduledFuture<?> probes;
    private int upkeepRuns;
    /** Set by the heartbeat schedule while heartbeats fail; read by the upkeep. */
    private volatile boolean heartbeatsFailing;
    /** System.nanoTime() before which the upkeep reaps nobody: one lease after heartbeats came back. */
    private volatile long reapNotBefore = System.nanoTime();
    private int heartbeatRuns;
    private int generation;
    private volatile State state = State.NEW;
    private final String startedAt = Instant.now().toString();

    @PostConstruct
    void start() {
        instance = instanceName();
        retryPolicy = new RetryPolicy(settings.maxAttempts(), settings.retryBaseDelay(), settings.retryMaxDelay());
        breakers = new ServiceBreakers(handlers, queue, instance);
        upgradeSendRate();
        for (int i = 1; i <= settings.consumers(); i++) {
            slots.add(startLoop(i, instance + ":" + i));
        }
        heartbeats = scheduler.scheduleWithFixedDelay(this::heartbeat, 0, UPKEEP_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
        upkeep = scheduler.scheduleWithFixedDelay(this::upkeep, 0, UPKEEP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        probes = scheduler.scheduleWithFixedDelay(this::probe, PROBE_PERIOD_MILLIS, PROBE_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
        state = State.RUNNING;
        LOG.info(() -> "Started " + slots.size() + " task consumers as " + instance);
    }

    private Slot startLoop(int number, String consumerId) {
        ConsumerLoop loop = new ConsumerLoop(number, queue.consumer(consumerId, sendRates()), handlers, breakers,
                retryPolicy, settings.handlerTimeout(), stop, outage);
        return new Slot(loop, executor.submit(loop));
    }

    /**
     * Each loop's lease, on a schedule of its own so that nothing slower (reaping, promoting, a probe) delays it.
     * Never throws: an exception would cancel the schedule, and without heartbeats other servers would take over
     * tasks this one is running.
     */
    private void heartbeat() {
        try {
            boolean describe = heartbeatRuns++ % REAP_EVERY == 0;
            queue.heartbeat(consumerIds(), describe ? descriptions() : Map.of());
            if (heartbeatsFailing) {
                // Every server's leases may have lapsed meanwhile (a failover longer than the lease): give the
                // live ones a lease's time to beat again before this server takes over anyone's tasks. The time
                // first: the upkeep reads the flag, then the time.
                reapNotBefore = System.nanoTime() + settings.heartbeatTtl().toNanos();
                heartbeatsFailing = false;
                LOG.info("Consumer heartbeats reach Redis again; reaping resumes after one lease");
            }
        } catch (QueueUnavailableException e) {
            // The consumer loops log an outage; this also covers heartbeats refused while the consumers work (a
            // cluster pipeline sent to a node that lost the queue's slot).
            if (!heartbeatsFailing) {
                heartbeatsFailing = true;
                LOG.warning(() -> "Consumer heartbeats are not reaching Redis (" + e.getMessage() + "); after "
                        + settings.heartbeatTtl().toSeconds() + " s other servers may take over the tasks running"
                        + " here");
            }
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, "Consumer heartbeats failed; will try again", e);
        }
    }

    /** The watchdog, due retries and parked tasks, and reaping. Never throws: that would cancel the schedule. */
    private void upkeep() {
        try {
            watchLoops();
            Set<String> paused = pausedTaskTypes().keySet();
            // Parked tasks of a type paused here are left for other servers (or for when this one resumes).
            queue.promoteDue(handlers.types().stream().filter(type -> !paused.contains(type)).toList());
            // Not while this server's own heartbeats fail, nor for a lease after they land again (see heartbeat()).
            if (upkeepRuns++ % REAP_EVERY == 0 && !heartbeatsFailing && System.nanoTime() - reapNotBefore >= 0) {
                long recovered = queue.reapOrphans();
                if (recovered > 0) {
                    LOG.warning(() -> "Re-queued " + recovered + " tasks held by consumers that stopped beating");
                }
            }
        } catch (QueueUnavailableException e) {
            // The consumer loops log the outage; upkeep resumes with Redis.
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, "Task queue upkeep failed; will try again", e);
        }
    }

    /** Interrupts runs past their timeout; replaces loops that ended or whose run is stuck. */
    private void watchLoops() {
        if (state != State.RUNNING) {
            return;
        }
        long now = System.nanoTime();
        for (Slot slot : slots) {
            ConsumerLoop loop = slot.loop();
            if (slot.future().isDone()) {
                LOG.severe(() -> "Consumer " + loop.consumerId() + " ended unexpectedly; starting it again");
                slots.set(slots.indexOf(slot), startLoop(loop.number(), loop.consumerId()));
            } else if (loop.watch(now, ABANDON_AFTER)) {
                String replacement = instance + ":" + loop.number() + "." + (++generation);
                LOG.severe(() -> "Consumer " + loop.consumerId() + " is stuck in a handler run "
                        + ABANDON_AFTER.toSeconds() + " s past its timeout despite an interrupt; its task goes back"
                        + " to the queue and consumer " + replacement + " takes over");
                ConsumerLoop.Run stuck = loop.currentRun();
                loop.abort();
                slots.set(slots.indexOf(slot), startLoop(loop.number(), replacement));
                if (stuck != null) {
                    recordStuckRun(loop.consumerId(), stuck);
                }
                releaseQuietly(loop.consumerId());
            }
        }
    }

    /** The run a stuck loop was given up on counts as a failed attempt (retried with backoff, or dead). */
    private void recordStuckRun(String consumerId, ConsumerLoop.Run stuck) {
        String error = "handler ran longer than " + settings.handlerTimeout().toSeconds() + " s and did not stop"
                + " when interrupted";
        try (QueueConsumer recorder = queue.consumer(consumerId, Map.of())) {
            recorder.adopt(stuck.entry());
            long micros = settings.handlerTimeout().plus(ABANDON_AFTER).toNanos() / 1000;
            if (retryPolicy.retries(stuck.attempt())) {
                recorder.retryLater(stuck.task(), stuck.entry(), stuck.attempt(), error,
                        Instant.now().plus(retryPolicy.delayAfter(stuck.attempt())), micros, false);
            } else {
                recorder.dead(stuck.task(), stuck.entry(), stuck.attempt(), error, micros, false);
            }
        } catch (QueueUnavailableException e) {
            LOG.warning(() -> "Redis unreachable: the stuck run of " + consumerId + " goes back to the queue as is");
        }
    }

    private void probe() {
        try {
            breakers.probe();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Probing paused services failed; will try again", e);
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
        probes.cancel(false);
        heartbeats.cancel(false);
        long deadline = begin + settings.shutdownGrace().toNanos();
        for (Slot slot : slots) {
            awaitOrAbort(slot, deadline);
        }
        for (String consumerId : consumerIds()) {
            releaseQuietly(consumerId);
        }
        breakers.forgetAll();
        state = State.STOPPED;
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        LOG.info(() -> "Stopped " + slots.size() + " task consumers in " + tookMillis + " ms");
    }

    public State state() {
        return state;
    }

    /** How many consumer loops run on this server right now. */
    public long runningConsumers() {
        return slots.stream().filter(slot -> !slot.future().isDone()).count();
    }

    /** Task types this server has paused because their service is down, with since when. */
    public Map<String, Instant> pausedTaskTypes() {
        Map<String, Instant> paused = new HashMap<>();
        breakers.open().forEach(snapshot -> paused.put(snapshot.taskType(), snapshot.since()));
        return paused;
    }

    /** Once per deployment; with Redis down then, the start script drops those old starts (a warning says so). */
    private void upgradeSendRate() {
        try {
            long converted = control.upgradeSendRate(SendRate.MAIL, settings.mailRate());
            if (converted > 0) {
                LOG.info(() -> "Send rate: " + converted + " starts recorded by an earlier version kept counting");
            }
        } catch (QueueUnavailableException e) {
            LOG.warning(() -> "Send rate: earlier versions' starts not converted, Redis did not answer: "
                    + e.getCause());
        }
    }

    /** Every type whose runs send mail shares one budget, {@code taskq.mail-rate}. */
    private Map<String, QueueConsumer.Rate> sendRates() {
        SendRate mailRate = settings.mailRate();
        Map<String, QueueConsumer.Rate> rates = new HashMap<>();
        if (mailRate.isLimited()) {
            for (String type : handlers.types()) {
                if (handlers.forType(type).orElseThrow().sendsMail()) {
                    rates.put(type, new QueueConsumer.Rate(SendRate.MAIL, mailRate));
                }
            }
        }
        return rates;
    }

    private List<String> consumerIds() {
        return slots.stream().map(slot -> slot.loop().consumerId()).toList();
    }

    /** What the console shows of each consumer, besides what the outcome scripts keep up to date. */
    private Map<String, Map<String, String>> descriptions() {
        String host = host();
        Map<String, Map<String, String>> descriptions = new HashMap<>();
        for (String consumerId : consumerIds()) {
            descriptions.put(consumerId, Map.of("host", host, "server", instance, "startedAt", startedAt));
        }
        return descriptions;
    }

    private void releaseQuietly(String consumerId) {
        try {
            long returned = queue.release(consumerId);
            if (returned > 0) {
                LOG.warning(() -> "Returned " + returned + " unfinished task(s) of " + consumerId + " to the queue");
            }
        } catch (QueueUnavailableException e) {
            LOG.warning(() -> "Redis unreachable: tasks held by " + consumerId
                    + " return to the queue once its heartbeat expires");
        }
    }

    private static void awaitOrAbort(Slot slot, long deadlineNanos) {
        ConsumerLoop loop = slot.loop();
        try {
            slot.future().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (loop.busy()) {
                LOG.warning(() -> "Consumer " + loop.consumerId() + " did not finish its task in time; cutting it off");
            }
            loop.abort();
            slot.future().cancel(true);
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, "A task consumer ended with an error", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.abort();
        } catch (CancellationException e) {
            // Cancelled before: nothing to wait for.
        }
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "host";
        }
    }

    /** Names this server's consumers in Redis: the host plus a random part, unique per deployment. */
    private static String instanceName() {
        String host = host().replaceAll("[^A-Za-z0-9._-]", "_");
        return host + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
}
