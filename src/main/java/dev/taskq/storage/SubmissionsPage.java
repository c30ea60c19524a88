package dev.taskq.storage;

import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisSubmissionData;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's Submissions page ({@code /admin/submissions.xhtml}): the kept submissions newest first, search,
 * one opened, delete, the CSV export link, the spam list, and erasure by address after a confirmation. View-scoped,
 * so a button on the page acts on what the page showed (the opened submission, the address being confirmed).
 */
@Named("submissions")
@ViewScoped
public class SubmissionsPage implements Serializable {

    private static final long serialVersionUID = 1L;

    static final int PAGE = 25;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Inject
    SubmissionStore store;

    @Inject
    RedisSubmissionData redis;

    @Inject
    SubmissionErasure erasure;

    private String q;
    private String cursor;
    private String id;
    private boolean spam;
    private String eraseEmail;
    private Integer eraseRows;

    private List<StoredSubmission> rows = List.of();
    private String next;
    private StoredSubmission opened;
    private Map<String, String> mailStates = Map.of();

    public void load() {
        try {
            String search = q == null || q.isBlank() ? null : q.strip();
            if (search != null && search.length() > SubmissionAdminResource.MAX_SEARCH) {
                search = search.substring(0, SubmissionAdminResource.MAX_SEARCH);
            }
            SubmissionStore.Cursor after = null;
            if (cursor != null && !cursor.isEmpty()) {
                try {
                    after = SubmissionStore.Cursor.decode(cursor);
                } catch (IllegalArgumentException e) {
                    cursor = null; // an edited link: start from the newest
                }
            }
            List<StoredSubmission> found = store.page(spam, search, after, PAGE + 1);
            rows = List.copyOf(found.size() > PAGE ? found.subList(0, PAGE) : found);
            if (found.size() > PAGE) {
                StoredSubmission last = rows.get(rows.size() - 1);
                next = new SubmissionStore.Cursor(last.receivedAt(), last.id()).encode();
            }
            opened = id == null || id.isEmpty() ? null : store.find(id).orElse(null);
            List<String> ids = new java.util.ArrayList<>(rows.stream().map(StoredSubmission::id).toList());
            if (opened != null) {
                ids.add(opened.id());
            }
            mailStates = redis.states(ids);
        } catch (DatabaseUnavailableException e) {
            message(FacesMessage.SEVERITY_ERROR, "The database is unavailable right now; try again shortly.");
        } catch (QueueUnavailableException e) {
            message(FacesMessage.SEVERITY_WARN, "Redis is unavailable: the mail states are not shown.");
        }
    }

    public String delete(String submissionId) {
        boolean deleted = store.delete(submissionId);
        flash(FacesMessage.SEVERITY_INFO, deleted ? "The submission was deleted." : "That submission was already gone.");
        return "/admin/submissions?faces-redirect=true";
    }

    /** First step of an erasure: shows how many rows hold the address and asks to confirm. */
    public String askToErase() {
        String email = eraseEmail == null ? "" : eraseEmail.strip();
        if (email.isEmpty() || email.length() > 254 || !email.contains("@")) {
            message(FacesMessage.SEVERITY_ERROR, "Enter the e-mail address whose data is to be erased.");
            return null;
        }
        eraseEmail = email;
        eraseRows = erasure.rowsHolding(email);
        return null;
    }

    public String erase() {
        SubmissionErasure.Result result = erasure.erase(eraseEmail.strip());
        flash(FacesMessage.SEVERITY_INFO, "Erased: " + result.rows() + " submissions, " + result.queuedTasks()
                + " waiting tasks, " + result.deadLetters() + " dead letters, " + result.statusRecords()
                + " status records.");
        return "/admin/submissions?faces-redirect=true";
    }

    public String at(StoredSubmission row) {
        return TIME.format(row.receivedAt());
    }

    /** The first line of a message, cut to 80 characters, for the list. */
    public String excerpt(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 79) + "…" : line;
    }

    /** The confirmation mail's state in words, or a dash once Redis no longer has it. */
    public String mail(String submissionId) {
        return Optional.ofNullable(mailStates.get(submissionId)).orElse("—");
    }

    private static void message(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }

    private static void flash(FacesMessage.Severity severity, String text) {
        FacesContext context = FacesContext.getCurrentInstance();
        context.getExternalContext().getFlash().setKeepMessages(true);
        context.addMessage(null, new FacesMessage(severity, text, null));
    }

    public String getQ() {
        return q;
    }

    public void setQ(String q) {
        this.q = q;
    }

    public String getCursor() {
        return cursor;
    }

    public void setCursor(String cursor) {
        this.cursor = cursor;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public boolean isSpam() {
        return spam;
    }

    public void setSpam(boolean spam) {
        this.spam = spam;
    }

    public String getEraseEmail() {
        return eraseEmail;
    }

    public void setEraseEmail(String eraseEmail) {
        this.eraseEmail = eraseEmail;
    }

    public Integer getEraseRows() {
        return eraseRows;
    }

    public List<StoredSubmission> getRows() {
        return rows;
    }

    public String getNext() {
        return next;
    }

    public StoredSubmission getOpened() {
        return opened;
    }
}
