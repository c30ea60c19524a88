package dev.taskq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.queue.Task;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** Redis (append-only, fsync always) stopped and restarted in the middle of a run: every accepted task is mailed, once. */
@TaskqIT
@Tag("slow") // about a minute of outage or restart: on embedded Payara and Payara Server only (see pom.xml)
class RedisOutageIT {

    private static final int PORT = TestServers.freePort();
    private static final Path DATA = Path.of("target", "redis-outage-" + PORT);

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "outage", managed = false, testable = false)
    static WebArchive outage() {
        return Deployments.war("outage", "redis://127.0.0.1:" + PORT);
    }

    @Test
    void everyAcceptedTaskIsDeliveredOnceAcrossARedisRestart() throws Exception {
        RedisServer redis = TestServers.startRedis(PORT, DATA, true);
        deployer.deploy("outage");
        try {
            Http http = new Http(Deployments.url("outage"));
            String domain = UUID.randomUUID() + ".example.com";
            List<String> accepted = new ArrayList<>();
            List<URI> tasks = new ArrayList<>();
            int refused = 0;
            long backlogAtStop = 0;
            for (int i = 0; i < 300; i++) {
                if (i == 100) {
                    // A backlog that the outage must not lose: 200 tasks straight into the queue, then stop.
                    try (RedisProbe probe = new RedisProbe(PORT)) {
                        for (int j = 0; j < 200; j++) {
                            String email = "backlog" + j + "@" + domain;
                            Task task = TestTasks.push(probe.jedis(), RedisProbe.PREFIX + "ready",
                                    "confirmation-mail", TestTasks.mail("B" + j, email, "backlog"));
                            accepted.add(email);
                            tasks.add(http.resolve("api/tasks/" + task.id()));
                        }
                        backlogAtStop = probe.readyCount();
                    }
                    redis.stop();
                }
                if (i == 200) {
                    redis = TestServers.startRedis(PORT, DATA, true);
                }
                String email = "u" + i + "@" + domain;
                HttpResponse<String> response = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "N" + i).add("email", email).add("message", "m" + i).build().toString());
                if (response.statusCode() == 202) {
                    accepted.add(email);
                    tasks.add(URI.create(response.headers().firstValue("Location").orElseThrow()));
                } else {
                    assertEquals(503, response.statusCode(), response.body());
                    refused++;
                }
            }
            for (URI task : tasks) {
                assertEquals("succeeded", TaskStatusPoller.awaitFinal(http, task).getString("status"), task.toString());
            }
            long duplicates = accepted.stream().filter(email -> Mailbox.to(email).size() > 1).count();
            long missing = accepted.stream().filter(email -> Mailbox.to(email).isEmpty()).count();
            System.out.printf("Redis restart run: accepted %d (waiting at the stop: %d), refused %d, mailed %d,"
                    + " missing %d, duplicated %d%n", accepted.size(), backlogAtStop, refused,
                    Mailbox.countToDomain(domain), missing, duplicates);
            assertTrue(refused > 0, "some submissions met the outage");
            assertEquals(0, missing, "accepted but never mailed");
            assertEquals(0, duplicates, "mailed twice");
        } finally {
            deployer.undeploy("outage");
            redis.stop();
        }
    }
}
