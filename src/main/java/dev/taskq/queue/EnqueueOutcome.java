package dev.taskq.queue;

import java.time.Duration;

/** What became of an {@link EnqueueRequest}: one value per result code of {@code enqueue.lua}. */
public sealed interface EnqueueOutcome {

    /** The tasks were stored and queued; {@code taskId} is the first task's. */
    record Accepted(String taskId) implements EnqueueOutcome {
    }

    /** The idempotency key came with the same request before: nothing new was stored; that request's task. */
    record Replayed(String taskId) implements EnqueueOutcome {
    }

    /** The idempotency key came with a different request before: nothing was stored. */
    record KeyReused() implements EnqueueOutcome {
    }

    /** The queue holds as many waiting tasks as it may: nothing was stored. */
    record BacklogFull() implements EnqueueOutcome {
    }

    /** A quota is used up until {@code retryAfter} has passed: nothing was stored or counted. */
    record QuotaReached(Quota quota, Duration retryAfter) implements EnqueueOutcome {
    }
}
