package dev.taskq.submission;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskState;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/** {@code POST /api/submissions}: accepts a submission as JSON and answers 202 with the task's address. */
@Path("submissions")
@RequestScoped
public class TaskSubmissionResource {

    // Json.createX() looks the JSON-P provider up on every call (a class-path scan on Payara, most of a task's CPU
    // time in the benchmark): look it up once.
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Largest accepted body: far above three valid fields, small enough to hold in memory. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    @Inject
    SubmissionService service;

    @Context
    UriInfo uriInfo;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response submit(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "The body must be at most " + MAX_BODY_BYTES + " bytes.").toResponse();
        }
        Task task;
        try {
            task = service.submit(SubmissionJson.parse(bytes));
        } catch (SubmissionJson.MalformedBodyException e) {
            return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
        } catch (InvalidSubmissionException e) {
            Problem problem = Problem.of(Response.Status.BAD_REQUEST, "The submission has invalid fields.");
            e.errors().forEach(error -> problem.fieldError(error.field(), error.message()));
            return problem.toResponse();
        }
        URI location = uriInfo.getBaseUriBuilder().path("tasks").path(task.id()).build();
        String entity = JSON.createObjectBuilder()
                .add("id", task.id())
                .add("status", TaskState.QUEUED.wireName())
                .add("statusUrl", location.toString())
                .build().toString();
        return Response.accepted(entity).type(MediaType.APPLICATION_JSON_TYPE).location(location).build();
    }
}
