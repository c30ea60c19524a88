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
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue as a whole, over a pool of connections: enqueueing (one Lua script, one round trip: limits, backlog
 * cap, idempotency key, status records, list pushes, events and counters, so a task is either fully accepted or
 * not at all), status lookup and the upkeep that keeps tasks moving (heartbeats, due retries, reaping dead
 * consumers); {@link DeadLetters} and {@link QueueStats} share its pool. Each consumer loop gets
 * its own connection through {@link #consumer(String, Map)}. With {@code taskq.queue.partitions} above 1 the
 * queue's keys are several sets, one per hash tag ({@link RedisKeys#partitions}); the upkeep covers each.
 */
@ApplicationScoped
public class RedisTaskQueue {

    @Inject
    TaskqSettings settings;

    private static final Logger LOG = Logger.getLogger(RedisTaskQueue.class.getName());

    private List<RedisKeys> partitions;
    private RedisKeys keys;
    private RedisEndpoint endpoint;
    private UnifiedJedis client;

    @PostConstruct
    void open() {
        partitions = RedisKeys.partitions(settings.keyPrefix(), settings.queuePartitions());
        keys = partitions.get(0);
        endpoint = RedisEndpoint.from(settings);
        client = endpoint.pooledClient("taskq-producer", 64, 16);
        if (partitions.size() > 1 && settings.mailRate().isLimited()) {
            LOG.warning("taskq.queue.partitions has no effect on new tasks while taskq.mail-rate is set: a send rate"
                    + " is one budget, kept in the first partition, so every submission goes there");
        }
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Accepts a request's tasks, all or nothing, in one round trip ({@code enqueue.lua}): an idempotency key seen
     * before answers with its task, a full backlog or a used-up quota refuses; otherwise each task's status record,
     * queue entry, event and counters are written and the quotas counted. A partitioned queue takes up to three
     * round trips (the key looked up, the quotas counted in the first partition, the tasks written in theirs).
     *
     * @throws QueueUnavailableException when Redis did not answer; the tasks may or may not have been stored
     */
    public EnqueueOutcome enqueue(EnqueueRequest request) {
        int replicas = settings.redisMinReplicas();
        Instant now = Instant.now();
        try {
            if (partitions.size() == 1) {
                return EnqueueScript.runAndWait(client, keys, request, true, settings.backlogCap(), now, replicas);
            }
            // Partitioned: the quotas are counted in the first partition, then the tasks written in theirs (with
            // the idempotency key, which decides the partition so that a replay finds it). Between the two steps a
            // refusal or an outage leaves the quotas counted for a request that was not accepted (README).
            RedisKeys partition = partitionFor(request);
            if (request.idempotencyDigest() != null) {
                Optional<EnqueueOutcome> seen = EnqueueScript.seen(client, partition, request);
                if (seen.isPresent()) {
                    return seen.get();
                }
            }
            if (!request.quotas().isEmpty()) {
                EnqueueOutcome admitted = EnqueueScript.admit(client, keys, request, now);
                if (!(admitted instanceof EnqueueOutcome.Accepted)) {
                    return admitted;
                }
            }
            // Each partition holds its share of the cap; all of it while a send rate keeps every task in the first.
            int shares = settings.mailRate().isLimited() ? 1 : partitions.size();
            int backlogShare = settings.backlogCap() == 0 ? 0 : Math.max(1, settings.backlogCap() / shares);
            return EnqueueScript.runAndWait(client, partition, request, false, backlogShare, now, replicas);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Where a request's tasks go: the partition of its idempotency key, or any (at random, which spreads them
     * evenly); the first while a send rate is set (its budget lives there, in one slot).
     */
    private RedisKeys partitionFor(EnqueueRequest request) {
        if (settings.mailRate().isLimited()) {
            return keys;
        }
        int index = request.idempotencyDigest() != null
                ? Math.floorMod(request.idempotencyDigest().hashCode(), partitions.size())
                : ThreadLocalRandom.current().nextInt(partitions.size());
        return partitions.get(index);
    }

    public Optional<TaskRecord> find(String taskId) {
        Map<String, String> hash = recordHash(taskId);
        return hash.isEmpty() ? Optional.empty() : Optional.of(TaskRecord.fromHash(hash));
    }

    /**
     * A task's status record as stored, empty when there is none. A task id does not say which partition holds
     * it: with partitions each is asked, in one pipelined round trip.
     */
    Map<String, String> recordHash(String taskId) {
        try {
            if (partitions.size() == 1) {
                return client.hgetAll(keys.task(taskId));
            }
            List<Response<Map<String, String>>> replies = new ArrayList<>();
            try (AbstractPipeline pipeline = client.pipelined()) {
                partitions.forEach(partition -> replies.add(pipeline.hgetAll(partition.task(taskId))));
                pipeline.sync();
            }
            for (Response<Map<String, String>> reply : replies) {
                Map<String, String> hash = RedisFailures.reply(reply);
                if (!hash.isEmpty()) {
                    return hash;
                }
            }
            return Map.of();
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
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

    /** The keys of the first partition: the only one of an unpartitioned queue, and home of the shared keys. */
    RedisKeys keys() {
        return keys;
    }

    /** The keys of every partition, the first first. */
    List<RedisKeys> partitions() {
        return partitions;
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
        return new QueueConsumer(endpoint, partitions, consumerId, settings.succeededRetention(),
                settings.deadRetention(), settings.heartbeatTtl(), rates);
    }

    /**
     * Marks these consumers alive for one heartbeat TTL, and registers them where the reaper and the console look.
     * {@code descriptions} are written once per consumer (host, server, startedAt), the rest by the outcome scripts.
     */
    public void heartbeat(List<String> consumerIds, Map<String, Map<String, String>> descriptions) {
        long ttlMillis = settings.heartbeatTtl().toMillis();
        // A consumer serves every partition, with a processing list, heartbeat and description in each; each
        // partition gets its own pipeline, so that one whose master is away leaves the others' heartbeats landing
        // (the consumers go on taking tasks there).
        inEveryPartition(partition -> {
            try (AbstractPipeline pipeline = client.pipelined()) {
                List<Response<String>> beats = new ArrayList<>();
                for (String consumerId : consumerIds) {
                    beats.add(pipeline.psetex(partition.heartbeat(consumerId), ttlMillis, "alive"));
                }
                pipeline.sadd(partition.consumers(), consumerIds.toArray(String[]::new));
                descriptions.forEach((consumerId, fields) -> pipeline.hset(partition.consumer(consumerId), fields));
                pipeline.sync();
                // A heartbeat that did not land must not pass unnoticed (an error reply does not make sync() throw).
                beats.forEach(RedisFailures::reply);
            }
            return 0;
        });
    }

    /** Moves retries that are due, and parked tasks whose time to look again has come, back to the queue. */
    public long promoteDue(Iterable<String> taskTypes) {
        double now = System.currentTimeMillis();
        return inEveryPartition(partition -> {
            long moved = TaskMoves.fromWaitingSet(client, partition, partition.delayed(), now);
            for (String type : taskTypes) {
                moved += TaskMoves.fromWaitingSet(client, partition, partition.parked(type), now);
            }
            return moved;
        });
    }

    /** Puts every parked task of this type back on the queue at once: the service it waited for answers again. */
    public long unpark(String taskType) {
        return inEveryPartition(partition -> {
            long moved = 0;
            long batch;
            do {
                batch = TaskMoves.fromWaitingSet(client, partition, partition.parked(taskType),
                        Double.POSITIVE_INFINITY);
                moved += batch;
            } while (batch == TaskMoves.BATCH);
            return moved;
        });
    }

    /** Work done in one partition; returns how many tasks it moved. */
    private interface PartitionWork {
        long run(RedisKeys partition);
    }

    /**
     * Does {@code work} in every partition and adds up what it moved. A partition whose master is away does not
     * hold up the others: its failure is thrown (as an outage) once they are done.
     */
    private long inEveryPartition(PartitionWork work) {
        long moved = 0;
        JedisException away = null;
        for (RedisKeys partition : partitions) {
            try {
                moved += work.run(partition);
            } catch (JedisException e) {
                away = e;
            }
        }
        if (away != null) {
            throw new QueueUnavailableException(away);
        }
        return moved;
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
        return inEveryPartition(partition -> {
            long moved = 0;
            for (String consumerId : client.smembers(partition.consumers())) {
                moved += Math.max(0, TaskMoves.heldBy(client, partition, consumerId, false, true, null));
            }
            return moved;
        });
    }

    /** At shutdown: puts whatever this consumer still holds back on the queue and forgets the consumer. */
    public long release(String consumerId) {
        return inEveryPartition(partition -> TaskMoves.heldBy(client, partition, consumerId, true, true, null));
    }
}
