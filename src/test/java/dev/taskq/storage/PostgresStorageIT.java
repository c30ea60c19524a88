package dev.taskq.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.embeddable.CommandResult;
import org.glassfish.embeddable.CommandRunner;
import org.glassfish.internal.api.Globals;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kept submissions on a real PostgreSQL (Debian's server, a cluster of the test's own on a free port), configured
 * on the server the way an operator does it: server-config/payara/create-datasource.asadmin, with the JDBC driver
 * on the server's class path, and TASKQ_DATASOURCE=jdbc/taskq.
 *
 * <p>Skipped without PostgreSQL installed, unless -Dtaskq.test.require-postgres=true (CI) makes that a failure.
 */
// The datasource is made through the embedded server's CommandRunner: on the real servers the harness would have to
// install the driver and run server-config/*/create-datasource.* against a database it starts first (not yet done).
@Tag("embedded")
@TaskqIT
class PostgresStorageIT {

    private static final Pattern ENV = Pattern.compile("\\$\\{ENV=([A-Z_]+)}");

    static PostgresCluster postgres;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("taskq", TestServers.get().redisUrl(), "taskq.datasource=jdbc/taskq\n");
    }

    @BeforeAll
    static void startPostgresAndCreateTheDataSource() throws Exception {
        boolean installed = PostgresCluster.installedBin() != null;
        if (Boolean.getBoolean("taskq.test.require-postgres")) {
            assertTrue(installed, "PostgreSQL is required (apt-get install postgresql)");
        }
        assumeTrue(installed, "PostgreSQL is not installed (apt-get install postgresql): skipped");
        postgres = PostgresCluster.start();
        // The WAR looks its DataSource up on first use, so the resource may be created after the deployment.
        runAsadminFile(Path.of("server-config/payara/create-datasource.asadmin"), Map.of(
                "DB_URL", postgres.jdbcUrl(), "DB_USER", PostgresCluster.USER, "DB_PASSWORD", PostgresCluster.PASSWORD));
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            runAsadminFile(Path.of("server-config/payara/remove-datasource.asadmin"), Map.of());
            postgres.close();
        }
    }

    /**
     * Runs an asadmin command file on the embedded server as Payara Micro runs a post-boot file: comments skipped,
     * {@code ${ENV=NAME}} replaced by the value given (the server's environment), a failed delete tolerated.
     */
    static void runAsadminFile(Path file, Map<String, String> environment) throws Exception {
        CommandRunner asadmin = Globals.get(CommandRunner.class);
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher variable = ENV.matcher(line);
            StringBuilder resolved = new StringBuilder();
            while (variable.find()) {
                variable.appendReplacement(resolved, Matcher.quoteReplacement(environment.get(variable.group(1))));
            }
            variable.appendTail(resolved);
            List<String> words = new ArrayList<>(List.of(resolved.toString().trim().split("\\s+")));
            String command = words.remove(0);
            CommandResult result = asadmin.run(command, words.toArray(String[]::new));
            if (!command.startsWith("delete-")) {
                assertEquals(CommandResult.ExitStatus.SUCCESS, result.getExitStatus(), line + "\n" + result.getOutput()
                        + (result.getFailureCause() == null ? "" : result.getFailureCause().toString()));
            }
        }
    }

    AdminApi admin() {
        return new AdminApi(base, SubmissionStorageIT.ADMIN, SubmissionStorageIT.PASSWORD);
    }

    @Test
    void aHundredSubmissionsBecomeAHundredRowsInPostgresEqualToWhatWasSent() throws Exception {
        String marker = Submissions.marker();
        List<Submissions.Sent> sent = Submissions.submitMany(new Http(base), marker, 100);
        Submissions.assertRowsEqual(sent, Submissions.awaitRows(admin(), marker, 100, Duration.ofSeconds(90)));
        // And in the database itself, read with PostgreSQL's own driver.
        Map<String, List<String>> inDatabase = new HashMap<>();
        try (Connection connection = postgres.connect(); PreparedStatement query = connection.prepareStatement(
                "SELECT id, name, email, message FROM taskq_submission WHERE email LIKE ?")) {
            query.setString(1, "%" + marker + "%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    inDatabase.put(rows.getString(1), List.of(rows.getString(2), rows.getString(3), rows.getString(4)));
                }
            }
            try (ResultSet version = connection.createStatement()
                    .executeQuery("SELECT MAX(version) FROM taskq_schema_version")) {
                version.next();
                assertEquals(SchemaMigrations.VERSIONS.size(), version.getInt(1));
            }
        }
        assertEquals(100, inDatabase.size());
        for (Submissions.Sent one : sent) {
            assertEquals(List.of(one.name(), one.email(), one.message()), inDatabase.get(one.id()), one.id());
        }
    }

    /**
     * The database goes away for 60 s in the middle of a burst: the store tasks wait (no attempt spent, none dead)
     * while the confirmation mails keep going out, and every row arrives once the database is back.
     */
    @Test
    void postgresStoppedForAMinuteDuringABurstLosesNoRowAndHoldsNoMailBack() throws Exception {
        String marker = Submissions.marker();
        Http http = new Http(base);
        List<Submissions.Sent> sent = new ArrayList<>(Submissions.submitMany(http, marker + "a", 20));
        postgres.stopServer();
        long stoppedAt = System.nanoTime();
        sent.addAll(Submissions.submitMany(http, marker + "b", 40));
        // Every confirmation mail arrives while the database is still down.
        for (Submissions.Sent one : sent) {
            assertEquals(1, Mailbox.await(one.email(), 1).size(), one.email());
        }
        assertTrue(System.nanoTime() - stoppedAt < Duration.ofSeconds(60).toNanos(),
                "the mails arrived while the database was down");
        Thread.sleep(Math.max(0, Duration.ofSeconds(60).toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
        postgres.startServer();

        Submissions.assertRowsEqual(sent, Submissions.awaitRows(admin(), marker, sent.size(), Duration.ofSeconds(120)));
        try (RedisProbe redis = new RedisProbe()) {
            for (Submissions.Sent one : sent) {
                String storeTask = SubmissionTasks.derivedId(one.id(), SubmissionTasks.STORE_TYPE);
                assertEquals(false, redis.jedis().hexists(RedisProbe.PREFIX + "dead", storeTask), storeTask);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        "succeeded".equals(redis.taskRecord(storeTask).get("status")));
                assertEquals("1", redis.taskRecord(storeTask).get("attempts"), "no attempt spent on the outage");
            }
        }
    }
}
