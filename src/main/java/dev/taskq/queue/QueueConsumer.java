package dev.taskq.queue;

import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * What one consumer loop does in Redis, over a connection of its own (blocking pops must not share one).
 * A task taken with {@link #take} sits on this consumer's processing list until one of {@link #succeeded},
 * {@link #retryLater} or {@link #dead} removes it, in the same transaction that records the outcome.
 * After a connection failure the next call opens a new connection.
 */
public final class QueueConsumer implements AutoCloseable {

    private static final int MAX_TEXT = 2000;

    /** What {@link #started} learnt: the attempt number, and the result of an earlier run that already succeeded. */
    public record Start(int attempt, String earlierResult) {
    }

    private final RedisEndpoint endpoint;
    private final RedisKeys keys;
    private final String consumerId;
    private final Duration succeededRetention;
    private final Duration deadRetention;
    private volatile Jedis connection;
    private boolean connectionIsNew;
    /** Set by {@link #closeForGood()}: no command may reopen a connection any more. */
    private volatile boolean closedForGood;

    QueueConsumer(RedisEndpoint endpoint, RedisKeys keys, String consumerId,
                  Duration succeededRetention, Duration deadRetention) {
        this.endpoint = endpoint;
        this.keys = keys;
        this.consumerId = consumerId;
        this.succeededRetention = succeededRetention;
        this.deadRetention = deadRetention;
    }

    public String consumerId() {
        return consumerId;
    }

    /**
     * Waits up to {@code timeout} for the next task and moves it, atomically, onto this consumer's processing list.
     *
     * @return the raw entry, or null when none arrived in time
     */
    public String take(Duration timeout) {
        return withConnection(jedis -> {
            if (connectionIsNew) {
                requeueUnknownHeldTasks(jedis);
                connectionIsNew = false;
            }
            return jedis.blmove(keys.ready(), keys.processing(consumerId),
                    ListDirection.RIGHT, ListDirection.LEFT, timeout.toMillis() / 1000.0);
        });
    }

    /**
     * A loop only takes when it holds nothing, so anything on its processing list then is a task whose BLMOVE
     * reply was lost with a broken connection: it goes back to the queue instead of staying stuck.
     */
    private void requeueUnknownHeldTasks(Jedis jedis) {
        Instant now = Instant.now();
        jedis.eval(RedisScripts.RELEASE,
                List.of(keys.processing(consumerId), keys.heartbeat(consumerId), keys.ready(), keys.consumers()),
                List.of(consumerId, "1", keys.tag(), now.toString(), "0"));
    }

    /** Records the start of an attempt. */
    public Start started(Task task) {
        Instant now = Instant.now();
        String record = keys.task(task.id());
        return transaction(tx -> {
            // id, type and createdAt again: a task pushed by another producer may come without a record.
            tx.hset(record, Map.of(TaskRecord.ID, task.id(), TaskRecord.TYPE, task.type(),
                    TaskRecord.CREATED_AT, task.createdAt().toString(),
                    TaskRecord.STATE, TaskState.PROCESSING.wireName(), TaskRecord.STARTED_AT, now.toString()));
            Response<Long> attempt = tx.hincrBy(record, TaskRecord.ATTEMPTS, 1);
            Response<String> result = tx.hget(record, TaskRecord.RESULT);
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.PROCESSING, now));
            return () -> new Start(attempt.get().intValue(), result.get());
        });
    }

    /** Acknowledges the task and records its result, atomically: the result is the proof it ran. */
    public void succeeded(Task task, String rawEntry, String result) {
        Instant now = Instant.now();
        String record = keys.task(task.id());
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.hset(record, TaskRecord.STATE, TaskState.SUCCEEDED.wireName());
            tx.hset(record, TaskRecord.FINISHED_AT, now.toString());
            if (result != null) {
                tx.hset(record, TaskRecord.RESULT, bounded(result));
            }
            tx.expire(record, succeededRetention.toSeconds());
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.SUCCEEDED, now));
            return () -> null;
        });
    }

    /** Records a failed attempt and parks the task in the delayed set until {@code due}. */
    public void retryLater(Task task, String rawEntry, int attempt, String error, Instant due) {
        Instant now = Instant.now();
        String record = keys.task(task.id());
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.zadd(keys.delayed(), due.toEpochMilli(), rawEntry);
            tx.hset(record, Map.of(TaskRecord.STATE, TaskState.RETRYING.wireName(),
                    TaskRecord.ERROR, bounded(error),
                    TaskRecord.ERROR_OF_ATTEMPT + attempt, bounded(now + " " + error)));
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.RETRYING, now));
            return () -> null;
        });
    }

    /** Records the last failed attempt and moves the task to the dead letters. */
    public void dead(Task task, String rawEntry, int attempt, String error) {
        Instant now = Instant.now();
        String record = keys.task(task.id());
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.hset(keys.dead(), task.id(), deadLetter(task.id(), rawEntry, error, now));
            tx.hset(record, Map.of(TaskRecord.STATE, TaskState.DEAD.wireName(),
                    TaskRecord.FINISHED_AT, now.toString(),
                    TaskRecord.ERROR, bounded(error),
                    TaskRecord.ERROR_OF_ATTEMPT + attempt, bounded(now + " " + error)));
            tx.expire(record, deadRetention.toSeconds());
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.DEAD, now));
            return () -> null;
        });
    }

    /** Moves an entry that cannot be read as a task to the dead letters, under a new id, with the reason. */
    public void unreadable(String rawEntry, String reason) {
        String id = UUID.randomUUID().toString();
        // A foreign entry may be of any size: keep enough of it to see what it was.
        String letter = deadLetter(id, bounded(rawEntry), reason, Instant.now());
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.hset(keys.dead(), id, letter);
            return () -> null;
        });
    }

    static String deadLetter(String id, String rawEntry, String reason, Instant at) {
        return Json.createObjectBuilder()
                .add("id", id)
                .add("entry", rawEntry)
                .add("reason", bounded(reason))
                .add("at", at.toString())
                .build().toString();
    }

    private <T> T transaction(Function<AbstractTransaction, Supplier<T>> commands) {
        return withConnection(jedis -> {
            try (AbstractTransaction tx = jedis.multi()) {
                Supplier<T> result = commands.apply(tx);
                tx.exec();
                return result.get();
            }
        });
    }

    private <T> T withConnection(Function<Jedis, T> command) {
        Jedis jedis = connection;
        if (jedis == null) {
            if (closedForGood) {
                throw new IllegalStateException("consumer " + consumerId + " was cut off at shutdown");
            }
            jedis = endpoint.openConnection("taskq-consumer:" + consumerId);
            connection = jedis;
            connectionIsNew = true;
        }
        try {
            return command.apply(jedis);
        } catch (JedisConnectionException e) {
            close();
            throw e;
        }
    }

    static String bounded(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    /**
     * Closes the connection and forbids opening another: after this, nothing this consumer does can reach Redis,
     * so shutdown may safely put what it held back on the queue. Safe from another thread.
     */
    public void closeForGood() {
        closedForGood = true;
        close();
    }

    /** Closes the connection; safe from another thread, where it also unblocks a pending {@link #take}. */
    @Override
    public void close() {
        Jedis jedis = connection;
        connection = null;
        if (jedis != null) {
            jedis.close();
        }
    }
}
