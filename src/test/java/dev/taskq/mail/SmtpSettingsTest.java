package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

    @Test
    void timeoutsAreAppliedWhereTheSessionSetsNoneAndTheSessionsOwnAreKept() {
        SmtpSettings settings = SmtpSettings.of(session("mail.smtp.host", "127.0.0.1", "mail.smtp.timeout", "1234"), null);

        Properties used = settings.session().getProperties();
        assertEquals(String.valueOf(SmtpSettings.CONNECT_TIMEOUT_MS), used.getProperty("mail.smtp.connectiontimeout"));
        assertEquals("1234", used.getProperty("mail.smtp.timeout"));
        assertEquals(String.valueOf(SmtpSettings.WRITE_TIMEOUT_MS), used.getProperty("mail.smtp.writetimeout"));
    }

    @Test
    void theSmtpsProtocolGetsItsOwnTimeouts() {
        Properties used = SmtpSettings.of(session("mail.transport.protocol", "smtps", "mail.smtps.host",
                "smtp.example.com"), null).session().getProperties();

        assertEquals(String.valueOf(SmtpSettings.READ_TIMEOUT_MS), used.getProperty("mail.smtps.timeout"));
        assertEquals("true", used.getProperty("mail.smtps.ssl.checkserveridentity"));
    }

    @Test
    void aSessionThatSaysNothingAboutTlsGetsRequiredStartTlsUnlessItsHostIsLoopback() {
        SmtpSettings remote = SmtpSettings.of(session("mail.smtp.host", "smtp.example.com"), null);
        assertEquals(SmtpSettings.Tls.STARTTLS, remote.tls());
        assertEquals("true", remote.session().getProperty("mail.smtp.starttls.enable"));
        assertEquals("true", remote.session().getProperty("mail.smtp.starttls.required"));
        assertEquals("true", remote.session().getProperty("mail.smtp.ssl.checkserveridentity"));

        for (String loopback : new String[] {"localhost", "127.0.0.1", "::1", "[::1]", "127.1.2.3"}) {
            assertEquals(SmtpSettings.Tls.NONE, SmtpSettings.of(session("mail.smtp.host", loopback), null).tls(),
                    loopback);
        }
    }

    @Test
    void enablingStartTlsOnTheSessionMakesItRequired() {
        SmtpSettings settings = SmtpSettings.of(session("mail.smtp.host", "127.0.0.1",
                "mail.smtp.starttls.enable", "true"), null);

        assertEquals(SmtpSettings.Tls.STARTTLS, settings.tls());
        assertEquals("true", settings.session().getProperty("mail.smtp.starttls.required"));
    }

    @Test
    void smtpTlsAppliesOnlyWhereTheSessionSaysNothing() {
        assertEquals(SmtpSettings.Tls.IMPLICIT, SmtpSettings.of(session("mail.smtp.host", "smtp.example.com"), "tls").tls());
        assertEquals("true", SmtpSettings.of(session("mail.smtp.host", "smtp.example.com"), "TLS").session()
                .getProperty("mail.smtp.ssl.enable"));
        assertEquals(SmtpSettings.Tls.NONE, SmtpSettings.of(session("mail.smtp.host", "smtp.example.com"), "none").tls());
        assertEquals(SmtpSettings.Tls.STARTTLS, SmtpSettings.of(session("mail.smtp.host", "localhost"), "starttls").tls());
        assertEquals(SmtpSettings.Tls.NONE, SmtpSettings.of(session("mail.smtp.host", "smtp.example.com",
                "mail.smtp.starttls.enable", "false"), "tls").tls(), "the session's explicit choice wins");
        assertThrows(IllegalArgumentException.class,
                () -> SmtpSettings.of(session("mail.smtp.host", "smtp.example.com"), "ssl3"));
    }

    @Test
    void aPasswordWithoutTlsToAnotherHostIsRefusedAndToLoopbackAllowed() {
        SmtpSettings remote = SmtpSettings.of(session("mail.smtp.host", "smtp.example.com", "mail.smtp.auth", "true"),
                "none");
        assertTrue(remote.refusal().startsWith("refusing to send the SMTP password in clear text to smtp.example.com"));

        assertNull(SmtpSettings.of(session("mail.smtp.host", "127.0.0.1", "mail.smtp.auth", "true"), null).refusal());
        assertNull(SmtpSettings.of(session("mail.smtp.host", "smtp.example.com", "mail.smtp.auth", "true"), null)
                .refusal(), "STARTTLS is required: the password goes only over TLS");
    }

    @Test
    void theContainersSessionIsLeftAsItWas() {
        Session container = session("mail.smtp.host", "smtp.example.com");
        SmtpSettings.of(container, null);

        assertFalse(container.getProperties().containsKey("mail.smtp.starttls.enable"));
        assertFalse(container.getProperties().containsKey("mail.smtp.timeout"));
    }

    private static Session session(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Session.getInstance(properties);
    }
}
