package dev.taskq.storage;

/** The database could not be reached (see {@link DatabaseOutage}); the cause says why. */
public class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
