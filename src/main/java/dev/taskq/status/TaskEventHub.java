package dev.taskq.status;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskEvent;
import dev.taskq.queue.TaskEventSubscription;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fans the task events of this server's one Redis subscription out to the clients following tasks (SSE streams
 * and {@code ?wait} requests): one Redis connection per server, however many browsers watch.
 * The subscription starts with the first watcher and runs on the container's ManagedExecutorService until the
 * application stops. Lifecycle: NEW → RUNNING → STOPPED.
 */
@ApplicationScoped
public class TaskEventHub implements TaskEventSubscription.Listener {

    /** More watchers than this on one server are refused (503): each one holds an HTTP connection. */
    static final int MAX_WATCHERS = TaskqSettings.MAX_WATCHERS;
    private static final long KEEP_ALIVE_SECONDS = 15;
    private static final long STOP_WAIT_SECONDS = 2;
    private static final int WATCHER_THREADS = 8;
    private static final Logger LOG = Logger.getLogger(TaskEventHub.class.getName());

    private enum State { NEW, RUNNING, STOPPED }

    /**
     * Where the subscription and the watchers' blocking work run: a pool of its own, on the container's thread
     * factory (so its threads carry the application's context). Not the ManagedExecutorService: the consumer loops
     * hold threads of that for good, and WildFly's default one has about two per core — the subscription and the
     * watchers' work then waited behind them forever.
     */
    private ThreadPoolExecutor executor;

    @Resource
    ManagedThreadFactory threadFactory;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    RedisTaskQueue queue;

    @PostConstruct
    void createThreads() {
        // The subscription's thread, and WATCHER_THREADS for reads and writes; idle ones end after 30 s.
        executor = new ThreadPoolExecutor(WATCHER_THREADS + 1, WATCHER_THREADS + 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threadFactory);
        executor.allowCoreThreadTimeOut(true);
    }

    private final ConcurrentMap<String, Set<TaskWatcher>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger watcherCount = new AtomicInteger();
    /** Per client and kind of watcher ("stream|1.2.3.4"): how many it holds, and which slot each watcher took. */
    private final ConcurrentMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final ConcurrentMap<TaskWatcher, String> slotOf = new ConcurrentHashMap<>();
    private State state = State.NEW;
    private TaskEventSubscription subscription;
    private Future<?> subscriptionRun;
    private ScheduledFuture<?> keepAlive;

    /** What became of a request to watch. */
    public enum Watch { WATCHING, CLIENT_BUSY, SERVER_BUSY }

    /**
     * Delivers the task's events to {@code watcher} from now on, starting the subscription if need be.
     *
     * @param slot the client and kind of watcher its cap counts under (e.g. {@code "stream|" + client})
     * @param cap  how many watchers one slot may hold; 0 = no cap
     * @return {@code CLIENT_BUSY} when the slot is full (answer 429), {@code SERVER_BUSY} when the server is full
     *         or stopping (answer 503)
     */
    public synchronized Watch watch(String taskId, TaskWatcher watcher, String slot, int cap) {
        if (watcherCount.get() >= MAX_WATCHERS || !ensureRunning()) {
            return Watch.SERVER_BUSY;
        }
        if (slotOf.containsKey(watcher)) {
            return Watch.WATCHING;
        }
        boolean[] admitted = {false};
        perClient.compute(slot, (key, held) -> {
            int count = held == null ? 0 : held;
            if (cap > 0 && count >= cap) {
                return held;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            return Watch.CLIENT_BUSY;
        }
        slotOf.put(watcher, slot);
        watchers.compute(taskId, (id, set) -> {
            Set<TaskWatcher> watching = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (watching.add(watcher)) {
                watcherCount.incrementAndGet();
            }
            return watching;
        });
        return Watch.WATCHING;
    }

    /** Stops delivering to {@code watcher}; harmless when it was not (or no longer) watching. */
    public void unwatch(String taskId, TaskWatcher watcher) {
        watchers.computeIfPresent(taskId, (id, set) -> {
            if (set.remove(watcher)) {
                watcherCount.decrementAndGet();
                release(slotOf.remove(watcher));
            }
            return set.isEmpty() ? null : set;
        });
    }

    private void release(String slot) {
        if (slot != null) {
            // Drop a slot's counter once it is back at zero, so the map holds only clients watching now.
            perClient.computeIfPresent(slot, (key, held) -> held <= 1 ? null : held - 1);
        }
    }

    /** Where watchers do their blocking work (Redis reads, writes to clients). */
    public Executor executor() {
        return executor;
    }

    /** Called with the lock held. */
    private boolean ensureRunning() {
        if (state == State.NEW) {
            subscription = new TaskEventSubscription(queue, this);
            subscriptionRun = executor.submit(subscription);
            keepAlive = scheduler.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
                    TimeUnit.SECONDS);
            state = State.RUNNING;
        }
        return state == State.RUNNING;
    }

    @Override
    public void subscribed() {
        everyWatcher().forEach(TaskWatcher::resync);
    }

    @Override
    public void received(TaskEvent event) {
        Set<TaskWatcher> watching = watchers.get(event.taskId());
        if (watching != null) {
            watching.forEach(watcher -> watcher.changed(event));
        }
    }

    /** Never throws: an exception would cancel the schedule. */
    private void keepAlive() {
        try {
            everyWatcher().forEach(TaskWatcher::keepAlive);
            // After the streams' own keep-alive: on a failing cluster this can take seconds.
            queue.publishKeepAlive();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Keep-alive of task watchers failed", e);
        }
    }

    private List<TaskWatcher> everyWatcher() {
        return watchers.values().stream().flatMap(Set::stream).toList();
    }

    /** Ends the subscription (closing its Redis connection) and every watcher, before the application goes. */
    @PreDestroy
    void stop() {
        boolean wasRunning;
        synchronized (this) {
            wasRunning = state == State.RUNNING;
            state = State.STOPPED;
        }
        if (wasRunning) {
            keepAlive.cancel(false);
            subscription.stop();
            awaitEnd(subscriptionRun);
        }
        everyWatcher().forEach(TaskWatcher::stop);
        executor.shutdown();
        watchers.clear();
        watcherCount.set(0);
        perClient.clear();
        slotOf.clear();
    }

    private static void awaitEnd(Future<?> run) {
        try {
            run.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warning("The Redis events subscription did not stop in time");
            run.cancel(true);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "The Redis events subscription ended with an error", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
