package dev.taskq.worker;

import dev.taskq.queue.Task;

/**
 * Runs tasks of one type. Implementations are CDI beans; the {@link TaskHandlerRegistry} finds them by type.
 */
public interface TaskHandler {

    /** The task type this handler runs; unique among handlers. */
    String type();

    /**
     * Runs the task.
     *
     * @return a short result kept in the task's status record, or null
     * @throws Exception when the task failed; its message is kept as the task's error
     */
    String handle(Task task) throws Exception;
}
