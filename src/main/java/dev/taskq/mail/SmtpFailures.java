package dev.taskq.mail;

import dev.taskq.worker.PermanentTaskFailure;
import dev.taskq.worker.ServiceUnavailableException;
import jakarta.mail.MessagingException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Names the kind of a failed SMTP exchange, once, where it is caught (see {@link dev.taskq.worker.TaskHandler}):
 * <ul>
 * <li>the mail server is unavailable ({@link ServiceUnavailableException}): nothing could be connected, a socket
 * broke or timed out, TLS failed (no STARTTLS, a certificate that does not verify), the session was refused (bad
 * credentials, {@code 421}), the sender is refused, or the server throttles the session ({@code 450}/{@code 451}/
 * {@code 452} with an enhanced status {@code 4.7.x} or words like "rate" or "try again later"; to one recipient,
 * only when the words say it is about the rate);</li>
 * <li>the task can never succeed ({@link PermanentTaskFailure}): any other {@code 5xx} reply, such as {@code 550}
 * for the recipient; the server's reply is kept in the message (for operators only);</li>
 * <li>anything else, such as a temporary {@code 4xx} for the recipient (greylisting, policy, a full mailbox: one
 * recipient's answer must not pause every server's mail), is an ordinary failed attempt, retried.</li>
 * </ul>
 */
final class SmtpFailures {

    static final String SERVICE = "mail server";

    private static final Pattern REPLY = Pattern.compile("^\\s*([2-5]\\d\\d)[ -]");
    private static final Pattern THROTTLED = Pattern.compile(
            "\\b4\\.7\\.\\d+|rate|try again later|too many|throttl", Pattern.CASE_INSENSITIVE);
    /** What a reply to one recipient must say to mean the sender is throttled (greylisting says "try again later"). */
    private static final Pattern RATE_WORDS = Pattern.compile("\\brate\\b|too many|throttl", Pattern.CASE_INSENSITIVE);

    private SmtpFailures() {
    }

    /**
     * @param connecting the failure happened while connecting (greeting, EHLO, STARTTLS, AUTH), before any mail
     * @return the exception the handler throws
     */
    static Exception classify(MessagingException failure, boolean connecting, String server) {
        List<Throwable> chain = chain(failure);
        String reply = reply(chain);
        int code = reply == null ? 0 : Integer.parseInt(reply.substring(0, 3));
        boolean brokenConnection = chain.stream().anyMatch(SmtpFailures::isConnectionFailure);
        boolean senderRefused = chain.stream()
                .anyMatch(t -> t.getClass().getSimpleName().equals("SMTPSenderFailedException"));
        boolean recipientRefused = chain.stream()
                .anyMatch(t -> t.getClass().getSimpleName().equals("SMTPAddressFailedException"));

        if (connecting || brokenConnection || code == 421 || code == 530 || code == 534 || code == 535
                || code == 538 || senderRefused && code >= 500 || throttled(code, reply, recipientRefused)) {
            return unavailable(failure, server);
        }
        if (code >= 500) {
            return new PermanentTaskFailure("the mail server refused the mail: " + reply, failure);
        }
        return failure;
    }

    /** Whether the server said it throttles this sender ({@code 421}, or {@code 45x} with a rate reason). */
    static boolean throttling(MessagingException failure) {
        List<Throwable> chain = chain(failure);
        String reply = reply(chain);
        int code = reply == null ? 0 : Integer.parseInt(reply.substring(0, 3));
        boolean recipientRefused = chain.stream()
                .anyMatch(t -> t.getClass().getSimpleName().equals("SMTPAddressFailedException"));
        return code == 421 || throttled(code, reply, recipientRefused);
    }

    /** A failure of the connection itself, not of what was written on it (an encoding error is an IOException too). */
    private static boolean isConnectionFailure(Throwable t) {
        return t instanceof SocketException || t instanceof InterruptedIOException || t instanceof SSLException
                || t instanceof UnknownHostException || t instanceof EOFException
                || t.getClass().getSimpleName().equals("MailConnectException");
    }

    /** The mail server cannot be used: {@code server: why}, in one line. */
    static ServiceUnavailableException unavailable(MessagingException failure, String server) {
        List<Throwable> chain = chain(failure);
        return new ServiceUnavailableException(SERVICE, server + ": " + reason(chain, reply(chain)), failure);
    }

    /** Why, in one line: the server's reply, else the top message with the deepest cause's. */
    private static String reason(List<Throwable> chain, String reply) {
        if (reply != null) {
            return reply;
        }
        Throwable deepest = chain.get(chain.size() - 1);
        String top = oneLine(ownMessage(chain.get(0)));
        String root = oneLine(deepest.getClass().getSimpleName() + ": " + deepest.getMessage());
        return deepest == chain.get(0) || top.isEmpty() ? root : top + " (" + root + ")";
    }

    private static boolean throttled(int code, String reply, boolean toOneRecipient) {
        return (code == 450 || code == 451 || code == 452)
                && (toOneRecipient ? RATE_WORDS : THROTTLED).matcher(reply).find();
    }

    /** The first SMTP reply found along the chain, in one line, or null. */
    private static String reply(List<Throwable> chain) {
        for (Throwable t : chain) {
            int code = returnCode(t);
            String message = oneLine(ownMessage(t));
            Matcher matcher = REPLY.matcher(message);
            if (matcher.find()) {
                return message;
            }
            if (code >= 200) {
                return code + " " + message;
            }
        }
        return null;
    }

    /**
     * The reply code of the provider's SMTP exceptions ({@code SMTPAddressFailedException},
     * {@code SMTPSendFailedException}, …). They belong to the mail provider (Angus Mail on WildFly and Payara Server,
     * com.sun.mail on older Payara), not to the Jakarta Mail API the WAR compiles against, so the code is read by
     * the method's name.
     */
    private static int returnCode(Throwable t) {
        try {
            Method method = t.getClass().getMethod("getReturnCode");
            return method.getReturnType() == int.class ? (int) method.invoke(t) : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /** The failure and its causes (a MessagingException's cause is its nested exception), each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** MessagingException.getMessage() appends its nested exception; the text of this exception alone. */
    private static String ownMessage(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        int nested = message.indexOf(";\n  nested exception is:");
        return nested < 0 ? message : message.substring(0, nested);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
