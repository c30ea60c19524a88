package dev.taskq.status;

import dev.taskq.i18n.Languages;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskRecord;
import dev.taskq.queue.TaskState;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;

/** Backs {@code submitted.xhtml}: the state of one task, in plain words (kept up to date by {@code task-status.js}). */
@Named
@RequestScoped
public class TaskStatusView {

    @Inject
    RedisTaskQueue queue;

    @Inject
    FacesContext faces;

    private String id;
    private TaskRecord task;

    /** Faces view action: loads the task named by the {@code id} parameter; unknown ids answer 404. */
    public void load() {
        if (id == null) {
            return; // the plain thank-you page, without a task to show
        }
        Optional<TaskRecord> found = TaskIds.isWellFormed(id) ? queue.find(id) : Optional.empty();
        task = found.orElse(null);
        if (task == null) {
            faces.getExternalContext().setResponseStatus(404);
        }
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    /** No task id was given: a plain "received" page (what a submission taken for spam is shown, too). */
    public boolean isReceivedOnly() {
        return id == null;
    }

    public boolean isFound() {
        return task != null;
    }

    /** The state's wire name, for styling and scripts. */
    public String getState() {
        return task == null ? "" : task.state().wireName();
    }

    /** Whether the state is final, so there is nothing left to follow. */
    public boolean isFinished() {
        return task != null && task.state().isFinal();
    }

    /**
     * Every state's words as JSON ({@code {"queued": "Waiting to be sent", …}}), for the script that follows the
     * task live: the words are written here only.
     */
    public String getStateTextsJson() {
        JsonObjectBuilder texts = Json.createObjectBuilder();
        for (TaskState state : TaskState.values()) {
            texts.add(state.wireName(), describe(state, locale()));
        }
        return texts.build().toString();
    }

    public String getStateText() {
        if (task == null) {
            return "";
        }
        return describe(task.state(), locale());
    }

    /** The state in the visitor's words (the page's language); a state without words shows its wire name. */
    static String describe(TaskState state, Locale locale) {
        ResourceBundle words = Languages.messages(locale);
        String key = "state." + state.wireName();
        return words.containsKey(key) ? words.getString(key) : state.wireName();
    }

    private Locale locale() {
        return faces.getViewRoot() == null ? Languages.SUPPORTED.get(0) : faces.getViewRoot().getLocale();
    }
}
