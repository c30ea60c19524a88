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

    /** Sorted set of dead-letter ids by the time they died (epoch ms), for paging newest first. */
    public String deadAt() {
        return tag + ":dead:at";
    }

    /** List of the latest failed attempts, newest first (capped): JSON {id, type, attempt, error, at}. */
    public String failures() {
        return tag + ":failures";
    }

    /** Hash describing one consumer loop: host, server, startedAt, task, taskSince, processed, failed. */
    public String consumer(String consumerId) {
        return tag + ":consumer:" + consumerId;
    }

    /** Sorted set of tasks of one type waiting out an outage of the service they need (no attempt spent). */
    public String parked(String type) {
        return tag + ":parked:" + type;
    }

    /** Hash of open circuit breakers: "server|type" → JSON {since, error, nextProbe}. */
    public String breakers() {
        return tag + ":breakers";
    }

    /** String present while the queue is paused (JSON {since, by}): consumers take nothing. */
    public String paused() {
        return tag + ":paused";
    }

    /** Hash of counters and histogram buckets since the start. */
    public String statsTotal() {
        return tag + ":stats:total";
    }

    /** Hash of one minute's counters and histogram buckets (expires after 25 h). */
    public String statsMinute(long epochMinute) {
        return tag + ":stats:m:" + epochMinute;
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

    /** Pattern matching every key of this queue (for operators and tests). */
    public String all() {
        return tag + ":*";
    }
}
