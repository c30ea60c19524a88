package dev.taskq.storage;

import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;

/**
 * {@code POST /api/admin/erasures} with {@code {"email": …}}: removes every kept submission with that address, and
 * in Redis every waiting task, dead letter and status record holding it; answers how many of each.
 */
@Path("admin/erasures")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class ErasureResource {

    static final int MAX_BODY = 1024;
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    SubmissionErasure erasure;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response erase(String body) {
        String email = email(body);
        SubmissionErasure.Result erased = erasure.erase(email);
        return Response.ok(JSON.createObjectBuilder()
                .add("rows", erased.rows())
                .add("queuedTasks", erased.queuedTasks())
                .add("deadLetters", erased.deadLetters())
                .add("statusRecords", erased.statusRecords())
                .build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    static String email(String body) {
        if (body == null || body.length() > MAX_BODY) {
            throw SubmissionAdminResource.badRequest("The body must be a JSON object {\"email\": …} of at most "
                    + MAX_BODY + " characters.");
        }
        JsonValue email;
        try {
            JsonObject object = JSON.createReader(new StringReader(body)).readObject();
            email = object.get("email");
        } catch (JsonException | ClassCastException e) {
            throw SubmissionAdminResource.badRequest("The body must be a JSON object {\"email\": …}.");
        }
        if (!(email instanceof JsonString text) || text.getString().isBlank() || text.getString().length() > 254
                || !text.getString().contains("@")) {
            throw SubmissionAdminResource.badRequest("email must be an e-mail address (at most 254 characters).");
        }
        return text.getString().strip();
    }
}
