package dev.taskq.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1));

    @Test
    void retriesUntilTheLastAttempt() {
        assertTrue(policy.retries(1));
        assertTrue(policy.retries(4));
        assertFalse(policy.retries(5));
    }

    @RepeatedTest(50)
    void eachDelayIsWithinItsJitterBandAndLongerThanAnyEarlierOne() {
        long previousMax = 0;
        for (int attempt = 1; attempt <= 4; attempt++) {
            long nominal = 1000L << (attempt - 1);
            long delay = policy.delayAfter(attempt).toMillis();
            assertTrue(delay >= nominal * 3 / 4 && delay <= nominal, attempt + ": " + delay);
            assertTrue(delay > previousMax / 2, "bands do not overlap");
            previousMax = nominal;
        }
    }

    @Test
    void delaysAreCappedAtOneHour() {
        assertTrue(policy.delayAfter(40).compareTo(Duration.ofHours(1)) <= 0);
    }
}
