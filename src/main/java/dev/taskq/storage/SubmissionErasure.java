package dev.taskq.storage;

import dev.taskq.mail.ConfirmationMailHandler;
import dev.taskq.queue.RedisSubmissionData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Erasure by address, for the API and the console: every kept row with that address, and in Redis every waiting
 * task, dead letter and status record holding it.
 */
@ApplicationScoped
public class SubmissionErasure {

    /** The types of a submission's tasks: their parked sets (tasks waiting out an outage) are searched too. */
    static final List<String> TASK_TYPES = List.of(ConfirmationMailHandler.TYPE, SubmissionTasks.STORE_TYPE,
            SubmissionTasks.NOTIFY_TYPE);

    private static final Logger LOG = Logger.getLogger(SubmissionErasure.class.getName());

    @Inject
    SubmissionStore store;

    @Inject
    RedisSubmissionData redis;

    /** What was removed. */
    public record Result(int rows, long queuedTasks, long deadLetters, long statusRecords) {
    }

    /** How many kept rows hold the address (what an operator confirms before erasing). */
    public int rowsHolding(String email) {
        return store.idsByEmail(email).size();
    }

    public Result erase(String email) {
        List<String> taskIds = new ArrayList<>();
        store.idsByEmail(email).forEach(id -> taskIds.addAll(SubmissionTasks.taskIds(id)));
        // Redis first: a waiting store task removed here cannot write the row again after the delete below.
        RedisSubmissionData.Erased erased = redis.erase(email, taskIds, TASK_TYPES);
        int rows = store.deleteByEmail(email);
        Result result = new Result(rows, erased.queuedTasks(), erased.deadLetters(), erased.statusRecords());
        // Counts only: the address is personal data and stays out of the log.
        LOG.info(() -> "Erasure by address: " + result);
        return result;
    }
}
