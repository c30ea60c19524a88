package dev.taskq.status;

import dev.taskq.queue.TaskState;

/**
 * What anyone holding a task id may learn about it, in plain words: the state, and for a failure a plain reason.
 * Never the recorded error (it names mail hosts, ports and the servers' replies): that stays in Redis for the admin
 * API and console.
 */
final class PublicStatus {

    private PublicStatus() {
    }

    /** The state in words, as the confirmation page shows it. */
    static String describe(TaskState state) {
        return switch (state) {
            case QUEUED -> "Waiting to be sent";
            case PROCESSING -> "Sending…";
            case RETRYING -> "Could not be delivered yet; trying again shortly";
            case SUCCEEDED -> "Sent";
            case DEAD -> "Could not be delivered. We have been notified and will look into it.";
        };
    }

    /** Why a task is not (yet) done, for the API; null when nothing went wrong. */
    static String reason(TaskState state) {
        return switch (state) {
            case RETRYING -> "could not be delivered yet; trying again";
            case DEAD -> "could not be delivered";
            default -> null;
        };
    }
}
