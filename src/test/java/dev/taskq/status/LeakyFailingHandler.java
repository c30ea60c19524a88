package dev.taskq.status;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** Fails the way a mail transport does: with a host, a port and the server's reply in the message. Tests only. */
@ApplicationScoped
public class LeakyFailingHandler implements TaskHandler {

    static final String TYPE = "test-leaky-failure";
    static final String HOST = "mx7.internal.example";
    static final String PORT = "2525";
    static final String REPLY = "554 5.7.1 relay access denied";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) {
        throw new IllegalStateException("Could not send via " + HOST + ":" + PORT + ", server said: " + REPLY);
    }
}
