package dev.taskq.bench;

import dev.taskq.queue.Task;
import dev.taskq.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Blocks until interrupted (at undeploy). One such task keeps the only consumer busy while the HTTP benchmark runs,
 * so that figure measures the enqueue path alone, not mails being sent beside it. Benchmark deployment only.
 */
@ApplicationScoped
public class HoldHandler implements TaskHandler {

    public static final String TYPE = "bench-hold";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String handle(Task task) throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
        return null;
    }
}
