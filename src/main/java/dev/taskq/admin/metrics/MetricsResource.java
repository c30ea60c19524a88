package dev.taskq.admin.metrics;

import dev.taskq.admin.RealmLogin;
import dev.taskq.config.TaskqSettings;
import dev.taskq.rest.Problem;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Optional;

/**
 * {@code /api/metrics}: the queue's figures in the Prometheus text format, read from Redis at each scrape. Open, or
 * for callers in the role named by {@code taskq.metrics.access}, who authenticate with HTTP Basic against the
 * server's realm (checked here, because whether a role is needed is a setting, not a web.xml constraint).
 */
@Path("metrics")
@RequestScoped
public class MetricsResource {

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    @Inject
    TaskqSettings settings;

    @Inject
    QueueMetrics metrics;

    @Context
    HttpServletRequest request;

    @GET
    public Response scrape() {
        Optional<String> role = settings.metricsRole();
        if (role.isPresent()) {
            switch (RealmLogin.checkBasic(request, role.get())) {
                case WRONG_CREDENTIALS -> {
                    return Problem.of(Response.Status.UNAUTHORIZED, "Metrics need a user in the role " + role.get()
                            + " (HTTP Basic).").toResponseBuilder()
                            .header("WWW-Authenticate", "Basic realm=\"taskq metrics\", charset=\"UTF-8\"").build();
                }
                case NOT_IN_ROLE -> {
                    return Problem.of(Response.Status.FORBIDDEN, "This user is not in the role " + role.get() + ".")
                            .toResponse();
                }
                case ACCEPTED -> {
                    // Go on.
                }
            }
        }
        var snapshots = metrics.collect();
        StreamingOutput body = out -> WRITER.write(out, snapshots);
        return Response.ok(body, WRITER.getContentType()).header("Cache-Control", "no-store").build();
    }
}
