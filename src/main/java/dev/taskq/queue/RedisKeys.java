package dev.taskq.queue;

/**
 * The one place that names Redis keys. Every key starts with the configured prefix written as a Redis Cluster hash
 * tag ({@code {taskq}:…}), so all keys of one queue live in one slot and multi-key commands stay legal on a cluster.
 */
public final class RedisKeys {

    private final String tag;

    public RedisKeys(String prefix) {
        this.tag = "{" + prefix + "}";
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

    /** Sorted set of tasks waiting for a retry; the score is the time (epoch ms) they are due. */
    public String delayed() {
        return tag + ":delayed";
    }

    /** Hash of dead letters: dead-letter id (the task id when there is one) → JSON with the entry and the reason. */
    public String dead() {
        return tag + ":dead";
    }

    /** The prefix of every key, for Lua scripts that derive the status record key from a task id. */
    String tag() {
        return tag + ":";
    }

    /** Hash holding a task's status record. */
    public String task(String taskId) {
        return tag + ":task:" + taskId;
    }

    /** Pub/sub channel on which every state change is published. */
    public String events() {
        return tag + ":events";
    }

    /** Hash of counters since the start: {@code enqueued:<type>}, {@code succeeded:<type>}, … */
    public String statsTotal() {
        return tag + ":stats:total";
    }

    /** Hash of one minute's counters ({@code enqueued}, {@code succeeded}, …); expires after 25 h. */
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

    /** Pattern matching every key of this queue (for operators and tests). */
    public String all() {
        return tag + ":*";
    }
}
