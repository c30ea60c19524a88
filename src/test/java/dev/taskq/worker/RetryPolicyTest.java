package dev.taskq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** The defaults of taskq.max-attempts, taskq.retry.base-delay-ms and taskq.retry.max-delay-seconds. */
    private final RetryPolicy defaults = new RetryPolicy(25, Duration.ofSeconds(1), Duration.ofHours(4));

    @Test
    void retriesUntilTheLastAttempt() {
        assertTrue(defaults.retries(1));
        assertTrue(defaults.retries(24));
        assertFalse(defaults.retries(25));
    }

    @RepeatedTest(50)
    void eachDelayIsWithinItsJitterBand() {
        for (int attempt = 1; attempt <= 24; attempt++) {
            long nominal = Math.min(1000L << (attempt - 1), Duration.ofHours(4).toMillis());
            long delay = defaults.delayAfter(attempt).toMillis();
            assertTrue(delay >= nominal * 3 / 4 && delay <= nominal, attempt + ": " + delay);
        }
    }

    @Test
    void delaysStopGrowingAtTheCap() {
        assertEquals(Duration.ofHours(4), defaults.nominalDelayAfter(15));
        assertEquals(Duration.ofHours(4), defaults.nominalDelayAfter(40));
    }

    @Test
    void byDefaultATaskIsRetriedForMoreThanADayEvenWithTheMostJitter() {
        Duration shortest = Duration.ZERO;
        for (int attempt = 1; defaults.retries(attempt); attempt++) {
            shortest = shortest.plus(defaults.nominalDelayAfter(attempt).multipliedBy(3).dividedBy(4));
        }
        assertTrue(shortest.compareTo(Duration.ofHours(24)) > 0, shortest.toString());
    }
}
