package dev.taskq.queue;

import dev.taskq.config.TaskqSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue as a whole, over a pool of connections: enqueueing (one Lua script, one round trip: limits, backlog
 * cap, idempotency key, status records, list pushes, events and counters, so a task is either fully accepted or
 * not at all), status lookup and the upkeep that keeps tasks moving (heartbeats, due retries, reaping dead
 * consumers); {@link DeadLetters} and {@link QueueStats} share its pool. Each consumer loop gets
 * its own connection through {@link #consumer(String, Map)}.
 */
@ApplicationScoped
public class RedisTaskQueue {

    @Inject
    TaskqSettings settings;

    private RedisKeys keys;
    private RedisEndpoint endpoint;
    private UnifiedJedis client;

    @PostConstruct
    void open() {
        keys = new RedisKeys(settings.keyPrefix());
        endpoint = RedisEndpoint.from(settings);
        client = endpoint.pooledClient("taskq-producer", 64, 16);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Accepts a request's tasks, all or nothing, in one round trip ({@code enqueue.lua}): an idempotency key seen
     * before answers with its task, a full backlog or a used-up quota refuses; otherwise each task's status record,
     * queue entry, event and counters are written and the quotas counted.
     *
     * @throws QueueUnavailableException when Redis did not answer; the tasks may or may not have been stored
     */
    public EnqueueOutcome enqueue(EnqueueRequest request) {
        try {
            int replicas = settings.redisMinReplicas();
            return replicas == 0 ? EnqueueScript.run(client, keys, request, settings.backlogCap(), Instant.now())
                    : EnqueueScript.runAndWait(client, keys, request, settings.backlogCap(), Instant.now(), replicas);
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

    /**
     * Publishes the keep-alive message on the events channel (see {@link TaskEventSubscription#KEEP_ALIVE}); an
     * outage is left to the subscription to notice. Never throws.
     */
    public void publishKeepAlive() {
        try {
            client.publish(keys.events(), TaskEventSubscription.KEEP_ALIVE);
        } catch (JedisException e) {
            // Redis is away: the subscription finds out by itself.
        }
    }

    /** The pool, for the other Redis-facing classes of this package (dead letters, statistics). */
    UnifiedJedis client() {
        return client;
    }

    RedisKeys keys() {
        return keys;
    }

    /** Where single connections come from (consumers, the events subscription): the master this pool follows. */
    RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * The consumer side for one consumer loop, on a connection of its own; {@code rates} are the shared send rates of
     * the task types that have one.
     */
    public QueueConsumer consumer(String consumerId, Map<String, QueueConsumer.Rate> rates) {
        return new QueueConsumer(endpoint, keys, consumerId, settings.succeededRetention(), settings.deadRetention(),
                settings.heartbeatTtl(), rates);
    }

    /**
     * Marks these consumers alive for one heartbeat TTL, and registers them where the reaper and the console look.
     * {@code descriptions} are written once per consumer (host, server, startedAt), the rest by the outcome scripts.
     */
    public void heartbeat(List<String> consumerIds, Map<String, Map<String, String>> descriptions) {
        long ttlMillis = settings.heartbeatTtl().toMillis();
        try (AbstractPipeline pipeline = client.pipelined()) {
            List<Response<String>> beats = new ArrayList<>();
            for (String consumerId : consumerIds) {
                beats.add(pipeline.psetex(keys.heartbeat(consumerId), ttlMillis, "alive"));
            }
            pipeline.sadd(keys.consumers(), consumerIds.toArray(String[]::new));
            descriptions.forEach((consumerId, fields) -> pipeline.hset(keys.consumer(consumerId), fields));
            pipeline.sync();
            // A heartbeat that did not land must not pass unnoticed (an error reply does not make sync() throw).
            beats.forEach(RedisFailures::reply);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Moves retries that are due, and parked tasks whose time to look again has come, back to the queue. */
    public long promoteDue(Iterable<String> taskTypes) {
        double now = System.currentTimeMillis();
        try {
            long moved = TaskMoves.fromWaitingSet(client, keys, keys.delayed(), now);
            for (String type : taskTypes) {
                moved += TaskMoves.fromWaitingSet(client, keys, keys.parked(type), now);
            }
            return moved;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Puts every parked task of this type back on the queue at once: the service it waited for answers again. */
    public long unpark(String taskType) {
        try {
            long moved = 0;
            long batch;
            do {
                batch = TaskMoves.fromWaitingSet(client, keys, keys.parked(taskType), Double.POSITIVE_INFINITY);
                moved += batch;
            } while (batch == TaskMoves.BATCH);
            return moved;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Shows operators that this server paused a task type ({@code state} JSON), or that it resumed (null). */
    public void breakerState(String server, String taskType, String state) {
        String field = server + "|" + taskType;
        try {
            if (state == null) {
                client.hdel(keys.breakers(), field);
            } else {
                client.hset(keys.breakers(), field, state);
            }
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Re-queues the tasks of every registered consumer whose heartbeat has expired (its server died or stalled);
     * returns how many tasks were moved. Safe to run on several servers at once.
     */
    public long reapOrphans() {
        long moved = 0;
        try {
            for (String consumerId : client.smembers(keys.consumers())) {
                moved += Math.max(0, TaskMoves.heldBy(client, keys, consumerId, false, true, null));
            }
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        return moved;
    }

    /** At shutdown: puts whatever this consumer still holds back on the queue and forgets the consumer. */
    public long release(String consumerId) {
        try {
            return TaskMoves.heldBy(client, keys, consumerId, true, true, null);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }
}
