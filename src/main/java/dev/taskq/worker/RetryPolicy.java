package dev.taskq.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and when a failed task is tried again: up to {@code maxAttempts} runs in all, the n-th retry after
 * {@code baseDelay × 2^(n-1)} (capped at {@code maxDelay}), shortened by a random 0–25 % so that tasks failing
 * together do not all come back at the same instant. With the defaults (25 runs, 1 s doubling up to 4 h) a task
 * is retried for about 44 h (at least 33 h with the most jitter) before it is dead-lettered: longer than the
 * incidents a mail provider has, and outages of the mail server itself spend no attempts at all.
 */
final class RetryPolicy {

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;

    RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a task whose attempt number {@code attempt} just failed gets another run. */
    boolean retries(int attempt) {
        return attempt < maxAttempts;
    }

    /** The delay before the next run, after attempt number {@code attempt} (1-based) failed. */
    Duration delayAfter(int attempt) {
        long capped = nominalDelayAfter(attempt).toMillis();
        double jitter = 0.75 + 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(capped * jitter));
    }

    /** The delay before the next run without jitter (the most it can be). */
    Duration nominalDelayAfter(int attempt) {
        long nominal = baseDelay.toMillis() << Math.min(attempt - 1, 30);
        return Duration.ofMillis(Math.min(nominal, maxDelay.toMillis()));
    }
}
