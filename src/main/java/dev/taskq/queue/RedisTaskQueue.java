package dev.taskq.queue;

import dev.taskq.config.TaskqSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The queue as a whole, over a pool of connections: enqueueing (status record, list push and event in one
 * MULTI/EXEC round trip, so a task is either fully accepted or not at all), status lookup, the upkeep that keeps
 * tasks moving (heartbeats, due retries, reaping dead consumers) and the dead letters. Each consumer loop gets
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

    /** Up to {@code limit} dead letters, oldest first (order among more than {@code limit} is arbitrary). */
    public List<DeadLetter> deadLetters(int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        try {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams batch = new ScanParams().count(Math.min(limit, 500));
            do {
                ScanResult<Map.Entry<String, String>> page = client.hscan(keys.dead(), cursor, batch);
                page.getResult().forEach(entry -> letters.add(DeadLetter.fromJson(entry.getValue())));
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && letters.size() < limit);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        return letters.stream().limit(limit).sorted(Comparator.comparing(DeadLetter::at)).toList();
    }

    /** What became of a request to re-queue a dead letter. */
    public enum Requeue { REQUEUED, NOT_FOUND, NOT_A_TASK }

    /** Puts a dead task back on the queue with a fresh record (attempts start again from zero). */
    public Requeue requeueDeadLetter(String id) {
        try {
            String json = client.hget(keys.dead(), id);
            if (json == null) {
                return Requeue.NOT_FOUND;
            }
            Task task;
            try {
                task = TaskCodec.decode(DeadLetter.fromJson(json).entry());
            } catch (MalformedTaskException e) {
                return Requeue.NOT_A_TASK;
            }
            Object moved = client.eval(RedisScripts.REQUEUE_DEAD,
                    List.of(keys.dead(), keys.ready(), keys.task(task.id()), keys.events()),
                    List.of(id, TaskCodec.encode(task), task.type(), task.createdAt().toString(),
                            TaskEvents.stateChanged(task.id(), TaskState.QUEUED, Instant.now())));
            return Long.valueOf(1).equals(moved) ? Requeue.REQUEUED : Requeue.NOT_FOUND;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Deletes a dead letter and its status record; false when there was none. */
    public boolean deleteDeadLetter(String id) {
        try (AbstractTransaction tx = client.multi()) {
            Response<Long> deleted = tx.hdel(keys.dead(), id);
            tx.del(keys.task(id));
            tx.exec();
            return deleted.get() == 1;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
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
            for (String consumerId : consumerIds) {
                pipeline.psetex(keys.heartbeat(consumerId), ttlMillis, "alive");
            }
            pipeline.sadd(keys.consumers(), consumerIds.toArray(String[]::new));
            descriptions.forEach((consumerId, fields) -> pipeline.hset(keys.consumer(consumerId), fields));
            pipeline.sync();
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
