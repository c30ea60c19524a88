package dev.taskq.mail;

/** A mail template is missing, does not compile or failed to render: no mail is sent (the task is retried). */
public class MailTemplateException extends RuntimeException {

    public MailTemplateException(String message) {
        super(message);
    }

    public MailTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
