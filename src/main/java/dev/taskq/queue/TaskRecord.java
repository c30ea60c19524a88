package dev.taskq.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A task's status record as stored in the Redis hash {@link RedisKeys#task(String)}.
 * Times are null until reached; {@code result} and {@code error} (the last one) are null unless set;
 * {@code errors} holds every failed attempt's error, oldest first; {@code waitingFor} and {@code waitingSince} say,
 * while a task is set aside during an outage of the service it needs, what it waits for (null otherwise).
 */
public record TaskRecord(String id, String type, TaskState state, int attempts, Instant createdAt,
                         Instant startedAt, Instant finishedAt, String result, String error, List<String> errors,
                         String waitingFor, Instant waitingSince) {

    static final String ID = "id";
    static final String TYPE = "type";
    static final String STATE = "status";
    static final String ATTEMPTS = "attempts";
    static final String CREATED_AT = "createdAt";
    static final String STARTED_AT = "startedAt";
    static final String FINISHED_AT = "finishedAt";
    static final String RESULT = "result";
    static final String ERROR = "error";
    /** Prefix of the per-attempt error fields: {@code error.1}, {@code error.2}, … */
    static final String ERROR_OF_ATTEMPT = "error.";
    static final String WAITING_FOR = "waitingFor";
    static final String WAITING_SINCE = "waitingSince";

    static TaskRecord fromHash(Map<String, String> hash) {
        TreeMap<Integer, String> errors = new TreeMap<>();
        hash.forEach((field, value) -> {
            if (field.startsWith(ERROR_OF_ATTEMPT)) {
                errors.put(Integer.parseInt(field.substring(ERROR_OF_ATTEMPT.length())), value);
            }
        });
        return new TaskRecord(hash.get(ID), hash.get(TYPE), TaskState.fromWireName(hash.get(STATE)),
                Integer.parseInt(hash.getOrDefault(ATTEMPTS, "0")), instant(hash.get(CREATED_AT)),
                instant(hash.get(STARTED_AT)), instant(hash.get(FINISHED_AT)), hash.get(RESULT), hash.get(ERROR),
                List.copyOf(errors.values()), hash.get(WAITING_FOR), instant(hash.get(WAITING_SINCE)));
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }
}
