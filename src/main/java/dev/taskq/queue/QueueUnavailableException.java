package dev.taskq.queue;

/** Redis could not be reached or answered with an error; nothing was written. Callers may retry later. */
public class QueueUnavailableException extends RuntimeException {

    public QueueUnavailableException(Throwable cause) {
        super("The task queue is unavailable", cause);
    }
}
