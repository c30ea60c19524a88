package dev.taskq.rest;

import dev.taskq.queue.QueueUnavailableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/** Redis is down: answer 503 with Retry-After, so clients know to come back. */
@Provider
public class QueueUnavailableMapper implements ExceptionMapper<QueueUnavailableException> {

    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(QueueUnavailableMapper.class.getName());

    @Override
    public Response toResponse(QueueUnavailableException exception) {
        LOG.warning(() -> "Answering 503: " + exception.getCause());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                        "The task queue is unavailable right now. Please retry.")
                .toResponseBuilder()
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .build();
    }
}
