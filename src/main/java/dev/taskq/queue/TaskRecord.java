package dev.taskq.queue;

import java.time.Instant;
import java.util.Map;

/**
 * A task's status record as stored in the Redis hash {@link RedisKeys#task(String)}.
 * Times are null until reached; {@code result} and {@code error} are null unless set.
 */
public record TaskRecord(String id, String type, TaskState state, int attempts, Instant createdAt,
                         Instant startedAt, Instant finishedAt, String result, String error) {

    static final String ID = "id";
    static final String TYPE = "type";
    static final String STATE = "status";
    static final String ATTEMPTS = "attempts";
    static final String CREATED_AT = "createdAt";
    static final String STARTED_AT = "startedAt";
    static final String FINISHED_AT = "finishedAt";
    static final String RESULT = "result";
    static final String ERROR = "error";

    static TaskRecord fromHash(Map<String, String> hash) {
        return new TaskRecord(hash.get(ID), hash.get(TYPE), TaskState.fromWireName(hash.get(STATE)),
                Integer.parseInt(hash.getOrDefault(ATTEMPTS, "0")), instant(hash.get(CREATED_AT)),
                instant(hash.get(STARTED_AT)), instant(hash.get(FINISHED_AT)), hash.get(RESULT), hash.get(ERROR));
    }

    private static Instant instant(String value) {
        return value == null ? null : Instant.parse(value);
    }
}
