package dev.taskq.admin.console;

import dev.taskq.queue.QueueControl;
import dev.taskq.queue.QueueStats;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tasks page: look a task up by id (its whole status record, with every attempt's error and time), the latest
 * failed attempts, and the tasks waiting for a retry, each of which can be run now.
 */
@Named("tasks")
@ViewScoped
public class TasksPage implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int SHOWN = 50;
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    @Inject
    QueueStats stats;

    @Inject
    QueueControl control;

    private String id;
    private Map<String, String> record = Map.of();
    private List<QueueStats.Retrying> retrying;
    private transient List<JsonObject> failures;

    /** Runs on every request of the view (f:viewAction with onPostback). */
    public void load() {
        if (id != null && !id.isBlank()) {
            id = id.trim();
            if (!TASK_ID.matcher(id).matches()) {
                message(FacesMessage.SEVERITY_ERROR, "A task id is letters, digits and '-', at most 64.");
                record = Map.of();
            } else {
                record = stats.record(id);
                if (record.isEmpty()) {
                    message(FacesMessage.SEVERITY_WARN, "No task with this id (or its record has expired).");
                }
            }
        }
        retrying = stats.retrying(SHOWN);
        failures = stats.recentFailures(SHOWN);
    }

    public String retryNow(String taskId) {
        QueueStats.Retrying task = retrying.stream().filter(one -> one.id().equals(taskId)).findFirst().orElse(null);
        if (task != null && control.retryNow(task)) {
            message(FacesMessage.SEVERITY_INFO, "Task " + taskId + " is queued again, next to be taken.");
        } else {
            message(FacesMessage.SEVERITY_WARN, "Task " + taskId + " was no longer waiting for a retry.");
        }
        retrying = stats.retrying(SHOWN);
        return null;
    }

    public List<Map.Entry<String, String>> getRecord() {
        return List.copyOf(record.entrySet());
    }

    public List<QueueStats.Retrying> getRetrying() {
        return retrying;
    }

    public List<JsonObject> getFailures() {
        if (failures == null) {
            failures = stats.recentFailures(SHOWN);
        }
        return failures;
    }

    public String at(String stored) {
        return Formats.instant(stored);
    }

    public String due(QueueStats.Retrying task) {
        return Formats.instant(task.due());
    }

    public String text(JsonObject object, String name) {
        return object.containsKey(name) && !object.isNull(name)
                ? object.get(name) instanceof jakarta.json.JsonString s ? s.getString() : object.get(name).toString()
                : "";
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    static void message(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }
}
