package dev.taskq.status;

import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskRecord;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;

/** {@code GET /api/tasks/{id}}: the task's status record as JSON, or 404. */
@Path("tasks")
@RequestScoped
public class TaskStatusResource {

    @Inject
    RedisTaskQueue queue;

    @GET
    @Path("{id}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response find(@PathParam("id") String id) {
        Optional<TaskRecord> task = TaskIds.isWellFormed(id) ? queue.find(id) : Optional.empty();
        if (task.isEmpty()) {
            return Problem.of(Response.Status.NOT_FOUND, "No task with this id (finished tasks expire).").toResponse();
        }
        return Response.ok(toJson(task.get()), MediaType.APPLICATION_JSON_TYPE).build();
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
        addIfPresent(json, "result", task.result());
        addIfPresent(json, "error", task.error());
        if (!task.errors().isEmpty()) {
            json.add("errors", Json.createArrayBuilder(task.errors()));
        }
        return json.build().toString();
    }

    private static void addIfPresent(JsonObjectBuilder json, String name, Object value) {
        if (value != null) {
            json.add(name, value.toString());
        }
    }
}
