package dev.taskq.admin.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The same checks as {@code /api/health}, for the server's MicroProfile Health endpoints ({@code /health/ready},
 * {@code /health/live}): Payara has them built in; WildFly with the microprofile-health-smallrye subsystem
 * (standalone-microprofile.xml). Where the API is absent, CDI skips this class and {@code /api/health} still answers.
 */
@ApplicationScoped
public class MicroProfileHealthChecks {

    @Inject
    HealthReport report;

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("taskq");
            boolean up = true;
            for (HealthReport.Check check : report.readiness()) {
                response.withData(check.name(), (check.up() ? "UP: " : "DOWN: ") + check.detail());
                up &= check.up();
            }
            return response.status(up).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> {
            HealthReport.Check check = report.liveness();
            return HealthCheckResponse.named("taskq-worker").withData(check.name(), check.detail())
                    .status(check.up()).build();
        };
    }
}
