package dev.taskq.bench;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Does nothing but counts as sending mail, so its runs go through the shared send rate ({@code taskq.mail-rate}):
 * the benchmark measures what the limiter costs the consumer path. Benchmark deployment only.
 */
@ApplicationScoped
public class NoopMailHandler implements TaskHandler {

    public static final String TYPE = "bench-noop-mail";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) {
        return null;
    }

    @Override
    public boolean sendsMail() {
        return true;
    }
}
