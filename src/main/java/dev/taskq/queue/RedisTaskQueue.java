package dev.taskq.queue;

import dev.taskq.config.TaskqSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue as a whole, over a pool of connections: enqueueing (status record, list push and event in one
 * MULTI/EXEC round trip, so a task is either fully accepted or not at all), status lookup and the upkeep that keeps
 * tasks moving (heartbeats, due retries, reaping dead consumers); {@link DeadLetters} and {@link QueueStats} share
 * its pool. Each consumer loop gets
 * its own connection through {@link #consumer(String)}.
 */
@ApplicationScoped
public class RedisTaskQueue {

    @Inject
    TaskqSettings settings;

    private RedisKeys keys;
    private RedisEndpoint endpoint;
    private RedisClient client;

    @PostConstruct
    void open() {
        keys = new RedisKeys(settings.keyPrefix());
        endpoint = new RedisEndpoint(settings.redisUri());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        // Never park a request thread for long on an exhausted pool: fail and let the caller answer 503.
        pool.setMaxWait(Duration.ofSeconds(2));
        // Connections are made on first use, so a deployment succeeds while Redis is down.
        client = RedisClient.builder()
                .hostAndPort(endpoint.hostAndPort())
                .clientConfig(endpoint.clientConfig("taskq-producer"))
                .poolConfig(pool)
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Accepts a task: status record, queue entry and event, all or nothing. */
    public void enqueue(Task task) {
        Instant now = Instant.now();
        try (AbstractTransaction tx = client.multi()) {
            tx.hset(keys.task(task.id()), Map.of(
                    TaskRecord.ID, task.id(),
                    TaskRecord.TYPE, task.type(),
                    TaskRecord.STATE, TaskState.QUEUED.wireName(),
                    TaskRecord.ATTEMPTS, "0",
                    TaskRecord.CREATED_AT, task.createdAt().toString()));
            tx.lpush(keys.ready(), TaskCodec.encode(task));
            tx.publish(keys.events(), TaskEvents.stateChanged(task.id(), TaskState.QUEUED, now));
            tx.exec();
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    public Optional<TaskRecord> find(String taskId) {
        Map<String, String> hash;
        try {
            hash = client.hgetAll(keys.task(taskId));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        return hash.isEmpty() ? Optional.empty() : Optional.of(TaskRecord.fromHash(hash));
    }

    /** The pool, for the other Redis-facing classes of this package (dead letters, statistics). */
    RedisClient client() {
        return client;
    }

    RedisKeys keys() {
        return keys;
    }

    /** The consumer side for one consumer loop, on a connection of its own. */
    public QueueConsumer consumer(String consumerId) {
        return new QueueConsumer(endpoint, keys, consumerId, settings.succeededRetention(), settings.deadRetention());
    }

    /** Marks these consumers alive for one heartbeat TTL, and registers them where the reaper looks. */
    public void heartbeat(List<String> consumerIds) {
        long ttlMillis = settings.heartbeatTtl().toMillis();
        try (AbstractPipeline pipeline = client.pipelined()) {
            for (String consumerId : consumerIds) {
                pipeline.psetex(keys.heartbeat(consumerId), ttlMillis, "alive");
            }
            pipeline.sadd(keys.consumers(), consumerIds.toArray(String[]::new));
            pipeline.sync();
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Moves retries that are due back to the front of the queue; returns how many. */
    public long promoteDueRetries() {
        Instant now = Instant.now();
        try {
            return (Long) client.eval(RedisScripts.PROMOTE_DUE, List.of(keys.delayed(), keys.ready()),
                    List.of(String.valueOf(now.toEpochMilli()), keys.tag(), now.toString()));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Re-queues the tasks of every registered consumer whose heartbeat has expired (its server died);
     * returns how many tasks were moved. Safe to run on several servers at once.
     */
    public long reapOrphans() {
        long moved = 0;
        try {
            for (String consumerId : client.smembers(keys.consumers())) {
                moved += Math.max(0, release(consumerId, false));
            }
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        return moved;
    }

    /** At shutdown: puts whatever this consumer still holds back on the queue and forgets the consumer. */
    public long release(String consumerId) {
        try {
            return release(consumerId, true);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    private long release(String consumerId, boolean force) {
        Instant now = Instant.now();
        return (Long) client.eval(RedisScripts.RELEASE,
                List.of(keys.processing(consumerId), keys.heartbeat(consumerId), keys.ready(), keys.consumers()),
                List.of(consumerId, force ? "1" : "0", keys.tag(), now.toString(), "1"));
    }
}
