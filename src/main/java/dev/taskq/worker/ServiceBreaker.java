package dev.taskq.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The circuit breaker of one task type on this server. A handler's {@link ServiceUnavailableException} opens it:
 * from then on tasks of that type are parked without running (no attempt spent) while the service is probed with
 * capped backoff; the first probe that passes closes it. A breaker that opens again soon after closing (a mail server
 * that accepts connections but keeps throttling) goes on from the backoff it had reached instead of starting over.
 */
final class ServiceBreaker {

    private static final Logger LOG = Logger.getLogger(ServiceBreaker.class.getName());
    private static final Duration FIRST_PROBE = Duration.ofSeconds(1);
    private static final Duration MAX_PROBE_DELAY = Duration.ofSeconds(30);
    /** Opening again within this time after closing keeps the backoff reached. */
    private static final Duration FLAPPING = Duration.ofSeconds(60);

    /** What operators see of an open breaker. */
    record Snapshot(String taskType, String service, Instant since, String error, Instant nextProbe) {
    }

    private final String taskType;
    private boolean open;
    private String service;
    private Instant since;
    private String error;
    private Duration delay = FIRST_PROBE;
    private Instant nextProbe;
    private Instant closedAt = Instant.EPOCH;

    ServiceBreaker(String taskType) {
        this.taskType = taskType;
    }

    String taskType() {
        return taskType;
    }

    synchronized boolean isOpen() {
        return open;
    }

    /** What a parked task waits for, in words. */
    synchronized String waitingFor() {
        return (service == null ? "a service" : service) + " unavailable";
    }

    /**
     * Opens the breaker (if it is not open yet).
     *
     * @return true when this call opened it
     */
    synchronized boolean open(ServiceUnavailableException cause, Instant now) {
        if (open) {
            return false;
        }
        open = true;
        service = cause.service();
        since = now;
        error = describe(cause);
        boolean flapping = Duration.between(closedAt, now).compareTo(FLAPPING) < 0;
        delay = flapping ? longer(delay) : FIRST_PROBE;
        nextProbe = now.plus(delay);
        LOG.warning(() -> "Paused '" + taskType + "' tasks on this server: " + service + " unavailable ("
                + error + "); probing every " + delay.toSeconds() + " s or more, no attempts are spent");
        return true;
    }

    synchronized boolean probeDue(Instant now) {
        return open && !now.isBefore(nextProbe);
    }

    /** A probe failed: try again later. */
    synchronized void stillDown(Exception cause, Instant now) {
        error = describe(cause);
        delay = longer(delay);
        nextProbe = now.plus(delay);
    }

    /** A probe passed: tasks of this type run again. */
    synchronized void close(Instant now) {
        if (!open) {
            return;
        }
        open = false;
        closedAt = now;
        long seconds = Duration.between(since, now).toSeconds();
        LOG.info(() -> "Resumed '" + taskType + "' tasks on this server: " + service + " answers again after "
                + seconds + " s");
    }

    synchronized Snapshot snapshot() {
        return open ? new Snapshot(taskType, service, since, error, nextProbe) : null;
    }

    private static Duration longer(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(MAX_PROBE_DELAY) > 0 ? MAX_PROBE_DELAY : doubled;
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
