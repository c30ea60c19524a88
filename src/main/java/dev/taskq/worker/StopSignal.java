package dev.taskq.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells consumer loops to stop, and lets them sleep in a way that a stop request cuts short. */
final class StopSignal {

    private final CountDownLatch stopped = new CountDownLatch(1);

    void request() {
        stopped.countDown();
    }

    boolean isRequested() {
        return stopped.getCount() == 0;
    }

    /** Sleeps for {@code duration} or until a stop is requested, whichever comes first. */
    void sleep(Duration duration) {
        try {
            stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
