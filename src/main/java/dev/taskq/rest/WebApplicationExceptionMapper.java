package dev.taskq.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * JAX-RS' own errors (404, 405, 406, 415 …) as problem+json, keeping headers such as {@code Allow}; a problem the
 * application threw inside a WebApplicationException goes out as it is.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        if (original.hasEntity() && Problem.MEDIA_TYPE.equals(String.valueOf(original.getMediaType()))) {
            return original; // already a problem built by the application, with its own detail
        }
        Response.StatusType status = original.getStatusInfo();
        Response.ResponseBuilder problem = Problem.of(status, status.getReasonPhrase()).toResponseBuilder();
        original.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(value -> problem.header(name, value));
            }
        });
        return problem.build();
    }
}
