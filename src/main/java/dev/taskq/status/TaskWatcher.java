package dev.taskq.status;

import dev.taskq.queue.TaskEvent;

/**
 * Someone following one task through {@link TaskEventHub}: an SSE stream or a request waiting for a final state.
 * The hub calls these methods on its own threads (the subscription's among them), so none of them may block:
 * work that reads Redis or writes to a client runs on the hub's executor.
 */
public interface TaskWatcher {

    /** The task entered a new state. */
    void changed(TaskEvent event);

    /** Events may have been missed (the subscription started or came back): look at the status record again. */
    void resync();

    /** Called every few seconds: a chance to keep a connection alive or to give up on a forgotten one. */
    void keepAlive();

    /** The application is stopping: end now. */
    void stop();
}
