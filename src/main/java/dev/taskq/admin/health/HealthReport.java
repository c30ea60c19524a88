package dev.taskq.admin.health;

import dev.taskq.queue.QueueStats;
import dev.taskq.worker.WorkerBootstrap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This server's readiness to take work: Redis answers, its consumer loops run, and none of its circuit breakers
 * holds a task type back (the mail server is not paused for it). One place, read by {@code /api/health} and by MicroProfile Health.
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
        boolean redis = stats.reachable();
        WorkerBootstrap.State state = worker.state();
        long loops = worker.runningConsumers();
        // This server's own breakers: while one is open, its consumers hold that task type back.
        Map<String, Instant> paused = worker.pausedTaskTypes();
        return List.of(
                new Check("redis", redis, redis ? "answers PING" : "unreachable"),
                new Check("consumers", state == WorkerBootstrap.State.RUNNING && loops > 0,
                        "worker " + state.name().toLowerCase() + ", " + loops + " loop(s) running"),
                new Check("mail", paused.isEmpty(), paused.isEmpty() ? "no task type paused"
                        : "paused: " + new TreeMap<>(paused)));
    }

    /** Alive as long as the application answers and its worker has not been stopped. */
    public Check liveness() {
        WorkerBootstrap.State state = worker.state();
        return new Check("worker", state != WorkerBootstrap.State.STOPPED, "worker " + state.name().toLowerCase());
    }
}
