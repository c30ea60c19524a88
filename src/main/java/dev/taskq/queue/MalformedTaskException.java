package dev.taskq.queue;

/** A queue entry that cannot be read as a {@link Task}. */
public class MalformedTaskException extends Exception {

    public MalformedTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
