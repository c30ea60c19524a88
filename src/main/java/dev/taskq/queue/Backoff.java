package dev.taskq.queue;

import java.time.Duration;

/** Capped exponential delay between reconnection attempts: 100 ms, 200 ms, … up to the cap. */
public final class Backoff {

    private static final Duration FIRST = Duration.ofMillis(100);

    private final Duration cap;
    private Duration next = FIRST;

    public Backoff(Duration cap) {
        this.cap = cap;
    }

    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(cap) > 0 ? cap : doubled;
        return current;
    }

    public void reset() {
        next = FIRST;
    }
}
