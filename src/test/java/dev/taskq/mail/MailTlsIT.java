package dev.taskq.mail;

import static dev.taskq.testing.Submissions.status;
import static dev.taskq.testing.Submissions.submit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Http;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.TestCa;
import dev.taskq.testing.TestServersExtension;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS to the mail server through a deployed server, configured as README tells operators: a Payara Micro process
 * with SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_USER and SMTP_PASSWORD in its environment, the mail session made by
 * the file {@code server-config/payara/configure.sh} printed for that environment, and the test CA trusted through a
 * trust store given to its JVM ({@code -Djavax.net.ssl.trustStore}). The SMTP server is a {@link ScriptedSmtpServer}
 * with certificates of the test CA ({@link TestCa}).
 *
 * <p>A process of its own rather than the run's server: the server's environment and JVM options are fixed when it
 * starts, and these are the test's. It runs the same way under every profile.
 */
@Tag("server-independent") // Payara Micro processes of its own: runs in the default build only (see pom.xml)
@ExtendWith(TestServersExtension.class)
class MailTlsIT {

    private static final String USER = "taskq-smtp";
    private static final String WAITING = "mail server unavailable";

    @Test
    void startTlsDeliversWithAuthenticationAndAWrongCertificateOrNoStartTlsGetsNothing() throws Exception {
        int port = dev.taskq.testing.TestServers.freePort();
        try (PayaraMicroServer micro = micro("starttls", port)) {
            Http http = new Http(micro.baseUri().toURL());
            ScriptedSmtpServer server = on(port, s -> s.startTls(certificateFor("other.example.com")));
            try {
                // A certificate for another name: refused before AUTH, nothing sent, the task waits.
                URI refused = submit(http, UUID.randomUUID() + "@example.com");
                waitsForTheMailServer(http, refused);
                assertAll(
                        () -> assertTrue(server.commands().contains("STARTTLS"), server.commands().toString()),
                        () -> assertTrue(server.commands().stream().noneMatch(c -> c.startsWith("AUTH")),
                                "no AUTH: " + server.commands()),
                        () -> assertTrue(server.received().isEmpty(), "nothing sent"));
                assertOneLogLine(micro, "mail server unavailable (ServiceUnavailableException: localhost:" + port
                        + " (STARTTLS): ", "matching localhost");

                // The proper certificate: the same task goes out, over TLS and with AUTH, at its first attempt.
                server.startTls(certificateFor("localhost"));
                deliveredOnce(http, refused, server);
            } finally {
                server.close();
            }

            // A server that does not offer STARTTLS: no AUTH, nothing sent, the task waits; then it comes back.
            ScriptedSmtpServer plain = on(port, UnaryOperator.identity());
            try {
                URI waiting = submit(http, UUID.randomUUID() + "@example.com");
                waitsForTheMailServer(http, waiting);
                assertAll(
                        () -> assertTrue(plain.commands().stream().noneMatch(c -> c.startsWith("AUTH")),
                                "no AUTH: " + plain.commands()),
                        () -> assertTrue(plain.commands().stream().noneMatch(c -> c.startsWith("MAIL")),
                                "no MAIL: " + plain.commands()),
                        () -> assertTrue(plain.received().isEmpty(), "nothing sent"));
                assertOneLogLine(micro, "localhost:" + port + " (STARTTLS): ",
                        "STARTTLS is required but host does not support STARTTLS");
                plain.close();
                ScriptedSmtpServer proper = on(port, s -> s.startTls(certificateFor("localhost")));
                try {
                    deliveredOnce(http, waiting, proper);
                } finally {
                    proper.close();
                }
            } finally {
                plain.close();
            }
        }
    }

    @Test
    void implicitTlsDeliversWithAuthenticationAndAWrongCertificateGetsNothing() throws Exception {
        int port = dev.taskq.testing.TestServers.freePort();
        try (PayaraMicroServer micro = micro("tls", port)) {
            Http http = new Http(micro.baseUri().toURL());
            try (ScriptedSmtpServer server = on(port, s -> s.implicitTls(certificateFor("other.example.com")))) {
                URI refused = submit(http, UUID.randomUUID() + "@example.com");
                waitsForTheMailServer(http, refused);
                assertAll(
                        () -> assertTrue(server.commands().isEmpty(), "no command at all: " + server.commands()),
                        () -> assertTrue(server.received().isEmpty(), "nothing sent"));
                assertOneLogLine(micro, "mail server unavailable (ServiceUnavailableException: localhost:" + port
                        + " (TLS): ", "matching localhost");

                server.implicitTls(certificateFor("localhost"));
                deliveredOnce(http, refused, server);
            }
        }
    }

    /**
     * Payara Micro with the settings an operator gives it for {@code tls} and the mail session that
     * configure.sh prints for them; the test CA trusted through its JVM's trust store.
     */
    private static PayaraMicroServer micro(String tls, int smtpPort) throws Exception {
        Map<String, String> environment = Map.of("SMTP_HOST", "localhost", "SMTP_TLS", tls, "SMTP_USER", USER);
        ProcessBuilder configure = new ProcessBuilder("sh", "server-config/payara/configure.sh");
        configure.environment().putAll(environment);
        Process process = configure.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String file = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "configure.sh");
        Path mailSession = Files.writeString(Path.of("target", "mailtls-" + tls + ".asadmin"), file);

        Map<String, String> settings = new java.util.HashMap<>(environment);
        settings.putAll(Map.of("SMTP_PORT", String.valueOf(smtpPort), "SMTP_PASSWORD", "secret-" + UUID.randomUUID(),
                "TASKQ_KEY_PREFIX", "mailtls-" + tls, "TASKQ_CONSUMERS", "2"));
        List<String> trust = List.of("-Djavax.net.ssl.trustStore=" + TestCa.get().trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + TestCa.PASSWORD);
        return PayaraMicroServer.start("mailtls-" + tls, settings, mailSession, trust);
    }

    /** A scripted SMTP server on {@code port} (bound as soon as an earlier one let go of it), started. */
    private static ScriptedSmtpServer on(int port, UnaryOperator<ScriptedSmtpServer> configure) {
        ScriptedSmtpServer server = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> new ScriptedSmtpServer(port), Objects::nonNull);
        return configure.apply(server).start();
    }

    private static SSLContext certificateFor(String host) {
        try {
            return TestCa.get().serverFor(host);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the task waits as in an outage: queued, waiting for the mail server, no attempt spent. */
    private static void waitsForTheMailServer(Http http, URI task) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonObject record = status(http, task);
            return "queued".equals(record.getString("status")) && WAITING.equals(record.getString("waitingFor", null))
                    && record.getInt("attempts") == 0;
        });
    }

    /** The task succeeds at its first attempt and the server received its mail once, under TLS, after AUTH. */
    private static void deliveredOnce(Http http, URI task, ScriptedSmtpServer server) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "succeeded".equals(status(http, task).getString("status")));
        JsonObject record = status(http, task);
        List<String> commands = server.commands();
        System.out.printf("MailTlsIT: %s succeeded at attempt %d; the SMTP server received %d mail(s): %s;"
                + " commands %s%n", task, record.getInt("attempts"), server.received().size(),
                server.received().stream().map(r -> "tls=" + r.tls() + " user=" + r.user()).toList(), commands);
        assertEquals(1, server.received().size(), "one mail");
        ScriptedSmtpServer.Received mail = server.received().get(0);
        assertAll(
                () -> assertEquals(1, record.getInt("attempts"), "no attempt spent on the refusal: " + record),
                () -> assertTrue(mail.tls(), "under TLS"),
                () -> assertEquals(USER, mail.user(), "authenticated as SMTP_USER"),
                () -> assertTrue(mail.data().contains("Message-ID: " + record.getString("result")), mail.data()));
    }

    /**
     * Exactly one log line says why nothing was sent: it names the server ({@code describe}) and the reason
     * ({@code reason}); the consumers then park further tasks of the type without running them.
     */
    private static void assertOneLogLine(PayaraMicroServer micro, String describe, String reason) {
        List<String> lines = await().atMost(Duration.ofSeconds(10)).until(() -> micro.log().lines()
                .filter(line -> line.contains(reason)).toList(), found -> !found.isEmpty());
        System.out.println("MailTlsIT: log line(s) with '" + reason + "': " + lines);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).contains(describe), lines.get(0));
    }

}
