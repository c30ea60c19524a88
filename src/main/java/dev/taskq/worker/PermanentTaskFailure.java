package dev.taskq.worker;

/**
 * Thrown by a handler when the task can never succeed (a recipient the mail server refuses for good): the task is
 * dead-lettered at once with this message, without further attempts.
 */
public class PermanentTaskFailure extends Exception {

    public PermanentTaskFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
