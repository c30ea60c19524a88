package dev.taskq.status;

import dev.taskq.queue.TaskRecord;
import dev.taskq.worker.PermanentTaskFailure;

/**
 * What anyone holding a task id may learn of a failure: a plain reason, never the recorded error (it names mail
 * hosts, ports and the servers' replies), which stays in Redis for the admin API and console. The confirmation
 * page's words for each state are in the i18n bundle ({@code state.*}).
 */
final class PublicStatus {

    private PublicStatus() {
    }

    /** Dead at once because the mail server refused the recipient for good (a PermanentTaskFailure). */
    private static boolean refusedForGood(TaskRecord task) {
        return task.error() != null && task.error().startsWith(PermanentTaskFailure.class.getSimpleName() + ":");
    }

    /** Why a task is not (yet) done, for the API; null when nothing went wrong. */
    static String reason(TaskRecord task) {
        return switch (task.state()) {
            case RETRYING -> "could not be delivered yet; trying again";
            case DEAD -> refusedForGood(task) ? "the address was refused" : "could not be delivered";
            case QUEUED -> task.waitingFor() == null ? null : "could not be delivered yet; waiting for the service";
            default -> null;
        };
    }
}
