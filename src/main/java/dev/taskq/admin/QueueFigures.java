package dev.taskq.admin;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.Histogram;
import dev.taskq.queue.QueueStats;
import dev.taskq.queue.SendRate;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The overview figures of the whole queue, for the console pages, their live feed and {@code /api/admin/overview}:
 * one place that reads them (with the task types this application knows, for the parked counts) and one JSON shape.
 */
@ApplicationScoped
public class QueueFigures {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    QueueStats stats;

    @Inject
    @Any
    Instance<TaskHandler> handlers;

    @Inject
    TaskqSettings settings;

    public QueueStats.Overview overview() {
        Set<String> types = new TreeSet<>();
        handlers.forEach(handler -> types.add(handler.type()));
        return stats.overview(types);
    }

    /** The shared send rate's use now ({@code taskq.mail-rate}), or empty when none is set. */
    public Optional<QueueStats.RateUse> mailRate() {
        SendRate rate = settings.mailRate();
        return rate.isLimited() ? Optional.of(stats.sendRate(SendRate.MAIL, rate)) : Optional.empty();
    }

    /**
     * The overview and the send rate as JSON: counts, times in seconds (null when unknown), the pause, the breakers,
     * and {@code mailRate} (null when no rate is set).
     */
    public JsonObject overviewJson() {
        JsonObjectBuilder json = JSON.createObjectBuilder(json(overview()));
        Optional<QueueStats.RateUse> rate = mailRate();
        if (rate.isEmpty()) {
            json.addNull("mailRate");
        } else {
            JsonArrayBuilder windows = JSON.createArrayBuilder();
            for (QueueStats.RateWindow window : rate.get().windows()) {
                windows.add(JSON.createObjectBuilder().add("limit", window.window().limit())
                        .add("seconds", window.window().length().toSeconds()).add("used", window.used()));
            }
            json.add("mailRate", JSON.createObjectBuilder().add("setting", settings.mailRate().toString())
                    .add("windows", windows).add("heldBack", rate.get().heldBack())
                    .add("waitedSeconds", rate.get().waited().toMillis() / 1000.0));
        }
        return json.build();
    }

    /** The overview as JSON: counts, times in seconds (null when unknown) and the pause and breakers. */
    private static JsonObject json(QueueStats.Overview overview) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("at", overview.at().toString())
                .add("queued", overview.queued())
                .add("retrying", overview.retrying())
                .add("processing", overview.processing())
                .add("parked", overview.parked())
                .add("dead", overview.dead())
                .add("succeeded24h", overview.succeededInHistory())
                .add("failed24h", overview.failedInHistory())
                .add("consumersLive", overview.consumersLive())
                .add("consumersDead", overview.consumersDead());
        nullable(json, "nextRetryDue", overview.nextRetryDue() == null ? null : overview.nextRetryDue().toString());
        seconds(json, "oldestWaitingSeconds", overview.oldestWaiting());
        json.add("queueTime", quantiles(overview.recentWait()));
        json.add("runTime", quantiles(overview.recentRun()));
        if (overview.pause() == null) {
            json.addNull("paused");
        } else {
            json.add("paused", JSON.createObjectBuilder().add("since", overview.pause().since())
                    .add("by", overview.pause().by()));
        }
        JsonArrayBuilder breakers = JSON.createArrayBuilder();
        for (QueueStats.Breaker breaker : overview.breakers()) {
            breakers.add(JSON.createObjectBuilder().add("server", breaker.server()).add("type", breaker.type())
                    .add("since", breaker.since()).add("error", breaker.error())
                    .add("nextProbe", breaker.nextProbe()));
        }
        json.add("breakers", breakers);
        return json.build();
    }

    private static JsonObjectBuilder quantiles(Histogram histogram) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        number(json, "p50", histogram.quantile(0.5));
        number(json, "p95", histogram.quantile(0.95));
        return json;
    }

    private static void number(JsonObjectBuilder json, String name, double value) {
        if (Double.isNaN(value)) {
            json.addNull(name);
        } else {
            json.add(name, Math.round(value * 1000) / 1000.0);
        }
    }

    private static void seconds(JsonObjectBuilder json, String name, Duration duration) {
        if (duration == null) {
            json.addNull(name);
        } else {
            json.add(name, Math.max(0, duration.toMillis()) / 1000.0);
        }
    }

    private static void nullable(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
