package dev.taskq.admin;

import dev.taskq.queue.DeadLetter;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/admin/dead-letters}: list the tasks and entries given up on, put a task back on the queue, or delete
 * a dead letter.
 */
@Path("admin/dead-letters")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class DeadLetterResource {

    static final int MAX_LIMIT = 1000;

    @Inject
    RedisTaskQueue queue;

    @GET
    public Response list(@QueryParam("limit") @DefaultValue("100") String limitParam) {
        // Taken as text: JAX-RS answers an unparsable int parameter with a bare 404, not a reason.
        int limit = limitParam.matches("\\d{1,4}") ? Integer.parseInt(limitParam) : -1;
        if (limit < 1 || limit > MAX_LIMIT) {
            return Problem.of(Response.Status.BAD_REQUEST, "limit must be between 1 and " + MAX_LIMIT + ".")
                    .toResponse();
        }
        JsonArrayBuilder letters = Json.createArrayBuilder();
        for (DeadLetter letter : queue.deadLetters(limit)) {
            letters.add(Json.createObjectBuilder()
                    .add("id", String.valueOf(letter.id()))
                    .add("reason", letter.reason())
                    .add("at", letter.at())
                    .add("entry", letter.entry()));
        }
        return Response.ok(letters.build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("{id}/requeue")
    public Response requeue(@PathParam("id") String id) {
        return switch (queue.requeueDeadLetter(id)) {
            case REQUEUED -> Response.accepted(Json.createObjectBuilder().add("id", id).add("status", "queued")
                    .build().toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
            case NOT_FOUND -> notFound();
            case NOT_A_TASK -> Problem.of(Response.Status.CONFLICT,
                    "This dead letter is not a readable task and cannot be re-queued; delete it instead.").toResponse();
        };
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        return queue.deleteDeadLetter(id) ? Response.noContent().build() : notFound();
    }

    private static Response notFound() {
        return Problem.of(Response.Status.NOT_FOUND, "No dead letter with this id.").toResponse();
    }
}
