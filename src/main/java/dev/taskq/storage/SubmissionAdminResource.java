package dev.taskq.storage;

import dev.taskq.queue.RedisSubmissionData;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/admin/submissions}: the kept submissions, newest first, paged by an opaque cursor and searchable;
 * one submission; deleting one. Each item carries the state of its confirmation mail while Redis still has it.
 */
@Path("admin/submissions")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class SubmissionAdminResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final int MAX_SEARCH = 200;
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    SubmissionStore store;

    @Inject
    RedisSubmissionData redis;

    @GET
    public Response list(@QueryParam("limit") String limitParam, @QueryParam("cursor") String cursorParam,
                         @QueryParam("q") String q, @QueryParam("spam") String spamParam) {
        int limit = limit(limitParam);
        SubmissionStore.Cursor after = cursor(cursorParam);
        // One more than asked for tells whether there is a next page.
        List<StoredSubmission> rows = store.page(spam(spamParam), search(q), after, limit + 1);
        boolean more = rows.size() > limit;
        List<StoredSubmission> page = more ? rows.subList(0, limit) : rows;
        Map<String, String> mailStates = redis.states(page.stream().map(StoredSubmission::id).toList());
        JsonArrayBuilder items = JSON.createArrayBuilder();
        page.forEach(row -> items.add(json(row, mailStates.get(row.id()))));
        JsonObjectBuilder body = JSON.createObjectBuilder().add("items", items);
        if (more) {
            StoredSubmission last = page.get(page.size() - 1);
            body.add("next", new SubmissionStore.Cursor(last.receivedAt(), last.id()).encode());
        } else {
            body.addNull("next");
        }
        return Response.ok(body.build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        return store.find(id)
                .map(row -> Response.ok(json(row, redis.states(List.of(id)).get(id)).toString(),
                        MediaType.APPLICATION_JSON_TYPE).build())
                .orElseGet(SubmissionAdminResource::notFound);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        return store.delete(id) ? Response.noContent().build() : notFound();
    }

    static JsonObject json(StoredSubmission row, String mailState) {
        JsonObjectBuilder mail = JSON.createObjectBuilder();
        if (mailState == null) {
            mail.addNull("status");
        } else {
            mail.add("status", mailState);
        }
        return JSON.createObjectBuilder()
                .add("id", row.id())
                .add("name", row.name())
                .add("email", row.email())
                .add("message", row.message())
                .add("receivedAt", row.receivedAt().toString())
                .add("spam", row.spam())
                .add("mail", mail)
                .build();
    }

    static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        int limit = text.matches("\\d{1,4}") ? Integer.parseInt(text) : -1;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw badRequest("limit must be between 1 and " + MAX_LIMIT + ".");
        }
        return limit;
    }

    static SubmissionStore.Cursor cursor(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return SubmissionStore.Cursor.decode(text);
        } catch (IllegalArgumentException e) {
            throw badRequest("cursor is not one this API gave out.");
        }
    }

    /** A search term, or null for none. */
    static String search(String q) {
        if (q == null || q.isBlank()) {
            return null;
        }
        if (q.length() > MAX_SEARCH) {
            throw badRequest("q must be at most " + MAX_SEARCH + " characters.");
        }
        return q.strip();
    }

    static boolean spam(String text) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw badRequest("spam must be true or false.");
    }

    static WebApplicationException badRequest(String detail) {
        return new WebApplicationException(Problem.of(Response.Status.BAD_REQUEST, detail).toResponse());
    }

    private static Response notFound() {
        return Problem.of(Response.Status.NOT_FOUND, "No submission with this id.").toResponse();
    }
}
