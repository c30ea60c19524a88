package dev.taskq.admin.metrics;

import dev.taskq.admin.QueueFigures;
import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.Histogram;
import dev.taskq.queue.QueueStats;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the Prometheus snapshots from Redis at scrape time; nothing is counted in this server's memory. Every
 * figure is queue-wide (the same on every server on this Redis), labelled with the queue's key prefix: scrape one
 * server, or aggregate with {@code max by (queue)} — never {@code sum} — when several are scraped.
 */
@ApplicationScoped
public class QueueMetrics {

    /** Counter kinds kept in {@code {tq}:stats:total} as {@code <kind>:<type>}, with their metric names. */
    private static final Map<String, String[]> COUNTERS = Map.of(
            "enqueued", new String[] {"taskq_tasks_enqueued", "Tasks accepted onto the queue."},
            "succeeded", new String[] {"taskq_tasks_succeeded", "Tasks whose handler succeeded."},
            "failed", new String[] {"taskq_task_attempts_failed", "Attempts that failed (each retry counts)."},
            "retried", new String[] {"taskq_tasks_retried", "Failed attempts that were scheduled for a retry."},
            "dead", new String[] {"taskq_tasks_dead", "Tasks moved to the dead letters."});

    @Inject
    QueueFigures figures;

    @Inject
    QueueStats stats;

    @Inject
    TaskqSettings settings;

    public MetricSnapshots collect() {
        Labels queue = Labels.of("queue", settings.keyPrefix());
        QueueStats.Overview overview = figures.overview();
        QueueStats.Totals totals = stats.totals();
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();

        GaugeSnapshot.Builder depth = GaugeSnapshot.builder().name("taskq_tasks")
                .help("Tasks in the queue now, by state (parked: waiting out an outage of their service).");
        gauge(depth, queue.add("state", "queued"), overview.queued());
        gauge(depth, queue.add("state", "retrying"), overview.retrying());
        gauge(depth, queue.add("state", "processing"), overview.processing());
        gauge(depth, queue.add("state", "parked"), overview.parked());
        gauge(depth, queue.add("state", "dead"), overview.dead());
        all.add(depth.build());

        GaugeSnapshot.Builder oldest = GaugeSnapshot.builder().name("taskq_oldest_waiting_seconds")
                .help("Age of the task that is next to be taken (0 when none waits).");
        gauge(oldest, queue, overview.oldestWaiting() == null ? 0 : overview.oldestWaiting().toMillis() / 1000.0);
        all.add(oldest.build());

        GaugeSnapshot.Builder consumers = GaugeSnapshot.builder().name("taskq_consumers")
                .help("Consumer loops registered on this Redis: live (heartbeat present) or dead (until reaped).");
        gauge(consumers, queue.add("state", "live"), overview.consumersLive());
        gauge(consumers, queue.add("state", "dead"), overview.consumersDead());
        all.add(consumers.build());

        GaugeSnapshot.Builder paused = GaugeSnapshot.builder().name("taskq_paused")
                .help("1 while an operator has paused the queue.");
        gauge(paused, queue, overview.pause() == null ? 0 : 1);
        all.add(paused.build());

        GaugeSnapshot.Builder breakers = GaugeSnapshot.builder().name("taskq_breakers_open")
                .help("Open circuit breakers (a server does not run a task type while its service is down).");
        gauge(breakers, queue, overview.breakers().size());
        all.add(breakers.build());

        COUNTERS.forEach((kind, name) -> {
            CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name[0]).help(name[1]);
            totals.countersByKind().get(kind).forEach((type, value) -> counter.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder().labels(queue.add("type", type)).value(value)
                            .build()));
            all.add(counter.build());
        });

        figures.mailRate().ifPresent(rate -> {
            GaugeSnapshot.Builder limit = GaugeSnapshot.builder().name("taskq_mail_rate_limit")
                    .help("Mail starts allowed per window by taskq.mail-rate (all servers on this Redis together).");
            GaugeSnapshot.Builder used = GaugeSnapshot.builder().name("taskq_mail_rate_used")
                    .help("Mail starts within the window now.");
            for (QueueStats.RateWindow window : rate.windows()) {
                Labels labels = queue.add("window", window.window().length().toSeconds() + "s");
                gauge(limit, labels, window.window().limit());
                gauge(used, labels, window.used());
            }
            all.add(limit.build());
            all.add(used.build());
            all.add(counter("taskq_mail_rate_held_back",
                    "Starts held back because the send rate was used up (a consumer's every refusal counts).", queue,
                    rate.heldBack()));
            all.add(counter("taskq_mail_rate_wait_seconds",
                    "Time consumers were told to wait for the send rate, summed over the refusals.", queue,
                    rate.waited().toNanos() / 1e9));
        });

        all.add(histogram("taskq_queue_time_seconds",
                "Time from acceptance to the start of the run that took the task.", queue, totals.queueTime()));
        all.add(histogram("taskq_run_time_seconds", "Handler run time.", queue, totals.runTime()));
        return new MetricSnapshots(all);
    }

    private static void gauge(GaugeSnapshot.Builder gauge, Labels labels, double value) {
        gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    private static CounterSnapshot counter(String name, String help, Labels labels, double value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build()).build();
    }

    private static HistogramSnapshot histogram(String name, String help, Labels labels, Histogram histogram) {
        double[] bounds = new double[Histogram.BOUNDS.size() + 1];
        for (int i = 0; i < Histogram.BOUNDS.size(); i++) {
            bounds[i] = Histogram.BOUNDS.get(i);
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels)
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, histogram.counts()))
                        .sum(histogram.sumSeconds()).build())
                .build();
    }
}
