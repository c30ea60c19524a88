package dev.taskq.queue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A latency histogram as the consumers keep it in Redis: one non-cumulative count per bucket ({@code <name>_le:<i>}),
 * the sum in milliseconds and the count. The bucket bounds are the team's contract and the same for wait and run.
 */
public record Histogram(long[] counts, double sumSeconds, long count) {

    /** Upper bounds in seconds; the last bucket (index {@code BOUNDS.size()}) is +Inf. */
    public static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            30.0, 60.0, 300.0);

    public static Histogram empty() {
        return new Histogram(new long[BOUNDS.size() + 1], 0, 0);
    }

    /** Reads {@code <name>_le:<i>}, {@code <name>_sum_ms} and {@code <name>_count} from a stats hash. */
    static Histogram from(Map<String, String> hash, String name) {
        long[] counts = new long[BOUNDS.size() + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = number(hash.get(name + "_le:" + i));
        }
        long count = hash.containsKey(name + "_count") ? number(hash.get(name + "_count")) : Arrays.stream(counts).sum();
        return new Histogram(counts, number(hash.get(name + "_sum_ms")) / 1000.0, count);
    }

    Histogram plus(Histogram other) {
        long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counts[i];
        }
        return new Histogram(sum, sumSeconds + other.sumSeconds, count + other.count);
    }

    /**
     * The q-quantile in seconds, interpolated linearly inside its bucket (as Prometheus' histogram_quantile does);
     * NaN without observations; the highest finite bound when it falls into the +Inf bucket.
     */
    public double quantile(double q) {
        long total = Arrays.stream(counts).sum();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (seen + counts[i] >= rank && counts[i] > 0) {
                if (i == BOUNDS.size()) {
                    return BOUNDS.get(i - 1);
                }
                double lower = i == 0 ? 0 : BOUNDS.get(i - 1);
                double upper = BOUNDS.get(i);
                return lower + (upper - lower) * (rank - seen) / counts[i];
            }
            seen += counts[i];
        }
        return BOUNDS.get(BOUNDS.size() - 1);
    }

    static long number(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
