package dev.taskq.storage;

import dev.taskq.rest.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/** The database is down: the admin API answers 503 with Retry-After. */
@Provider
public class DatabaseUnavailableMapper implements ExceptionMapper<DatabaseUnavailableException> {

    private static final Logger LOG = Logger.getLogger(DatabaseUnavailableMapper.class.getName());

    @Override
    public Response toResponse(DatabaseUnavailableException exception) {
        LOG.warning(() -> "Answering 503, database unreachable: " + exception.getCause().getClass().getName());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "The database is unavailable right now. Please retry.")
                .toResponseBuilder()
                .header(HttpHeaders.RETRY_AFTER, 5)
                .build();
    }
}
