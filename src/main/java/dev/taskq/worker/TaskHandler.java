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
     * @throws ServiceUnavailableException when a service the handler needs is down (no attempt is spent)
     * @throws PermanentTaskFailure when the task can never succeed (dead-lettered at once)
     * @throws Exception when the task failed; its message is kept as the task's error and it is retried later
     */
    String handle(Task task) throws Exception;

    /**
     * Checks whether the service behind this handler answers again, after {@link #handle} threw a
     * {@link ServiceUnavailableException}; called with backoff until it returns normally. Must be bounded in time.
     *
     * @throws Exception while the service is still down
     */
    default void probe() throws Exception {
    }

    /** Whether runs of this type send mail: all such types share the send rate {@code taskq.mail-rate}. */
    default boolean sendsMail() {
        return false;
    }
}
