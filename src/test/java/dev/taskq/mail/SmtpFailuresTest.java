package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

/** The kind of each failure, on the exception types Jakarta Mail's provider (Angus Mail) really throws. */
class SmtpFailuresTest {

    private static final String SERVER = "smtp.example.com:587 (STARTTLS)";

    @Test
    void aRecipientRefusedWith550IsPermanentAndKeepsTheReply() throws Exception {
        InternetAddress to = new InternetAddress("gone@example.com");
        SMTPAddressFailedException refused = new SMTPAddressFailedException(to, "RCPT TO:<gone@example.com>", 550,
                "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown");
        SendFailedException failure = new SendFailedException("Invalid Addresses", refused,
                new Address[0], new Address[0], new Address[] {to});

        Exception kind = SmtpFailures.classify(failure, false, SERVER);

        assertInstanceOf(PermanentTaskFailure.class, kind);
        assertEquals("the mail server refused the mail: 550 5.1.1 <gone@example.com>: Recipient address rejected:"
                + " User unknown", kind.getMessage());
        assertSame(failure, kind.getCause());
    }

    @Test
    void aMessageRefusedAfterDataIsPermanent() {
        Exception kind = SmtpFailures.classify(new SMTPSendFailedException("DATA", 554,
                "554 5.7.1 Message rejected as spam", null, null, null, null), false, SERVER);

        assertInstanceOf(PermanentTaskFailure.class, kind);
    }

    @Test
    void aTemporaryRecipientFailureIsAPlainFailure() throws Exception {
        InternetAddress to = new InternetAddress("busy@example.com");
        SendFailedException failure = new SendFailedException("Invalid Addresses",
                new SMTPAddressFailedException(to, "RCPT TO:<busy@example.com>", 450, "450 4.2.1 Mailbox busy"),
                new Address[0], new Address[] {to}, new Address[0]);

        assertSame(failure, SmtpFailures.classify(failure, false, SERVER));
    }

    @Test
    void throttlingRepliesToTheSessionMeanTheServerIsUnavailable() throws Exception {
        for (String reply : new String[] {"451 4.7.1 Please try again later", "450 Too many messages, slow down",
                "452 Rate limit exceeded", "421 4.7.0 Try again later, closing connection"}) {
            int code = Integer.parseInt(reply.substring(0, 3));
            SMTPSendFailedException failure = new SMTPSendFailedException("MAIL FROM:<noreply@example.com>", code,
                    reply, null, null, null, null);

            Exception kind = SmtpFailures.classify(failure, false, SERVER);

            assertInstanceOf(ServiceUnavailableException.class, kind, reply);
            assertEquals(SERVER + ": " + reply, kind.getMessage());
            assertTrue(SmtpFailures.throttling(failure), reply);
        }
    }

    @Test
    void oneRecipientGreylistedOrThrottledIsAnOrdinaryRetryNotAnOutage() throws Exception {
        InternetAddress to = new InternetAddress("ann@example.com");
        for (String reply : new String[] {"451 4.7.1 <ann@example.com>: Recipient address rejected: greylisted,"
                + " try again later", "450 4.7.1 <ann@example.com>: Recipient address rejected: policy"}) {
            int code = Integer.parseInt(reply.substring(0, 3));
            SendFailedException failure = new SendFailedException("Invalid Addresses",
                    new SMTPAddressFailedException(to, "RCPT TO:<ann@example.com>", code, reply),
                    new Address[0], new Address[] {to}, new Address[0]);

            assertSame(failure, SmtpFailures.classify(failure, false, SERVER), reply);
            assertTrue(!SmtpFailures.throttling(failure), reply);
        }
    }

    @Test
    void aMessageThatCannotBeEncodedIsNotAnOutage() {
        MessagingException failure = new MessagingException("cannot write the message",
                new java.io.UnsupportedEncodingException("x-unknown"));

        assertSame(failure, SmtpFailures.classify(failure, false, SERVER));
    }

    @Test
    void aRefusedSenderMeansTheSessionIsMisconfiguredNotThatTheTaskIsBad() throws Exception {
        Exception kind = SmtpFailures.classify(new SMTPSenderFailedException(new InternetAddress("noreply@example.com"),
                "MAIL FROM:<noreply@example.com>", 553, "553 5.7.1 Sender address rejected: not owned by user"),
                false, SERVER);

        assertInstanceOf(ServiceUnavailableException.class, kind);
    }

    @Test
    void everythingThatGoesWrongWhileConnectingMeansUnavailable() {
        MessagingException[] failures = {
            new MailConnectException(new SocketConnectException("Connection refused",
                    new ConnectException("Connection refused"), "smtp.example.com", 587, 10000)),
            new AuthenticationFailedException("535 5.7.8 Authentication credentials invalid"),
            new MessagingException("STARTTLS is required but host does not support STARTTLS"),
            new MessagingException("Could not convert socket to TLS",
                    new SSLHandshakeException("No subject alternative DNS name matching smtp.example.com found.")),
        };
        for (MessagingException failure : failures) {
            Exception kind = SmtpFailures.classify(failure, true, SERVER);
            assertInstanceOf(ServiceUnavailableException.class, kind, failure.toString());
            assertEquals(SmtpFailures.SERVICE, ((ServiceUnavailableException) kind).service());
            assertTrue(kind.getMessage().startsWith(SERVER + ": "), kind.getMessage());
            assertTrue(!kind.getMessage().contains("\n"), "one line: " + kind.getMessage());
        }
        assertTrue(SmtpFailures.classify(failures[3], true, SERVER).getMessage()
                .contains("No subject alternative DNS name"), "says why");
    }

    @Test
    void aConnectionThatBreaksOrTimesOutDuringTheSendMeansUnavailable() {
        Exception kind = SmtpFailures.classify(new MessagingException("Exception reading response",
                new SocketTimeoutException("Read timed out")), false, SERVER);

        assertInstanceOf(ServiceUnavailableException.class, kind);
        assertEquals(SERVER + ": Exception reading response (SocketTimeoutException: Read timed out)",
                kind.getMessage());
    }
}
