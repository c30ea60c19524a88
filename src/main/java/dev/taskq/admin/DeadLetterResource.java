package dev.taskq.admin;

import dev.taskq.queue.DeadLetter;
import dev.taskq.queue.DeadLetters;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
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
 * {@code /api/admin/dead-letters}: page through the tasks and entries given up on (newest first), put one, all, or
 * all with one reason back on the queue, or delete one. Each acts only on letters still there.
 */
@Path("admin/dead-letters")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class DeadLetterResource {

    static final int MAX_LIMIT = 1000;
    /** Longer than any reason a consumer stores, short enough to bound the work of matching. */
    static final int MAX_REASON = 2000;
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    DeadLetters deadLetters;

    @GET
    public Response list(@QueryParam("limit") @DefaultValue("100") String limitParam,
                         @QueryParam("offset") @DefaultValue("0") String offsetParam) {
        // Taken as text: JAX-RS answers an unparsable int parameter with a bare 404, not a reason.
        int limit = limitParam.matches("\\d{1,4}") ? Integer.parseInt(limitParam) : -1;
        if (limit < 1 || limit > MAX_LIMIT) {
            return Problem.of(Response.Status.BAD_REQUEST, "limit must be between 1 and " + MAX_LIMIT + ".")
                    .toResponse();
        }
        if (!offsetParam.matches("\\d{1,9}")) {
            return Problem.of(Response.Status.BAD_REQUEST, "offset must be a number from 0 to 999999999.")
                    .toResponse();
        }
        DeadLetters.Page page = deadLetters.page(Integer.parseInt(offsetParam), limit);
        JsonArrayBuilder letters = JSON.createArrayBuilder();
        for (DeadLetter letter : page.letters()) {
            letters.add(JSON.createObjectBuilder()
                    .add("id", String.valueOf(letter.id()))
                    .add("reason", letter.reason())
                    .add("at", letter.at())
                    .add("entry", letter.entry()));
        }
        return Response.ok(letters.build().toString(), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Total-Count", page.total()).build();
    }

    @POST
    @Path("{id}/requeue")
    public Response requeue(@PathParam("id") String id) {
        return switch (deadLetters.requeue(id)) {
            case REQUEUED -> Response.accepted(JSON.createObjectBuilder().add("id", id).add("status", "queued")
                    .build().toString()).type(MediaType.APPLICATION_JSON_TYPE).build();
            case NOT_FOUND -> notFound();
            case NOT_A_TASK -> Problem.of(Response.Status.CONFLICT,
                    "This dead letter is not a readable task and cannot be re-queued; delete it instead.").toResponse();
        };
    }

    /**
     * Re-queues every dead letter, or with {@code ?reason=…} those whose reason is exactly that, oldest first, up to
     * {@value DeadLetters#MAX_PER_REQUEST} per request ({@code more} says whether to ask again).
     */
    @POST
    @Path("requeue")
    public Response requeueAll(@QueryParam("reason") @DefaultValue("") String reason) {
        if (reason.length() > MAX_REASON) {
            return Problem.of(Response.Status.BAD_REQUEST, "reason must be at most " + MAX_REASON + " characters.")
                    .toResponse();
        }
        DeadLetters.Bulk bulk = deadLetters.requeueAll(reason);
        return Response.ok(JSON.createObjectBuilder()
                .add("requeued", bulk.requeued())
                .add("skipped", bulk.skipped())
                .add("more", bulk.more())
                .build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        return deadLetters.delete(id) ? Response.noContent().build() : notFound();
    }

    private static Response notFound() {
        return Problem.of(Response.Status.NOT_FOUND, "No dead letter with this id.").toResponse();
    }
}
