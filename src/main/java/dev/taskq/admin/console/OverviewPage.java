package dev.taskq.admin.console;

import dev.taskq.admin.QueueFigures;
import dev.taskq.queue.QueueControl;
import dev.taskq.queue.QueueStats;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The overview page: the whole queue's figures, the last 24 h as a chart, and pause / resume. */
@Named("overview")
@RequestScoped
public class OverviewPage {

    /** Minutes per bar of the chart: 96 bars over 24 h. */
    static final int MINUTES_PER_BAR = 15;
    static final int CHART_HEIGHT = 120;
    static final int BAR_WIDTH = 10;

    @Inject
    QueueFigures figures;

    @Inject
    QueueControl control;

    private QueueStats.Overview figuresNow;
    private QueueStats.RateUse mailRateNow;

    /** One window of the send rate as the page shows it. */
    public record RateRow(String setting, String window, long used) {
    }

    /** One bar of the chart, with its heights already scaled to the chart (no script or style needed). */
    public record Bar(int x, int okY, int okHeight, int failedY, int failedHeight, String title) {
    }

    @PostConstruct
    void read() {
        figuresNow = figures.overview();
        mailRateNow = figures.mailRate().orElse(null);
    }

    /** The shared send rate's windows now; empty when {@code taskq.mail-rate} is not set. */
    public List<RateRow> getMailRate() {
        if (mailRateNow == null) {
            return List.of();
        }
        return mailRateNow.windows().stream().map(use -> new RateRow(use.window().toString(),
                use.window().lengthName(), use.used())).toList();
    }

    public long getMailRateHeldBack() {
        return mailRateNow == null ? 0 : mailRateNow.heldBack();
    }

    public String getMailRateWaited() {
        return mailRateNow == null ? "" : Formats.duration(mailRateNow.waited());
    }

    public QueueStats.Overview getFigures() {
        return figuresNow;
    }

    public String getNextRetryDue() {
        return Formats.instant(figuresNow.nextRetryDue());
    }

    public String getOldestWaiting() {
        return Formats.duration(figuresNow.oldestWaiting());
    }

    public String getQueueTimeP50() {
        return Formats.seconds(figuresNow.recentWait().quantile(0.5));
    }

    public String getQueueTimeP95() {
        return Formats.seconds(figuresNow.recentWait().quantile(0.95));
    }

    public String getRunTimeP50() {
        return Formats.seconds(figuresNow.recentRun().quantile(0.5));
    }

    public String getRunTimeP95() {
        return Formats.seconds(figuresNow.recentRun().quantile(0.95));
    }

    public String getPausedSince() {
        return figuresNow.pause() == null ? "" : Formats.instant(figuresNow.pause().since());
    }

    public String since(String iso) {
        return Formats.instant(iso);
    }

    public List<Bar> getBars() {
        List<QueueStats.Minute> history = figuresNow.history();
        List<long[]> sums = new ArrayList<>();
        long max = 1;
        for (int start = 0; start < history.size(); start += MINUTES_PER_BAR) {
            long ok = 0;
            long failed = 0;
            for (QueueStats.Minute minute : history.subList(start, Math.min(history.size(), start + MINUTES_PER_BAR))) {
                ok += minute.succeeded();
                failed += minute.failed();
            }
            sums.add(new long[] {ok, failed, history.get(start).epochMinute()});
            max = Math.max(max, ok + failed);
        }
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < sums.size(); i++) {
            long[] sum = sums.get(i);
            int okHeight = (int) Math.round((double) sum[0] * CHART_HEIGHT / max);
            int failedHeight = (int) Math.round((double) sum[1] * CHART_HEIGHT / max);
            String title = Formats.instant(Instant.ofEpochSecond(sum[2] * 60)) + ": " + sum[0] + " succeeded, "
                    + sum[1] + " failed (" + MINUTES_PER_BAR + " min)";
            bars.add(new Bar(i * BAR_WIDTH, CHART_HEIGHT - okHeight, okHeight,
                    CHART_HEIGHT - okHeight - failedHeight, failedHeight, title));
        }
        return bars;
    }

    public String pause() {
        control.pause(ConsoleAccessFilter.operator(
                (HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext().getRequest()));
        return "/admin/index.xhtml?faces-redirect=true";
    }

    public String resume() {
        control.resume();
        return "/admin/index.xhtml?faces-redirect=true";
    }
}
