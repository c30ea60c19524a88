package dev.taskq.storage;

import dev.taskq.rest.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Every state change on the admin API must carry the header {@value #HEADER}: a page on another site cannot send
 * a custom header without the browser asking this server first (CORS preflight, which it never allows), so a
 * logged-in operator's browser cannot be made to erase data.
 */
final class CsrfCheck {

    static final String HEADER = "X-Requested-By";

    private CsrfCheck() {
    }

    static void require(HttpHeaders headers) {
        String value = headers.getHeaderString(HEADER);
        if (value == null || value.isBlank()) {
            throw new WebApplicationException(Problem.of(Response.Status.FORBIDDEN,
                    "State-changing requests must carry the header " + HEADER + " (any value).").toResponse());
        }
    }
}
