package dev.taskq.status;

import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.TaskEvent;
import dev.taskq.queue.TaskRecord;
import dev.taskq.queue.TaskState;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's Server-Sent Events stream of one task's states: the current state first, then each change, and the
 * end after a final state. Everything it sends goes through one chain of steps on the executor, so events keep
 * their order and a slow client never holds up the subscription's thread.
 */
final class TaskEventStream implements TaskWatcher {

    static final String EVENT_NAME = "status";
    /** A stream is closed after this long; the browser's EventSource reconnects and gets the current state. */
    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final long RECONNECT_DELAY_MILLIS = 2000;
    private static final Logger LOG = Logger.getLogger(TaskEventStream.class.getName());

    private final String taskId;
    private final SseEventSink sink;
    private final Sse sse;
    private final RedisTaskQueue queue;
    private final TaskEventHub hub;
    private final Executor executor;
    private final Instant opened = Instant.now();
    /** Completed once the first event is out: steps queued before wait behind it. */
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private CompletableFuture<Void> tail = started;
    /** Touched by the steps only, which run one after the other. */
    private TaskState lastSent;
    private volatile boolean closed;

    TaskEventStream(String taskId, SseEventSink sink, Sse sse, RedisTaskQueue queue, TaskEventHub hub) {
        this.taskId = taskId;
        this.sink = sink;
        this.sse = sse;
        this.queue = queue;
        this.hub = hub;
        this.executor = hub.executor();
    }

    /** Sends the current state as the first event; changes that arrived meanwhile follow it. */
    void start(TaskRecord current) {
        deliver(new TaskEvent(taskId, current.state(), Instant.now()));
        started.complete(null);
    }

    @Override
    public void changed(TaskEvent event) {
        then(() -> deliver(event));
    }

    @Override
    public void resync() {
        then(() -> {
            Optional<TaskRecord> task;
            try {
                task = queue.find(taskId);
            } catch (QueueUnavailableException e) {
                return; // Redis is down again: the next resync looks once it is back
            }
            task.ifPresentOrElse(record -> deliver(new TaskEvent(taskId, record.state(), Instant.now())),
                    this::close);
        });
    }

    @Override
    public void keepAlive() {
        then(() -> {
            if (Duration.between(opened, Instant.now()).compareTo(MAX_AGE) > 0) {
                close();
            } else {
                send(sse.newEventBuilder().comment("keep-alive").build());
            }
        });
    }

    @Override
    public void stop() {
        close();
    }

    private synchronized void then(Runnable step) {
        if (!closed) {
            tail = tail.thenRunAsync(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Closing the event stream of task " + taskId, e);
                    close();
                }
            }, executor);
        }
    }

    /** Sends a state unless it is the one sent last (the first event and a change may tell the same). */
    private void deliver(TaskEvent event) {
        if (closed || event.state() == lastSent) {
            return;
        }
        lastSent = event.state();
        send(sse.newEventBuilder()
                .name(EVENT_NAME)
                .data(event.toJson())
                .reconnectDelay(RECONNECT_DELAY_MILLIS)
                .build());
        if (event.state().isFinal()) {
            close();
        }
    }

    private void send(OutboundSseEvent event) {
        if (sink.isClosed()) {
            close(); // the client went away
            return;
        }
        sink.send(event).whenComplete((sent, failure) -> {
            if (failure != null) {
                close();
            }
        });
    }

    private void close() {
        closed = true;
        hub.unwatch(taskId, this);
        try {
            sink.close();
        } catch (RuntimeException e) {
            // Already gone.
        }
    }
}
