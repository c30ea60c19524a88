package dev.taskq.queue;

import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * What one consumer loop does in Redis, over a connection of its own (blocking pops must not share one).
 * A task taken with {@link #take} sits on this consumer's processing list until {@link #succeeded} or
 * {@link #failed} removes it, in the same transaction that records the outcome.
 * After a connection failure the next call opens a new connection.
 */
public final class QueueConsumer implements AutoCloseable {

    private static final int MAX_TEXT = 2000;

    private final RedisEndpoint endpoint;
    private final RedisKeys keys;
    private final String consumerId;
    private final Duration succeededRetention;
    private final Duration deadRetention;
    private volatile Jedis connection;

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
        return withConnection(jedis -> jedis.blmove(keys.ready(), keys.processing(consumerId),
                ListDirection.RIGHT, ListDirection.LEFT, timeout.toMillis() / 1000.0));
    }

    public void started(Task task) {
        Instant now = Instant.now();
        transaction(tx -> {
            tx.hset(keys.task(task.id()), Map.of(
                    TaskRecord.STATE, TaskState.PROCESSING.wireName(),
                    TaskRecord.STARTED_AT, now.toString()));
            tx.hincrBy(keys.task(task.id()), TaskRecord.ATTEMPTS, 1);
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.PROCESSING, now));
        });
    }

    public void succeeded(Task task, String rawEntry, String result) {
        finish(task, rawEntry, TaskState.SUCCEEDED, TaskRecord.RESULT, result, succeededRetention);
    }

    public void failed(Task task, String rawEntry, String error) {
        finish(task, rawEntry, TaskState.DEAD, TaskRecord.ERROR, error, deadRetention);
    }

    /** Moves an entry that cannot be run (unreadable, or of an unknown type) to the dead list, with the reason. */
    public void rejectUnrunnable(String rawEntry, String reason) {
        String deadEntry = Json.createObjectBuilder()
                .add("entry", bounded(rawEntry))
                .add("reason", bounded(reason))
                .add("consumer", consumerId)
                .add("at", Instant.now().toString())
                .build().toString();
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.lpush(keys.dead(), deadEntry);
        });
    }

    private void finish(Task task, String rawEntry, TaskState state, String field, String text, Duration retention) {
        Instant now = Instant.now();
        String recordKey = keys.task(task.id());
        transaction(tx -> {
            tx.lrem(keys.processing(consumerId), 1, rawEntry);
            tx.hset(recordKey, TaskRecord.STATE, state.wireName());
            tx.hset(recordKey, TaskRecord.FINISHED_AT, now.toString());
            if (text != null) {
                tx.hset(recordKey, field, bounded(text));
            }
            tx.expire(recordKey, retention.toSeconds());
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), state, now));
        });
    }

    private void transaction(Consumer<AbstractTransaction> commands) {
        withConnection(jedis -> {
            try (AbstractTransaction tx = jedis.multi()) {
                commands.accept(tx);
                tx.exec();
            }
            return null;
        });
    }

    private <T> T withConnection(java.util.function.Function<Jedis, T> command) {
        Jedis jedis = connection;
        if (jedis == null) {
            jedis = endpoint.openConnection("taskq-consumer:" + consumerId);
            connection = jedis;
        }
        try {
            return command.apply(jedis);
        } catch (JedisConnectionException e) {
            close();
            throw e;
        }
    }

    private static String bounded(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
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
