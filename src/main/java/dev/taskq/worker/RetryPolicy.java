package dev.taskq.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and when a failed task is tried again: up to {@code maxAttempts} runs in all, the n-th retry after
 * {@code baseDelay × 2^(n-1)} (capped at one hour), shortened by a random 0–25 % so that tasks failing together
 * do not all come back at the same instant, while each gap stays longer than the one before.
 */
final class RetryPolicy {

    private static final Duration MAX_DELAY = Duration.ofHours(1);

    private final int maxAttempts;
    private final Duration baseDelay;

    RetryPolicy(int maxAttempts, Duration baseDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
    }

    /** Whether a task whose attempt number {@code attempt} just failed gets another run. */
    boolean retries(int attempt) {
        return attempt < maxAttempts;
    }

    /** The delay before the next run, after attempt number {@code attempt} (1-based) failed. */
    Duration delayAfter(int attempt) {
        long nominal = baseDelay.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(nominal, MAX_DELAY.toMillis());
        double jitter = 0.75 + 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(capped * jitter));
    }
}
