package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Percentiles from the bucket counts the consumers keep, interpolated as Prometheus' histogram_quantile does. */
class HistogramTest {

    @Test
    void interpolatesInsideTheBucketThatHoldsTheRank() {
        // 10 observations in (0.1, 0.25], 10 in (0.25, 0.5].
        Histogram histogram = Histogram.from(Map.of("run_le:5", "10", "run_le:6", "10", "run_sum_ms", "6000",
                "run_count", "20"), "run");
        assertEquals(0.25, histogram.quantile(0.5), 1e-9);
        assertEquals(0.25 + 0.25 * 9 / 10, histogram.quantile(0.95), 1e-9);
        assertEquals(6.0, histogram.sumSeconds(), 1e-9);
        assertEquals(20, histogram.count());
    }

    @Test
    void noObservationsGiveNoPercentileAndTheOpenBucketItsLowerBound() {
        assertTrue(Double.isNaN(Histogram.empty().quantile(0.5)));
        Histogram slow = Histogram.from(Map.of("wait_le:14", "3"), "wait");
        assertEquals(300.0, slow.quantile(0.95), 1e-9);
    }

    @Test
    void sumsBucketByBucket() {
        Histogram a = Histogram.from(Map.of("run_le:0", "1", "run_count", "1", "run_sum_ms", "2"), "run");
        Histogram b = Histogram.from(Map.of("run_le:0", "2", "run_le:3", "1", "run_count", "3"), "run");
        Histogram sum = a.plus(b);
        assertEquals(3, sum.counts()[0]);
        assertEquals(1, sum.counts()[3]);
        assertEquals(4, sum.count());
    }
}
