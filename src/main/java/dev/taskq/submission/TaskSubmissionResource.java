package dev.taskq.submission;

import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.TaskState;
import dev.taskq.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import dev.taskq.web.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * {@code POST /api/submissions}: accepts a submission as JSON and answers 202 with the task's address. An
 * {@code Idempotency-Key} header (draft-ietf-httpapi-idempotency-key-header) makes retries safe: the same key
 * within 24 h answers with the same task, with a different body 422.
 */
@Path("submissions")
@RequestScoped
public class TaskSubmissionResource {

    // Json.createX() looks the JSON-P provider up on every call (a class-path scan on Payara, most of a task's CPU
    // time in the benchmark): look it up once.
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Largest accepted body: far above three valid fields, small enough to hold in memory. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Response.StatusType TOO_MANY_REQUESTS = Response.Status.TOO_MANY_REQUESTS;
    private static final Response.StatusType UNPROCESSABLE = new Response.StatusType() {
        @Override
        public int getStatusCode() {
            return 422;
        }

        @Override
        public Response.Status.Family getFamily() {
            return Response.Status.Family.CLIENT_ERROR;
        }

        @Override
        public String getReasonPhrase() {
            return "Unprocessable Content";
        }
    };
    private static final int UNAVAILABLE_RETRY_SECONDS = 5;
    private static final int BUSY_RETRY_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(TaskSubmissionResource.class.getName());

    @Inject
    SubmissionService service;

    @Inject
    ClientAddresses clients;

    @Context
    UriInfo uriInfo;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response submit(InputStream body, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                           @Context HttpServletRequest request) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "The body must be at most " + MAX_BODY_BYTES + " bytes.").toResponse();
        }
        String key = null;
        if (idempotencyKey != null) {
            key = IdempotencyKeys.parse(idempotencyKey);
            if (key == null) {
                return Problem.of(Response.Status.BAD_REQUEST, "The Idempotency-Key header must be a string of 1 to "
                        + IdempotencyKeys.MAX_LENGTH + " visible ASCII characters, e.g. a UUID in quotes.")
                        .toResponse();
            }
        }
        SubmissionOutcome outcome;
        try {
            outcome = service.submit(SubmissionJson.parse(bytes), new SubmissionContext(clients.of(request),
                    key == null ? null : "api:" + key, false));
        } catch (SubmissionJson.MalformedBodyException e) {
            return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
        } catch (InvalidSubmissionException e) {
            Problem problem = Problem.of(Response.Status.BAD_REQUEST, "The submission has invalid fields.");
            e.errors().forEach(error -> problem.fieldError(error.field(), error.message()));
            return problem.toResponse();
        } catch (QueueUnavailableException e) {
            LOG.warning(() -> "Answering 503 to a submission: " + e.getCause());
            return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "The task queue did not answer, so it is not"
                            + " known whether the submission was stored. Send it again with the same Idempotency-Key"
                            + " header and it is stored once; without one, a second try may send a second mail.")
                    .toResponseBuilder()
                    .header(HttpHeaders.RETRY_AFTER, UNAVAILABLE_RETRY_SECONDS)
                    .build();
        }
        if (outcome instanceof SubmissionOutcome.Accepted accepted) {
            return accepted(accepted.taskId());
        } else if (outcome instanceof SubmissionOutcome.LimitReached reached) {
            String detail = reached.limit() == SubmissionOutcome.Limit.RECIPIENT
                    ? "Too many messages were sent to this address recently; nothing was stored."
                    : "Too many messages were sent from your network address recently; nothing was stored.";
            return Problem.of(TOO_MANY_REQUESTS, detail + " Please try again later.")
                    .toResponseBuilder()
                    .header(HttpHeaders.RETRY_AFTER, seconds(reached.retryAfter()))
                    .build();
        } else if (outcome instanceof SubmissionOutcome.KeyReused) {
            return Problem.of(UNPROCESSABLE, "This Idempotency-Key was already used with a different submission;"
                    + " nothing was stored. Use a new key for a new submission.").toResponse();
        } else if (outcome instanceof SubmissionOutcome.Busy) {
            return Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                            "Too many messages are waiting to be sent; nothing was stored. Please try again later.")
                    .toResponseBuilder()
                    .header(HttpHeaders.RETRY_AFTER, BUSY_RETRY_SECONDS)
                    .build();
        }
        throw new IllegalStateException("The API never takes the honeypot: " + outcome);
    }

    private Response accepted(String taskId) {
        URI location = uriInfo.getBaseUriBuilder().path("tasks").path(taskId).build();
        String entity = JSON.createObjectBuilder()
                .add("id", taskId)
                .add("status", TaskState.QUEUED.wireName())
                .add("statusUrl", location.toString())
                .build().toString();
        return Response.accepted(entity).type(MediaType.APPLICATION_JSON_TYPE).location(location).build();
    }

    /** Whole seconds, rounded up, at least 1: what Retry-After carries. */
    static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
