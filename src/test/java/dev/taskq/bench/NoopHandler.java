package dev.taskq.bench;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** Does nothing: the drain benchmark measures the queue's own cost per task. Benchmark deployment only. */
@ApplicationScoped
public class NoopHandler implements TaskHandler {

    public static final String TYPE = "bench-noop";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) {
        return null;
    }
}
