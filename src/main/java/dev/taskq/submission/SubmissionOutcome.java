package dev.taskq.submission;

import java.time.Duration;

/** What became of a valid submission. Invalid input is an {@link InvalidSubmissionException} instead. */
public sealed interface SubmissionOutcome {

    /** Queued; {@code replayed} when the idempotency key named a task accepted before (nothing new stored). */
    record Accepted(String taskId, boolean replayed) implements SubmissionOutcome {
    }

    /** Taken for spam (the honeypot): answered as if accepted, but nothing was stored. */
    record Discarded() implements SubmissionOutcome {
    }

    /** A per-recipient or per-client limit is reached; nothing was stored. */
    record LimitReached(Limit limit, Duration retryAfter) implements SubmissionOutcome {
    }

    /** The idempotency key was used before with a different submission; nothing was stored. */
    record KeyReused() implements SubmissionOutcome {
    }

    /** Too many tasks are waiting; nothing was stored. */
    record Busy() implements SubmissionOutcome {
    }

    /** The limits a submission can run into. */
    enum Limit { RECIPIENT, CLIENT }
}
