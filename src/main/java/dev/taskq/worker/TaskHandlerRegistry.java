package dev.taskq.worker;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the handler for a task type among the deployed {@link TaskHandler} beans. */
@ApplicationScoped
public class TaskHandlerRegistry {

    @Inject
    @Any
    Instance<TaskHandler> handlers;

    private final Map<String, TaskHandler> byType = new HashMap<>();

    @PostConstruct
    void index() {
        for (TaskHandler handler : handlers) {
            TaskHandler previous = byType.putIfAbsent(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("Two handlers for task type '" + handler.type() + "': "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    /** The task types there is a handler for. */
    public Set<String> types() {
        return Collections.unmodifiableSet(byType.keySet());
    }

    public Optional<TaskHandler> forType(String type) {
        return Optional.ofNullable(byType.get(type));
    }
}
