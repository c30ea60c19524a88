package dev.taskq.testing;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** A handler that takes 20 s (or until interrupted); only ever deployed by tests (added to the test WAR). */
@ApplicationScoped
public class SlowHandler implements TaskHandler {

    public static final String TYPE = "test-slow";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) throws InterruptedException {
        Thread.sleep(20_000);
        return "slept";
    }
}
