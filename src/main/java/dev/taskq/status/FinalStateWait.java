package dev.taskq.status;

import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskEvent;
import dev.taskq.queue.TaskRecord;
import dev.taskq.rest.Problem;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A suspended {@code GET /api/tasks/{id}?wait=N}: answered with the status record as soon as the task is final
 * (or gone), or when the wait times out, whichever comes first. No request thread waits meanwhile.
 */
final class FinalStateWait implements TaskWatcher {

    private final String taskId;
    private final AsyncResponse response;
    private final RedisTaskQueue queue;
    private final Executor executor;
    private final AtomicBoolean answered = new AtomicBoolean();

    FinalStateWait(String taskId, AsyncResponse response, RedisTaskQueue queue, Executor executor) {
        this.taskId = taskId;
        this.response = response;
        this.queue = queue;
        this.executor = executor;
    }

    /** Answers now if the task is final or unknown; otherwise keeps waiting. Reads Redis. */
    void answerIfSettled() {
        Optional<TaskRecord> task = queue.find(taskId);
        if (task.isEmpty() || task.get().state().isFinal()) {
            answer(TaskStatusResource.answer(task));
        }
    }

    /** Answers with the record as it is now, final or not (the wait is over). Reads Redis. */
    void answerNow() {
        try {
            answer(TaskStatusResource.answer(queue.find(taskId)));
        } catch (QueueUnavailableException e) {
            answer(e);
        }
    }

    @Override
    public void changed(TaskEvent event) {
        if (event.state().isFinal() && !answered.get()) {
            executor.execute(this::answerNow);
        }
    }

    @Override
    public void resync() {
        executor.execute(() -> {
            try {
                answerIfSettled();
            } catch (QueueUnavailableException e) {
                // Keep waiting: the timeout answers if Redis stays away.
            }
        });
    }

    @Override
    public void keepAlive() {
        // The wait's own timeout (at most 30 s) ends it.
    }

    @Override
    public void stop() {
        answer(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "The server is stopping; please ask again.")
                .toResponse());
    }

    /** Resumes the request once; later answers are dropped. */
    private void answer(Response answer) {
        if (answered.compareAndSet(false, true)) {
            response.resume(answer);
        }
    }

    /** Resumes the request once with an error, answered by its exception mapper. */
    private void answer(RuntimeException error) {
        if (answered.compareAndSet(false, true)) {
            response.resume(error);
        }
    }
}
