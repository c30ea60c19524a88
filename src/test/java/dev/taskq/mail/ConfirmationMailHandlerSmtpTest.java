package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.testing.TestCa;
import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler against real SMTP servers on loopback ({@link ScriptedSmtpServer}, with a test CA's certificates):
 * TLS is required and verified, the password goes only over TLS, and each kind of failure is named. No
 * application server: the handler is the same class the WAR runs, given a session as a server would.
 */
class ConfirmationMailHandlerSmtpTest {

    private static final String FROM = "noreply@example.com";

    private ScriptedSmtpServer server;
    private final ConfirmationMailHandler handler = new ConfirmationMailHandler();

    @AfterEach
    void stop() throws Exception {
        handler.closeIdle();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aMailGoesOverStartTlsWithAuthenticationWhenTheCertificateIsForTheHost() throws Exception {
        server = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("localhost")).start();
        handler.configure(session("localhost", server.port(), true), "starttls", null);

        String messageId = handler.handle(task("ann@example.com"));

        assertEquals(1, server.received().size());
        ScriptedSmtpServer.Received mail = server.received().get(0);
        List<String> commands = server.commands();
        assertAll(
                () -> assertTrue(mail.tls(), "delivered under TLS"),
                () -> assertEquals("taskq", mail.user(), "authenticated"),
                () -> assertEquals("ann@example.com", mail.recipient()),
                () -> assertTrue(commands.indexOf("STARTTLS") < indexOfAuth(commands), commands.toString()),
                () -> assertTrue(mail.data().contains("Message-ID: " + messageId), mail.data()));
    }

    @Test
    void theSessionPropertiesPayarasConfigureShWritesForStartTlsRequireItAndCheckTheName() throws Exception {
        server = new ScriptedSmtpServer().start(); // no STARTTLS
        Session session = session("localhost", server.port(), true);
        configureShProperties("starttls").forEach((name, value) -> session.getProperties().setProperty(name, value));
        handler.configure(session, null, null);

        assertThrows(ServiceUnavailableException.class, () -> handler.handle(task("ann@example.com")));
        assertEquals(-1, indexOfAuth(server.commands()), "no AUTH: " + server.commands());

        server.close();
        server = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("other.example.com")).start();
        Session other = session("localhost", server.port(), true);
        configureShProperties("starttls").forEach((name, value) -> other.getProperties().setProperty(name, value));
        handler.configure(other, null, null);
        assertThrows(ServiceUnavailableException.class, () -> handler.handle(task("ann@example.com")));
        assertTrue(server.received().isEmpty());
    }

    @Test
    void aServerThatDoesNotOfferStartTlsGetsNoMailAndNoPassword() throws Exception {
        server = new ScriptedSmtpServer().start(); // offers AUTH in clear text, no STARTTLS
        handler.configure(session("localhost", server.port(), true), "starttls", null);

        ServiceUnavailableException failure = assertThrows(ServiceUnavailableException.class,
                () -> handler.handle(task("ann@example.com")));

        assertAll(
                () -> assertEquals(SmtpFailures.SERVICE, failure.service()),
                () -> assertTrue(failure.getMessage().contains("STARTTLS"), failure.getMessage()),
                () -> assertEquals(-1, indexOfAuth(server.commands()), "no AUTH: " + server.commands()),
                () -> assertFalse(server.commands().stream().anyMatch(c -> c.startsWith("MAIL")), "no MAIL"),
                () -> assertTrue(server.received().isEmpty()));
    }

    @Test
    void onceAProperServerIsBackTheProbePassesAndTheMailGoesOut() throws Exception {
        server = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("other.example.com")).start();
        handler.configure(session("localhost", server.port(), true), "starttls", null);
        assertThrows(ServiceUnavailableException.class, () -> handler.handle(task("ann@example.com")));
        assertThrows(ServiceUnavailableException.class, handler::probe);

        server.startTls(TestCa.get().serverFor("localhost")); // the next connection sees the proper certificate

        handler.probe();
        handler.handle(task("ann@example.com"));
        assertEquals(1, server.received().size());
        assertTrue(server.received().get(0).tls());
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedBeforeAnyPassword() throws Exception {
        server = new ScriptedSmtpServer().startTls(TestCa.get().serverFor("other.example.com")).start();
        handler.configure(session("localhost", server.port(), true), "starttls", null);

        ServiceUnavailableException failure = assertThrows(ServiceUnavailableException.class,
                () -> handler.handle(task("ann@example.com")));

        assertAll(
                () -> assertTrue(server.commands().contains("STARTTLS"), server.commands().toString()),
                () -> assertEquals(-1, indexOfAuth(server.commands()), "no AUTH: " + server.commands()),
                () -> assertTrue(server.received().isEmpty()),
                () -> assertThrows(ServiceUnavailableException.class, handler::probe, "the probe fails too"));
        assertTrue(failure.getMessage().startsWith("localhost:" + server.port() + " (STARTTLS): "),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("matching localhost"), "says why: " + failure.getMessage());
    }

    @Test
    void implicitTlsDeliversWithAuthentication() throws Exception {
        server = new ScriptedSmtpServer().implicitTls(TestCa.get().serverFor("localhost")).start();
        handler.configure(session("localhost", server.port(), true), "tls", null);

        handler.handle(task("ann@example.com"));

        assertEquals(1, server.received().size());
        assertTrue(server.received().get(0).tls());
        assertEquals("taskq", server.received().get(0).user());
    }

    @Test
    void aRecipientRefusedWith550IsAPermanentFailureKeepingTheReply() throws Exception {
        server = new ScriptedSmtpServer()
                .rcptReply(to -> to.startsWith("gone") ? "550 5.1.1 <" + to + ">: no such user" : "250 2.1.5 ok")
                .start();
        handler.configure(session("127.0.0.1", server.port(), false), null, null);

        PermanentTaskFailure failure = assertThrows(PermanentTaskFailure.class,
                () -> handler.handle(task("gone@example.com")));

        assertTrue(failure.getMessage().contains("550 5.1.1 <gone@example.com>: no such user"), failure.getMessage());
        handler.handle(task("here@example.com")); // the mail server itself is fine
        assertEquals(1, server.received().size());
    }

    @Test
    void aTemporaryRecipientFailureIsAnOrdinaryFailedAttempt() throws Exception {
        server = new ScriptedSmtpServer().rcptReply(to -> "450 4.2.1 mailbox busy").start();
        handler.configure(session("127.0.0.1", server.port(), false), null, null);

        Exception failure = assertThrows(Exception.class, () -> handler.handle(task("busy@example.com")));

        assertInstanceOf(MessagingException.class, failure);
        assertTrue(failure.getMessage().contains("450") || String.valueOf(failure.getCause()).contains("450"),
                String.valueOf(failure));
    }

    @Test
    void aThrottlingReplyMeansTheMailServerIsUnavailable() throws Exception {
        server = new ScriptedSmtpServer().rcptReply(to -> "451 4.7.1 Rate limit exceeded, try again later").start();
        handler.configure(session("127.0.0.1", server.port(), false), null, null);

        ServiceUnavailableException failure = assertThrows(ServiceUnavailableException.class,
                () -> handler.handle(task("ann@example.com")));

        assertTrue(failure.getMessage().contains("451 4.7.1"), failure.getMessage());
        ServiceUnavailableException probe = assertThrows(ServiceUnavailableException.class, handler::probe,
                "no coming back at once to the same refusal");
        assertTrue(probe.getMessage().contains("throttled"), probe.getMessage());
    }

    @Test
    void aServerThatGreetsWith421IsUnavailable() throws Exception {
        server = new ScriptedSmtpServer().greeting("421 4.7.0 Try again later").start();
        handler.configure(session("127.0.0.1", server.port(), false), null, null);

        assertThrows(ServiceUnavailableException.class, () -> handler.handle(task("ann@example.com")));
        assertThrows(ServiceUnavailableException.class, handler::probe);
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersEndsTheRunWithinTheTimeout() throws Exception {
        server = new ScriptedSmtpServer().silent().start();
        Session session = session("127.0.0.1", server.port(), false);
        // The session's own timeout wins over the application's default (as an operator would set it).
        session.getProperties().setProperty("mail.smtp.timeout", "500");
        handler.configure(session, null, null);

        ServiceUnavailableException failure = assertThrows(ServiceUnavailableException.class,
                () -> handler.handle(task("ann@example.com")));

        assertTrue(failure.getMessage().contains("SocketTimeoutException") || failure.getMessage().contains("timed out"),
                failure.getMessage());
    }

    @Test
    void aPasswordIsNeverSentInClearTextToAnotherHost() throws Exception {
        server = new ScriptedSmtpServer().start();
        // Not loopback by name (the refusal comes before any connection, so the name need not resolve).
        handler.configure(session("smtp.example.invalid", server.port(), true), "none", null);

        ServiceUnavailableException failure = assertThrows(ServiceUnavailableException.class,
                () -> handler.handle(task("ann@example.com")));

        assertTrue(failure.getMessage().contains("refusing to send the SMTP password in clear text"),
                failure.getMessage());
        assertTrue(server.commands().isEmpty());
    }

    @Test
    void theProbeConnectsAndQuits() throws Exception {
        server = new ScriptedSmtpServer().start();
        handler.configure(session("127.0.0.1", server.port(), false), null, null);

        handler.probe();

        assertTrue(server.commands().contains("QUIT"), server.commands().toString());
        assertTrue(server.received().isEmpty());
    }

    /** The Jakarta Mail properties server-config/payara/configure.sh writes for SMTP_TLS (the port left out). */
    private static Map<String, String> configureShProperties(String tls) throws Exception {
        ProcessBuilder script = new ProcessBuilder("sh", "server-config/payara/configure.sh");
        script.environment().putAll(Map.of("SMTP_HOST", "smtp.example.com", "SMTP_TLS", tls, "SMTP_USER", "taskq"));
        Process process = script.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        java.util.regex.Matcher properties = java.util.regex.Pattern.compile("--property=(\\S+)").matcher(output);
        assertTrue(properties.find(), output);
        Map<String, String> found = new java.util.LinkedHashMap<>();
        for (String property : properties.group(1).split(":")) {
            String[] nameAndValue = property.split("=", 2);
            if (!nameAndValue[0].equals("mail.smtp.port")) {
                found.put(nameAndValue[0], nameAndValue[1]);
            }
        }
        assertEquals("true", found.get("mail.smtp.starttls.required"), found.toString());
        return found;
    }

    private static int indexOfAuth(List<String> commands) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith("AUTH")) {
                return i;
            }
        }
        return -1;
    }

    private static Task task(String email) {
        return Task.create(ConfirmationMailHandler.TYPE,
                ConfirmationMailHandler.payload("Ann", email, "Hello", Locale.ENGLISH));
    }

    /**
     * A session as a server's mail resource gives it: host, port, From and, with {@code auth}, a user whose password
     * comes from the session's authenticator; it trusts the test CA (as a server's trust store would).
     */
    private static Session session(String host, int port, boolean auth) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", host);
        properties.setProperty("mail.smtp.port", String.valueOf(port));
        properties.setProperty("mail.from", FROM);
        properties.put("mail.smtp.ssl.socketFactory", TestCa.get().clientTrustingThisCa().getSocketFactory());
        if (!auth) {
            return Session.getInstance(properties);
        }
        properties.setProperty("mail.smtp.auth", "true");
        properties.setProperty("mail.smtp.user", "taskq");
        return Session.getInstance(properties, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("taskq", "secret-" + UUID.randomUUID());
            }
        });
    }
}
