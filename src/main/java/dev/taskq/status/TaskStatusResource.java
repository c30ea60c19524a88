package dev.taskq.status;

import dev.taskq.config.TaskqSettings;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskRecord;
import dev.taskq.rest.Problem;
import dev.taskq.web.ClientAddresses;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code GET /api/tasks/{id}}: the task's status record as JSON, or 404; with {@code ?wait=N} (0–30) the answer
 * waits up to N seconds for a final state. {@code GET /api/tasks/{id}/events}: its state changes as
 * Server-Sent Events. Waiting requests and streams are suspended, not parked on a request thread.
 */
@Path("tasks")
@RequestScoped
public class TaskStatusResource {

    static final int MAX_WAIT_SECONDS = 30;
    private static final Pattern WAIT = Pattern.compile("[0-9]{1,2}");
    private static final int RETRY_AFTER_SECONDS = 5;

    @Inject
    RedisTaskQueue queue;

    @Inject
    TaskEventHub hub;

    @Inject
    ClientAddresses clients;

    @Inject
    TaskqSettings settings;

    @GET
    @Path("{id}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public void find(@PathParam("id") String id, @QueryParam("wait") String wait,
                     @Context HttpServletRequest request, @Suspended AsyncResponse response) {
        int seconds = waitSeconds(wait);
        if (seconds < 0) {
            response.resume(Problem.of(Response.Status.BAD_REQUEST,
                    "wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS + ".").toResponse());
            return;
        }
        try {
            if (seconds == 0 || !TaskIds.isWellFormed(id)) {
                response.resume(answer(lookUp(id)));
                return;
            }
            FinalStateWait waiting = new FinalStateWait(id, response, queue, hub.executor());
            response.register((CompletionCallback) failure -> hub.unwatch(id, waiting));
            response.setTimeoutHandler(timedOut -> waiting.answerNow());
            response.setTimeout(seconds, TimeUnit.SECONDS);
            TaskEventHub.Watch watch = hub.watch(id, waiting, "wait|" + clients.of(request),
                    settings.maxWaitsPerClient());
            if (watch != TaskEventHub.Watch.WATCHING) {
                response.resume(refusal(watch, "waiting requests"));
                return;
            }
            if (response.isDone()) {
                // Timed out (or the client left) before it was watched: the completion callback found nothing to
                // remove, so the watch would hold the client's slot for good.
                hub.unwatch(id, waiting);
                return;
            }
            // Watching before looking: a change made in between is not missed.
            waiting.answerIfSettled();
        } catch (QueueUnavailableException e) {
            response.resume(e);
        }
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse,
                       @Context HttpServletRequest request) {
        if (!TaskIds.isWellFormed(id)) {
            throw new WebApplicationException(answer(Optional.empty()));
        }
        TaskEventStream stream = new TaskEventStream(id, sink, sse, queue, hub);
        TaskEventHub.Watch watch = hub.watch(id, stream, "stream|" + clients.of(request),
                settings.maxStreamsPerClient());
        if (watch != TaskEventHub.Watch.WATCHING) {
            throw new WebApplicationException(refusal(watch, "open event streams"));
        }
        Optional<TaskRecord> task;
        try {
            // Watching before looking: a change made in between is not missed.
            task = queue.find(id);
        } catch (QueueUnavailableException e) {
            hub.unwatch(id, stream);
            throw e;
        }
        if (task.isEmpty()) {
            hub.unwatch(id, stream);
            throw new WebApplicationException(answer(task));
        }
        stream.start(task.get());
    }

    /** The answer of a plain GET: the record, or 404. */
    static Response answer(Optional<TaskRecord> task) {
        if (task.isEmpty()) {
            return Problem.of(Response.Status.NOT_FOUND, "No task with this id (finished tasks expire).").toResponse();
        }
        return Response.ok(toJson(task.get()), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Optional<TaskRecord> lookUp(String id) {
        return TaskIds.isWellFormed(id) ? queue.find(id) : Optional.empty();
    }

    /** The {@code wait} parameter in seconds: 0 when absent, -1 when not a whole number from 0 to 30. */
    static int waitSeconds(String wait) {
        if (wait == null) {
            return 0;
        }
        if (!WAIT.matcher(wait).matches()) {
            return -1;
        }
        int seconds = Integer.parseInt(wait);
        return seconds <= MAX_WAIT_SECONDS ? seconds : -1;
    }

    private static Response refusal(TaskEventHub.Watch watch, String what) {
        Problem problem = watch == TaskEventHub.Watch.CLIENT_BUSY
                ? Problem.of(Response.Status.TOO_MANY_REQUESTS,
                        "Your network address holds too many " + what + " on this server; close some and retry.")
                : Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                        "Too many clients are following tasks on this server right now; please retry.");
        return problem.toResponseBuilder().header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    static String toJson(TaskRecord task) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("id", task.id())
                .add("type", task.type())
                .add("status", task.state().wireName())
                .add("attempts", task.attempts());
        addIfPresent(json, "createdAt", task.createdAt());
        addIfPresent(json, "startedAt", task.startedAt());
        addIfPresent(json, "finishedAt", task.finishedAt());
        addIfPresent(json, "waitingFor", task.waitingFor());
        addIfPresent(json, "waitingSince", task.waitingSince());
        addIfPresent(json, "result", task.result());
        // A plain reason only: the recorded errors name hosts, ports and replies (admin API and console only).
        addIfPresent(json, "reason", PublicStatus.reason(task));
        return json.build().toString();
    }

    private static void addIfPresent(JsonObjectBuilder json, String name, Object value) {
        if (value != null) {
            json.add(name, value.toString());
        }
    }
}
