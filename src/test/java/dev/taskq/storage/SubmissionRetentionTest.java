package dev.taskq.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SubmissionRetentionTest {

    @Test
    void theJobRunsAtTheNextQuarterPastThreeUtc() {
        assertEquals(17 * 60, SubmissionRetention.secondsUntilNext(Instant.parse("2026-12-01T03:00:00Z")));
        assertEquals(24 * 3600 - 60, SubmissionRetention.secondsUntilNext(Instant.parse("2026-12-01T03:18:00Z")));
        assertEquals(24 * 3600, SubmissionRetention.secondsUntilNext(Instant.parse("2026-12-01T03:17:00Z")));
    }
}
