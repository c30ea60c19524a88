package dev.taskq.worker;

/**
 * Thrown by a handler when the service it needs (the mail server, the database) is down, not when the task itself is
 * at fault: the consumers pause tasks of that type on this server, probe the service with {@link TaskHandler#probe()}
 * and resume once it answers. No attempt is spent.
 */
public class ServiceUnavailableException extends Exception {

    private final String service;

    /** @param service what is down, in words for operators ("mail server", "database") */
    public ServiceUnavailableException(String service, String message, Throwable cause) {
        super(message, cause);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
