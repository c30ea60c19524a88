package dev.taskq.admin.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.TestUsers;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * {@code /api/metrics} read by a strict text-format parser ({@link PrometheusText}), on a deployment with a key
 * prefix of its own, so every counter starts at 0 and must equal what the test did.
 */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class MetricsIT {

    private static final String PREFIX = "metricsit";
    private static final String SCRAPER = TestUsers.METRICS.name();
    private static final String VISITOR = TestUsers.VISITOR.name();
    private static final String PASSWORD = TestUsers.PASSWORD;
    private static final String TYPE = "confirmation-mail";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("metrics", TestServers.get().redisUrl(),
                "taskq.key-prefix=" + PREFIX + "\ntaskq.metrics.access=taskq-metrics\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void onlyTheConfiguredRoleMayScrape() throws Exception {
        HttpResponse<String> anonymous = new Http(base).get("api/metrics");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, new Http(base).as(SCRAPER, "wrong").get("api/metrics").statusCode());
        assertEquals(403, new Http(base).as(VISITOR, PASSWORD).get("api/metrics").statusCode());
        assertEquals(200, new Http(base).as(SCRAPER, PASSWORD).get("api/metrics").statusCode());
    }

    @Test
    void theCountersAreWhatTheTestDid() throws Exception {
        Http http = new Http(base);
        String domain = UUID.randomUUID() + ".example.com";
        int tasks = 12;
        for (int i = 0; i < tasks; i++) {
            HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                    .add("name", "M" + i).add("email", "m" + i + "@" + domain).add("message", "counted").build()
                    .toString());
            assertEquals(202, accepted.statusCode(), accepted.body());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Mailbox.countToDomain(domain) == tasks);
        Map<String, String> queue = Map.of("queue", PREFIX, "type", TYPE);
        await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(), "taskq_tasks_succeeded_total", queue)
                == tasks);

        // Each submission is two tasks, its mail and the one that stores it (issue 15): wait for both kinds.
        Map<String, String> everyType = Map.of("queue", PREFIX);
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().get("taskq_run_time_seconds")
                .value("taskq_run_time_seconds_count", everyType).orElse(0.0) == 2 * tasks);

        Map<String, PrometheusText.Family> metrics = scrape();
        assertEquals(tasks, value(metrics, "taskq_tasks_enqueued_total", queue));
        assertEquals(tasks, value(metrics, "taskq_tasks_succeeded_total", queue));
        assertEquals(0, value(metrics, "taskq_task_attempts_failed_total", queue));
        assertEquals(0, value(metrics, "taskq_tasks_dead_total", queue));
        Map<String, String> onlyQueue = Map.of("queue", PREFIX);
        assertEquals(2 * tasks, metrics.get("taskq_queue_time_seconds")
                .value("taskq_queue_time_seconds_count", onlyQueue).orElseThrow());
        assertEquals(2 * tasks, metrics.get("taskq_run_time_seconds")
                .value("taskq_run_time_seconds_count", onlyQueue).orElseThrow());
        assertEquals(0, metrics.get("taskq_tasks").value("taskq_tasks", Map.of("queue", PREFIX, "state", "queued"))
                .orElseThrow());
        assertEquals(3, metrics.get("taskq_consumers")
                .value("taskq_consumers", Map.of("queue", PREFIX, "state", "live")).orElseThrow());
        assertEquals(0, metrics.get("taskq_paused").value("taskq_paused", onlyQueue).orElseThrow());
    }

    @Test
    void theOverviewApiAndPauseAreForAdminsWithBasic() throws Exception {
        assertEquals(401, new Http(base).get("api/admin/overview").statusCode());
        assertEquals(403, new Http(base).as(SCRAPER, PASSWORD).get("api/admin/overview").statusCode(),
                "the metrics role is not an admin");
    }

    private Map<String, PrometheusText.Family> scrape() throws Exception {
        HttpResponse<String> response = new Http(base).as(SCRAPER, PASSWORD).get("api/metrics");
        assertEquals(200, response.statusCode(), response.body());
        String type = response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
        assertTrue(type.startsWith("text/plain;") && type.contains("version=0.0.4"), type);
        return PrometheusText.parse(response.body());
    }

    private static double value(Map<String, PrometheusText.Family> metrics, String name, Map<String, String> labels) {
        // A counter without any series yet has no family in the exposition at all.
        PrometheusText.Family family = metrics.get(name);
        return family == null ? 0 : family.value(name, labels).orElse(0.0);
    }

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
