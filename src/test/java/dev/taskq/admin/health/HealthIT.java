package dev.taskq.admin.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** {@code /api/health} on a deployment with a Redis of its own, stopped and started by the test. */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class HealthIT {

    private static final int PORT = TestServers.freePort();
    private static final Path DATA = Path.of("target", "redis-health-" + PORT);

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "health", managed = false, testable = false)
    static WebArchive health() {
        return Deployments.war("health", "redis://127.0.0.1:" + PORT);
    }

    @Test
    void readinessIs503WhileRedisIsDownAnd200After() throws Exception {
        RedisServer redis = TestServers.startRedis(PORT, DATA);
        deployer.deploy("health");
        try {
            Http http = new Http(Deployments.url("health"));
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("api/health").statusCode() == 200);
            assertEquals("UP", json(http.get("api/health")).getString("status"));

            redis.stop();
            HttpResponse<String> down = http.get("api/health");
            assertEquals(503, down.statusCode(), down.body());
            JsonObject checks = json(down).getJsonObject("checks");
            assertEquals("DOWN", checks.getJsonObject("redis").getString("status"), down.body());
            assertEquals(200, http.get("api/health/live").statusCode(), "alive all the same");

            redis = TestServers.startRedis(PORT, DATA);
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("api/health").statusCode() == 200);
        } finally {
            deployer.undeploy("health");
            redis.stop();
        }
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
