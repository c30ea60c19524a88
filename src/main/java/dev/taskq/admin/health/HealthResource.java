package dev.taskq.admin.health;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code /api/health} (ready: 200, else 503) and {@code /api/health/live} for load balancers and orchestrators, the
 * same on every server (the server's own MicroProfile Health endpoints, where present, answer from the same checks).
 * Open to anyone: it tells only up or down and why, no queue contents.
 */
@Path("health")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    HealthReport report;

    @GET
    public Response ready() {
        return answer(report.readiness());
    }

    @GET
    @Path("live")
    public Response live() {
        return answer(List.of(report.liveness()));
    }

    private static Response answer(List<HealthReport.Check> checks) {
        boolean up = checks.stream().allMatch(HealthReport.Check::up);
        JsonObjectBuilder body = JSON.createObjectBuilder().add("status", up ? "UP" : "DOWN");
        JsonObjectBuilder each = JSON.createObjectBuilder();
        checks.forEach(check -> each.add(check.name(), JSON.createObjectBuilder()
                .add("status", check.up() ? "UP" : "DOWN").add("detail", check.detail())));
        body.add("checks", each);
        return Response.status(up ? 200 : 503).entity(body.build().toString()).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }
}
