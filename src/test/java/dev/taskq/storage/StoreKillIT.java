package dev.taskq.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A server killed with SIGKILL in the middle of a burst of 200 submissions, then started again: every accepted
 * submission has its row in PostgreSQL, and none has two. Two Payara Micro processes in turn (the second one
 * reaps what the first held), configured as README says: the mail session and create-datasource.asadmin as
 * post-boot commands, the PostgreSQL driver with --addLibs, TASKQ_DATASOURCE=jdbc/taskq.
 */
@Tag("server-independent") // Payara Micro processes of its own: runs in the default build only (see pom.xml)
@TaskqIT
class StoreKillIT {

    private static final int BURST = 200;

    /** Never deployed: the servers here are processes of their own. */
    @Deployment(name = "unused", managed = false, testable = false)
    static WebArchive unused() {
        return Deployments.war();
    }

    @Test
    void everyAcceptedSubmissionIsStoredOnceAfterTheServerWasKilledMidBurst() throws Exception {
        assumeTrue(PostgresCluster.installedBin() != null || Boolean.getBoolean("taskq.test.require-postgres"),
                "PostgreSQL is not installed (apt-get install postgresql): skipped");
        String marker = Submissions.marker();
        try (PostgresCluster postgres = PostgresCluster.start()) {
            // The abuse limits off: the burst comes from one client (they would refuse all but 20).
            Map<String, String> settings = Map.of("TASKQ_KEY_PREFIX", "storekill", "TASKQ_DATASOURCE", "jdbc/taskq",
                    "DB_URL", postgres.jdbcUrl(), "DB_USER", PostgresCluster.USER,
                    "DB_PASSWORD", PostgresCluster.PASSWORD, "TASKQ_LIMIT_CLIENT_PER_HOUR", "0",
                    "TASKQ_LIMIT_RECIPIENT_PER_HOUR", "0", "TASKQ_LIMIT_RECIPIENT_PER_DAY", "0");
            List<Path> postBoot = List.of(Path.of("server-config/payara/create-datasource.asadmin"));
            List<Path> driver = List.of(Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()));

            Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> email
            AtomicInteger sent = new AtomicInteger();
            try (PayaraMicroServer victim = PayaraMicroServer.start("store-victim", settings, postBoot, driver)) {
                Thread burst = new Thread(() -> submitAll(victim.baseUri(), marker, accepted, sent), "burst");
                burst.start();
                await().atMost(Duration.ofMinutes(2)).until(() -> accepted.size() >= BURST / 2);
                victim.kill();
                burst.join(Duration.ofMinutes(2).toMillis());
            }
            assertTrue(accepted.size() < BURST, "the kill came in the middle of the burst: " + accepted.size());

            try (PayaraMicroServer revived = PayaraMicroServer.start("store-revived", settings, postBoot, driver)) {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> rows(postgres, marker).keySet().containsAll(accepted.keySet()));
                Map<String, List<String>> rows = rows(postgres, marker);
                // At most one more than accepted: the request whose answer the kill cut off may have been queued.
                assertTrue(rows.size() - accepted.size() <= 1, rows.size() + " rows, " + accepted.size() + " accepted");
                Map<String, Integer> rowsPerAddress = new HashMap<>();
                rows.values().forEach(row -> rowsPerAddress.merge(row.get(0), 1, Integer::sum));
                assertEquals(Set.of(1), Set.copyOf(rowsPerAddress.values()), "no submission stored twice");
                accepted.forEach((id, email) -> assertEquals(email, rows.get(id).get(0)));
                System.out.println("StoreKillIT: " + sent.get() + " sent, " + accepted.size() + " accepted, "
                        + rows.size() + " rows");
            }
        }
    }

    /** Sends the burst one request at a time until BURST were sent (those after the kill fail to connect). */
    private static void submitAll(URI base, String marker, Map<String, String> accepted, AtomicInteger sent) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < BURST; i++) {
            sent.incrementAndGet();
            String email = "k" + i + "-" + marker + "@example.com";
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("api/submissions"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder().add("name", "Kill " + i)
                                .add("email", email).add("message", "burst " + i).build().toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    accepted.put(AdminApi.json(response.body()).getString("id"), email);
                }
            } catch (java.io.IOException e) {
                // The server is gone: this one was not accepted.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The rows of this test in the database: id -> [email]. */
    private static Map<String, List<String>> rows(PostgresCluster postgres, String marker) throws Exception {
        Map<String, List<String>> rows = new HashMap<>();
        try (Connection connection = postgres.connect(); PreparedStatement query = connection.prepareStatement(
                "SELECT id, email FROM taskq_submission WHERE email LIKE ?")) {
            query.setString(1, "%-" + marker + "@example.com");
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), List.of(result.getString(2)));
                }
            }
        } catch (java.sql.SQLException e) {
            return Map.of(); // the table is not there before the first row
        }
        return rows;
    }
}
