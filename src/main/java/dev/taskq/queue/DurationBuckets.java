package dev.taskq.queue;

import java.util.List;

/**
 * The bucket bounds of the time-in-queue and run-time histograms kept in Redis ({@link RedisKeys#statsTotal()},
 * fields {@code wait_le:<i>} and {@code run_le:<i>}, one count per bucket, not cumulative). The last bucket has no
 * upper bound.
 */
public final class DurationBuckets {

    /** Upper bounds in seconds of buckets 0 … n-2; bucket n-1 is everything above. */
    public static final List<Double> UPPER_BOUNDS_SECONDS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0);

    private static final long[] UPPER_BOUNDS_MICROS = UPPER_BOUNDS_SECONDS.stream()
            .mapToLong(seconds -> Math.round(seconds * 1_000_000)).toArray();

    private DurationBuckets() {
    }

    /** Number of buckets, the unbounded last one included. */
    public static int count() {
        return UPPER_BOUNDS_MICROS.length + 1;
    }

    /** The bucket a duration of {@code micros} falls into. */
    public static int of(long micros) {
        for (int i = 0; i < UPPER_BOUNDS_MICROS.length; i++) {
            if (micros <= UPPER_BOUNDS_MICROS[i]) {
                return i;
            }
        }
        return UPPER_BOUNDS_MICROS.length;
    }
}
