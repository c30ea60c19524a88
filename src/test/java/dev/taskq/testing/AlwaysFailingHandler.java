package dev.taskq.testing;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** A handler that always fails; only ever deployed by tests (added to the test WAR). */
@ApplicationScoped
public class AlwaysFailingHandler implements TaskHandler {

    public static final String TYPE = "test-always-fails";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) {
        throw new IllegalStateException("failing on purpose");
    }
}
