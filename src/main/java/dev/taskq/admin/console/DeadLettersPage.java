package dev.taskq.admin.console;

import dev.taskq.queue.DeadLetter;
import dev.taskq.queue.DeadLetters;
import dev.taskq.queue.QueueStats;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The dead-letters page: paged newest first; one letter opened with its reason, entry and every attempt's error;
 * re-queue or delete one; re-queue all, or all with one reason, after a confirmation page.
 */
@Named("dead")
@ViewScoped
public class DeadLettersPage implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int PAGE_SIZE = 20;
    static final int MAX_REASON = 2000;

    @Inject
    DeadLetters deadLetters;

    @Inject
    QueueStats stats;

    private int page = 1;
    private String id;
    private String reason;
    private List<DeadLetter> letters = List.of();
    private long total;
    private DeadLetter opened;
    private Map<String, String> record = Map.of();
    private DeadLetters.Bulk bulk;

    public void load() {
        page = Math.max(1, page);
        DeadLetters.Page read = deadLetters.page((page - 1) * PAGE_SIZE, PAGE_SIZE);
        letters = read.letters();
        total = read.total();
        if (id != null && !id.isEmpty()) {
            opened = id.length() > 64 ? null : deadLetters.find(id).orElse(null);
            record = opened == null ? Map.of() : stats.record(id);
            if (opened == null) {
                TasksPage.message(FacesMessage.SEVERITY_WARN, "No dead letter with this id (any more).");
            }
        }
        if (reason != null && reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON);
        }
    }

    public String requeue(String letterId) {
        switch (deadLetters.requeue(letterId)) {
            case REQUEUED -> TasksPage.message(FacesMessage.SEVERITY_INFO, "Re-queued " + letterId + ".");
            case NOT_A_TASK -> TasksPage.message(FacesMessage.SEVERITY_ERROR,
                    "This dead letter is not a readable task and cannot be re-queued; delete it instead.");
            case NOT_FOUND -> TasksPage.message(FacesMessage.SEVERITY_WARN,
                    "This dead letter was already re-queued or deleted.");
        }
        return afterChange();
    }

    public String delete(String letterId) {
        boolean deleted = deadLetters.delete(letterId);
        TasksPage.message(deleted ? FacesMessage.SEVERITY_INFO : FacesMessage.SEVERITY_WARN,
                deleted ? "Deleted " + letterId + "." : "This dead letter was already re-queued or deleted.");
        return afterChange();
    }

    /** On the confirmation page: re-queue all (no reason) or all with the reason. */
    public String requeueAll() {
        bulk = deadLetters.requeueAll(reason == null ? "" : reason);
        return null;
    }

    private String afterChange() {
        id = null;
        opened = null;
        load();
        return null;
    }

    public String confirmLink(String forReason) {
        return "confirm.xhtml" + (forReason == null ? "" : "?reason=" + URLEncoder.encode(forReason,
                StandardCharsets.UTF_8));
    }

    public List<Map.Entry<String, String>> getErrors() {
        return record.entrySet().stream().filter(field -> field.getKey().startsWith("error.")).toList();
    }

    public List<Map.Entry<String, String>> getRecord() {
        return List.copyOf(record.entrySet());
    }

    public String at(String stored) {
        return Formats.instant(stored);
    }

    public List<DeadLetter> getLetters() {
        return letters;
    }

    public long getTotal() {
        return total;
    }

    public int getPages() {
        return (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    }

    public DeadLetter getOpened() {
        return opened;
    }

    public DeadLetters.Bulk getBulk() {
        return bulk;
    }

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = page;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
