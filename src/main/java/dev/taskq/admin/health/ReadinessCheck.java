package dev.taskq.admin.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The checks of {@code /api/health} for the server's MicroProfile Health readiness endpoint ({@code /health/ready}):
 * Payara has it built in; WildFly with the microprofile-health-smallrye subsystem (standalone-microprofile.xml).
 * Where the API is absent, CDI skips this class and {@code /api/health} still answers.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    HealthReport report;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("taskq");
        boolean up = true;
        for (HealthReport.Check check : report.readiness()) {
            response.withData(check.name(), (check.up() ? "UP: " : "DOWN: ") + check.detail());
            up &= check.up();
        }
        return response.status(up).build();
    }
}
