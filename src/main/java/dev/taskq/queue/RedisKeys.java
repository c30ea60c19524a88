package dev.taskq.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The one place that names Redis keys. Every key starts with the configured prefix written as a Redis Cluster hash
 * tag ({@code {taskq}:…}), so all keys of one queue live in one slot and multi-key commands stay legal on a cluster.
 * A queue split into partitions ({@link #partitions}) has one such set of keys per partition, each under a hash tag
 * of its own; the first partition keeps the plain prefix.
 */
public final class RedisKeys {

    private static final int SLOTS = 16384;

    private final String tag;
    private final int partition;

    public RedisKeys(String prefix) {
        this("{" + prefix + "}", 0);
    }

    private RedisKeys(String tag, int partition) {
        this.tag = tag;
        this.partition = partition;
    }

    /**
     * The keys of each of {@code count} partitions of one queue. Partition 0 is {@code {prefix}}; partition p the
     * first {@code {prefix#p.k}} (k = 0, 1, …; a prefix cannot hold '#', so no other queue's tag) whose slot lies in the middle of the p-th of {@code count} equal
     * slot ranges after partition 0's: a cluster whose masters each hold an equal, contiguous share of the slots
     * (what {@code redis-cli --cluster create} makes) with as many masters as partitions has one partition on each.
     * The names depend on {@code count}: change it only when the queue is empty (README).
     */
    public static List<RedisKeys> partitions(String prefix, int count) {
        List<RedisKeys> partitions = new ArrayList<>(count);
        RedisKeys first = new RedisKeys(prefix);
        partitions.add(first);
        int range = SLOTS / count;
        int firstRange = Math.min(count - 1, JedisClusterCRC16.getSlot(first.tag) / range);
        for (int p = 1; p < count; p++) {
            int low = ((firstRange + p) % count) * range + range / 4;
            int high = low + range / 2;
            for (int k = 0; ; k++) {
                String tag = "{" + prefix + "#" + p + "." + k + "}";
                int slot = JedisClusterCRC16.getSlot(tag);
                if (slot >= low && slot < high) {
                    partitions.add(new RedisKeys(tag, p));
                    break;
                }
            }
        }
        return List.copyOf(partitions);
    }

    /** Which partition of its queue these keys belong to (0 when the queue is not partitioned). */
    public int partition() {
        return partition;
    }

    /** List of tasks waiting for a consumer: LPUSH in, BLMOVE out from the right. */
    public String ready() {
        return tag + ":ready";
    }

    /** List of the tasks one consumer holds right now. */
    public String processing(String consumerId) {
        return tag + ":processing:" + consumerId;
    }

    /** String with a TTL: present while the consumer is alive (refreshed by its server). */
    public String heartbeat(String consumerId) {
        return tag + ":heartbeat:" + consumerId;
    }

    /** Set of the ids of consumers that may hold tasks: where the reaper looks for orphaned processing lists. */
    public String consumers() {
        return tag + ":consumers";
    }

    /** String held (SET NX PX) by the one server that runs a periodic job ({@code name}) this period. */
    public String jobLock(String name) {
        return tag + ":lock:" + name;
    }

    /** Sorted set of tasks waiting for a retry; the score is the time (epoch ms) they are due. */
    public String delayed() {
        return tag + ":delayed";
    }

    /** Hash of dead letters: dead-letter id (the task id when there is one) → JSON with the entry and the reason. */
    public String dead() {
        return tag + ":dead";
    }

    /** Hash holding a task's status record. */
    public String task(String taskId) {
        return tag + ":task:" + taskId;
    }

    /** Pub/sub channel on which every state change is published. */
    public String events() {
        return tag + ":events";
    }

    /** Hash describing a consumer loop for operators: host, server, startedAt, task, taskSince, processed, failed. */
    public String consumer(String consumerId) {
        return tag + ":consumer:" + consumerId;
    }

    /** Sorted set of tasks of one type waiting out an outage of the service they need (score = when to look again). */
    public String parked(String taskType) {
        return tag + ":parked:" + taskType;
    }

    /** Hash of open circuit breakers: {@code <server>|<type>} → JSON {@code {since, error, nextProbe}}. */
    public String breakers() {
        return tag + ":breakers";
    }

    /** String present while an operator has paused the queue: consumers on every server take nothing. */
    public String paused() {
        return tag + ":paused";
    }

    /** Sorted set of dead-letter ids by the time they died (epoch ms), for paging. */
    public String deadAt() {
        return tag + ":dead:at";
    }

    /** List of the latest failed attempts, newest first, capped: JSON {@code {id, type, attempt, error, at}}. */
    public String failures() {
        return tag + ":failures";
    }

    /** Hash of counters since the queue began: {@code <event>:<type>} and the wait/run histograms. */
    public String statsTotal() {
        return tag + ":stats:total";
    }

    /** Hash of one minute's counters (expires after a day and an hour); {@code epochMinute} = epoch ms / 60000. */
    public String statsMinute(long epochMinute) {
        return tag + ":stats:m:" + epochMinute;
    }

    /**
     * String counter of one abuse limit for one subject, e.g. {@code limit("to:h", digest)}: a fixed window that
     * expires by itself. The subject is a digest, so no address is stored in a key name.
     */
    public String limit(String kind, String subjectDigest) {
        return tag + ":limit:" + kind + ":" + subjectDigest;
    }

    /** Hash {fingerprint, id} remembering an Idempotency-Key for 24 h; the name holds a digest of the key. */
    public String idempotency(String keyDigest) {
        return tag + ":idem:" + keyDigest;
    }

    /** Sorted set of the runs started within one window of a shared send rate (score: start, Redis clock, epoch µs). */
    public String sendRate(String group, Duration window) {
        return tag + ":rate:" + group + ":" + window.toMillis();
    }

    /** String: when the next start of a shared send rate is due (epoch µs), for its even spacing. */
    public String sendRatePace(String group) {
        return tag + ":rate:" + group + ":pace";
    }

    /** Pattern matching every key of this queue (for operators and tests). */
    public String all() {
        return tag + ":*";
    }
}
