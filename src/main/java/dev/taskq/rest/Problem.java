package dev.taskq.rest;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/** Builds an RFC 9457 problem response: {@code {type, title, status, detail, errors?}}. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";

    private final int status;
    private final JsonObjectBuilder body;
    private JsonArrayBuilder errors;

    private Problem(int status, String title, String detail) {
        this.status = status;
        this.body = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
    }

    public static Problem of(Response.StatusType status, String detail) {
        return new Problem(status.getStatusCode(), status.getReasonPhrase(), detail);
    }

    /** Adds a field-level error, listed under {@code errors}. */
    public Problem fieldError(String field, String message) {
        if (errors == null) {
            errors = Json.createArrayBuilder();
        }
        errors.add(Json.createObjectBuilder().add("field", field).add("message", message));
        return this;
    }

    public Response.ResponseBuilder toResponseBuilder() {
        if (errors != null) {
            body.add("errors", errors);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
    }

    public Response toResponse() {
        return toResponseBuilder().build();
    }
}
