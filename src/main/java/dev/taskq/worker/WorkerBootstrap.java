package dev.taskq.worker;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.RedisTaskQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the consumer loops when the application starts and stops them when it stops.
 * Lifecycle: NEW → RUNNING → STOPPING → STOPPED. Start never touches Redis, so a deployment succeeds while Redis is
 * down; the loops wait for it.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WorkerBootstrap {

    public enum State { NEW, RUNNING, STOPPING, STOPPED }

    private static final Logger LOG = Logger.getLogger(WorkerBootstrap.class.getName());
    /** Idle loops notice a stop within one poll (1 s); a loop still busy after this is cut off. */
    private static final long STOP_GRACE_MILLIS = 1500;

    @Resource
    ManagedExecutorService executor;

    @Inject
    TaskqSettings settings;

    @Inject
    RedisTaskQueue queue;

    @Inject
    TaskHandlerRegistry handlers;

    private final StopSignal stop = new StopSignal();
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private final List<Future<?>> running = new ArrayList<>();
    private volatile State state = State.NEW;

    @PostConstruct
    void start() {
        RedisOutageLog outage = new RedisOutageLog();
        String instance = instanceName();
        for (int i = 1; i <= settings.consumers(); i++) {
            ConsumerLoop loop = new ConsumerLoop(i, queue.consumer(instance + ":" + i), handlers, stop, outage);
            loops.add(loop);
            running.add(executor.submit(loop));
        }
        state = State.RUNNING;
        LOG.info(() -> "Started " + loops.size() + " task consumers as " + instance);
    }

    @PreDestroy
    void shutdown() {
        state = State.STOPPING;
        long begin = System.nanoTime();
        stop.request();
        long deadline = begin + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        for (int i = 0; i < running.size(); i++) {
            awaitOrAbort(running.get(i), loops.get(i), deadline);
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
            LOG.warning("A task consumer did not stop in time; closing its Redis connection");
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
