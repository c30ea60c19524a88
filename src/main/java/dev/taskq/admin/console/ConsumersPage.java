package dev.taskq.admin.console;

import dev.taskq.queue.QueueStats;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The consumers page: every consumer loop on this Redis, across servers, with its lease and current task. */
@Named("consumers")
@RequestScoped
public class ConsumersPage {

    @Inject
    QueueStats stats;

    private List<QueueStats.Consumer> all;

    @PostConstruct
    void read() {
        all = stats.consumers();
    }

    public List<QueueStats.Consumer> getAll() {
        return all;
    }

    public String since(String iso) {
        return Formats.instant(iso);
    }

    public String heartbeat(QueueStats.Consumer consumer) {
        return consumer.alive() ? "expires in " + Formats.duration(Duration.ofMillis(consumer.heartbeatMillisLeft()))
                : "none: dead until reaped";
    }

    /** For how long the consumer has run its current task. */
    public String taskFor(QueueStats.Consumer consumer) {
        String since = consumer.detail("taskSince");
        if (consumer.detail("task").isEmpty() || since.isEmpty()) {
            return "";
        }
        Instant start = Formats.parse(since);
        return start == null ? "" : Formats.duration(Duration.between(start, Instant.now()));
    }
}
