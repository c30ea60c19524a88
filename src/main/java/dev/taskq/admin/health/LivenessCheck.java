package dev.taskq.admin.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** The liveness of {@code /api/health/live} for MicroProfile Health's {@code /health/live} (see ReadinessCheck). */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    HealthReport report;

    @Override
    public HealthCheckResponse call() {
        HealthReport.Check check = report.liveness();
        return HealthCheckResponse.named("taskq-worker").withData(check.name(), check.detail()).status(check.up())
                .build();
    }
}
