package dev.taskq.admin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser reads what the Prometheus client writes, and rejects what Prometheus would reject. */
class PrometheusTextTest {

    @Test
    void readsCountersAndHistogramsAsTheClientWritesThem() throws Exception {
        MetricSnapshots snapshots = MetricSnapshots.of(
                CounterSnapshot.builder().name("taskq_tasks_enqueued").help("h")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .labels(Labels.of("queue", "q\"1", "type", "mail")).value(7).build()).build(),
                HistogramSnapshot.builder().name("taskq_run_time_seconds").help("h")
                        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(Labels.of("queue", "q"))
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(
                                        new double[] {0.1, 1, Double.POSITIVE_INFINITY}, new long[] {2, 3, 1}))
                                .sum(4.5).build()).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);

        Map<String, PrometheusText.Family> families = PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(7.0, families.get("taskq_tasks_enqueued_total")
                .value("taskq_tasks_enqueued_total", Map.of("queue", "q\"1", "type", "mail")).orElseThrow());
        PrometheusText.Family run = families.get("taskq_run_time_seconds");
        assertEquals("histogram", run.type());
        assertEquals(5.0, run.value("taskq_run_time_seconds_bucket", Map.of("queue", "q", "le", "1.0")).orElseThrow());
        assertEquals(6.0, run.value("taskq_run_time_seconds_count", Map.of("queue", "q")).orElseThrow());
    }

    @Test
    void rejectsWhatPrometheusWouldReject() {
        for (String bad : new String[] {
                "x 1\n",
                "# TYPE x gauge\nx{a=\"1\"} one\n",
                "# TYPE x gauge\nx{a=1} 1\n",
                "# TYPE x counter\nx 1\n",
                "# TYPE x gauge\nx 1\nx 2\n",
                "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
                "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",
                "# TYPE x gauge\nx 1"}) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
    }
}
