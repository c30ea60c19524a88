package dev.taskq.worker;

import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import jakarta.json.spi.JsonProvider;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This server's circuit breakers, one per task type, shared by its consumer loops; {@link #probe()} (run regularly
 * by the worker, on a thread of its own) probes the services behind open ones. Open breakers are shown to operators
 * in Redis ({@code breakers}); when one closes, the tasks parked for its type go back to the queue at once.
 */
final class ServiceBreakers {

    private static final Logger LOG = Logger.getLogger(ServiceBreakers.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    private final Map<String, ServiceBreaker> byType = new ConcurrentHashMap<>();
    private final TaskHandlerRegistry handlers;
    private final RedisTaskQueue queue;
    private final String server;

    ServiceBreakers(TaskHandlerRegistry handlers, RedisTaskQueue queue, String server) {
        this.handlers = handlers;
        this.queue = queue;
        this.server = server;
    }

    ServiceBreaker forType(String taskType) {
        return byType.computeIfAbsent(taskType, ServiceBreaker::new);
    }

    /** A loop just opened this breaker. */
    void opened(ServiceBreaker breaker) {
        show(breaker);
    }

    /** Probes the service behind every open breaker whose probe is due; closes those that answer. */
    void probe() {
        for (ServiceBreaker breaker : byType.values()) {
            if (!breaker.probeDue(Instant.now())) {
                continue;
            }
            TaskHandler handler = handlers.forType(breaker.taskType()).orElse(null);
            try {
                if (handler != null) {
                    handler.probe();
                }
            } catch (Exception e) {
                breaker.stillDown(e, Instant.now());
                show(breaker);
                continue;
            }
            breaker.close(Instant.now());
            try {
                queue.breakerState(server, breaker.taskType(), null);
                long back = queue.unpark(breaker.taskType());
                if (back > 0) {
                    LOG.info(() -> back + " parked '" + breaker.taskType() + "' task(s) are queued again");
                }
            } catch (QueueUnavailableException e) {
                // Parked tasks come back when they are due; the state shown is fixed by the next change.
                LOG.log(Level.FINE, "Redis unreachable while resuming", e);
            }
        }
    }

    /** At shutdown: this server shows no paused types any more. */
    void forgetAll() {
        for (ServiceBreaker breaker : byType.values()) {
            if (breaker.isOpen()) {
                try {
                    queue.breakerState(server, breaker.taskType(), null);
                } catch (QueueUnavailableException e) {
                    LOG.log(Level.FINE, "Redis unreachable at shutdown", e);
                }
            }
        }
    }

    /** The open breakers, for health checks. */
    List<ServiceBreaker.Snapshot> open() {
        return byType.values().stream().map(ServiceBreaker::snapshot).filter(Objects::nonNull).toList();
    }

    private void show(ServiceBreaker breaker) {
        ServiceBreaker.Snapshot state = breaker.snapshot();
        if (state == null) {
            return;
        }
        String json = JSON.createObjectBuilder()
                .add("service", state.service())
                .add("since", state.since().toString())
                .add("error", state.error())
                .add("nextProbe", state.nextProbe().toString())
                .build().toString();
        try {
            queue.breakerState(server, breaker.taskType(), json);
        } catch (QueueUnavailableException e) {
            LOG.log(Level.FINE, "Redis unreachable while showing a paused task type", e);
        }
    }
}
