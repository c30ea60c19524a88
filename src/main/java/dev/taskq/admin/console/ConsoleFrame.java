package dev.taskq.admin.console;

import dev.taskq.queue.QueueStats;
import dev.taskq.queue.QueueUnavailableException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** What every console page shows in its frame: whether the queue is paused (one GET per page). */
@Named("frame")
@RequestScoped
public class ConsoleFrame {

    @Inject
    QueueStats stats;

    private Boolean paused;

    public boolean isPaused() {
        if (paused == null) {
            try {
                paused = stats.pause() != null;
            } catch (QueueUnavailableException e) {
                paused = false;
            }
        }
        return paused;
    }
}
