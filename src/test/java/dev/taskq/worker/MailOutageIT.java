package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A mail server outage is not the tasks' fault: with the default retry settings, mails submitted while the SMTP
 * server is down for a minute wait without spending attempts, and all go out once it is back.
 */
@TaskqIT
@Tag("slow") // about a minute of outage or restart: on embedded Payara and Payara Server only (see pom.xml)
class MailOutageIT {

    private static final int SUBMISSIONS = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static WebArchive deployment() {
        // Default retry settings (taskq.max-attempts, taskq.retry.base-delay-ms): none given here.
        return Deployments.war("outage", TestServers.get().redisUrl());
    }

    @ArquillianResource
    URL base;

    @Test
    void mailsSubmittedDuringAMinuteLongSmtpOutageAllGoOutWithoutSpendingAttempts() throws Exception {
        Http http = new Http(base);
        GreenMail smtp = TestServers.get().greenMail();
        String domain = UUID.randomUUID() + ".example.com";
        List<URI> tasks = new ArrayList<>();
        long outageBegan = System.nanoTime();
        smtp.stop();
        try {
            for (int i = 0; i < SUBMISSIONS; i++) {
                HttpResponse<String> accepted = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "N" + i).add("email", "u" + i + "@" + domain).add("message", "m").build()
                        .toString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                tasks.add(URI.create(accepted.headers().firstValue("Location").orElseThrow()));
            }
            // While it is down, tasks wait as queued, say why, and have spent no attempt.
            await().atMost(Duration.ofSeconds(30)).until(() -> "mail server unavailable".equals(
                    status(http, tasks.get(0)).getString("waitingFor", null)));
            JsonObject waiting = status(http, tasks.get(0));
            assertEquals("queued", waiting.getString("status"), waiting.toString());
            assertEquals(0, waiting.getInt("attempts"), waiting.toString());
            long left = OUTAGE.toNanos() - (System.nanoTime() - outageBegan);
            if (left > 0) {
                Thread.sleep(left / 1_000_000); // the rest of the minute-long outage
            }
        } finally {
            TestServers.get().startGreenMailAgain();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> Mailbox.countToDomain(domain) >= SUBMISSIONS);
        for (URI task : tasks) {
            JsonObject record = status(http, task);
            assertEquals("succeeded", record.getString("status"), record.toString());
            assertEquals(1, record.getInt("attempts"), "no attempt spent on the outage: " + record);
        }
        assertEquals(SUBMISSIONS, Mailbox.countToDomain(domain), "each mail once");
        try (RedisProbe redis = new RedisProbe()) {
            for (URI task : tasks) {
                String id = task.getPath().substring(task.getPath().lastIndexOf('/') + 1);
                assertTrue(!redis.jedis().hexists(RedisProbe.PREFIX + "dead", id), "not dead-lettered: " + id);
            }
        }
    }

    private static JsonObject status(Http http, URI task) throws Exception {
        HttpResponse<String> response = http.get(task);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
