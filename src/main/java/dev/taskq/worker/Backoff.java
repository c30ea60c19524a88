package dev.taskq.worker;

import java.time.Duration;

/** Capped exponential delay between reconnection attempts: 100 ms, 200 ms, … up to the cap. */
final class Backoff {

    private static final Duration FIRST = Duration.ofMillis(100);

    private final Duration cap;
    private Duration next = FIRST;

    Backoff(Duration cap) {
        this.cap = cap;
    }

    Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(cap) > 0 ? cap : doubled;
        return current;
    }

    void reset() {
        next = FIRST;
    }
}
