package dev.taskq.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;

/**
 * A mail whose Message-ID is derived from its task: {@code <taskq.TASKID@FROM-DOMAIN>}. A copy sent again after a
 * crash (the task is run a second time) is then the same message to mail stores and clients. The domain is that of
 * the session's From address; a From without a real domain (none, {@code localhost}, {@code *.localhost}) gets
 * {@code taskq.invalid}, a reserved name, so a Message-ID never claims localhost.
 */
final class TaskMessage extends MimeMessage {

    static final String FALLBACK_DOMAIN = "taskq.invalid";

    private final String messageId;

    TaskMessage(Session session, String taskId) {
        super(session);
        this.messageId = messageId(taskId, session.getProperty("mail.from"));
    }

    static String messageId(String taskId, String from) {
        if (taskId == null || !taskId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a task id fit for a Message-ID is needed, got '" + taskId + "'");
        }
        return "<taskq." + taskId + "@" + domainOf(from) + ">";
    }

    static String domainOf(String from) {
        String domain = "";
        if (from != null && !from.isBlank()) {
            try {
                String address = new InternetAddress(from, false).getAddress();
                int at = address == null ? -1 : address.lastIndexOf('@');
                domain = at < 0 ? "" : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
            } catch (AddressException e) {
                domain = "";
            }
        }
        boolean usable = domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
                && !domain.endsWith(".localhost");
        return usable ? domain : FALLBACK_DOMAIN;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
