package dev.taskq.admin.health;

import dev.taskq.queue.QueueStats;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.worker.WorkerBootstrap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This server's readiness to take work: Redis answers, the consumer loops run, and no circuit breaker holds a task
 * type back (the mail server is not paused). One place, read by {@code /api/health} and by MicroProfile Health.
 */
@ApplicationScoped
public class HealthReport {

    @Inject
    QueueStats stats;

    @Inject
    WorkerBootstrap worker;

    /** A named check: up or not, and a short text saying why. */
    public record Check(String name, boolean up, String detail) {
    }

    public List<Check> readiness() {
        Map<String, Check> checks = new LinkedHashMap<>();
        boolean redis = stats.reachable();
        checks.put("redis", new Check("redis", redis, redis ? "answers PING" : "unreachable"));
        WorkerBootstrap.State state = worker.state();
        checks.put("consumers", new Check("consumers", state == WorkerBootstrap.State.RUNNING,
                "worker " + state.name().toLowerCase()));
        if (redis) {
            try {
                List<QueueStats.Breaker> open = stats.breakers();
                checks.put("mail", new Check("mail", open.isEmpty(), open.isEmpty() ? "no breaker open"
                        : "paused: " + open.size() + " breaker(s) open, first since " + open.get(0).since()));
            } catch (QueueUnavailableException e) {
                checks.put("mail", new Check("mail", false, "unknown: Redis unreachable"));
            }
        } else {
            checks.put("mail", new Check("mail", false, "unknown: Redis unreachable"));
        }
        return List.copyOf(checks.values());
    }

    /** Alive as long as the application answers and its worker has not been stopped. */
    public Check liveness() {
        WorkerBootstrap.State state = worker.state();
        return new Check("worker", state != WorkerBootstrap.State.STOPPED, "worker " + state.name().toLowerCase());
    }
}
