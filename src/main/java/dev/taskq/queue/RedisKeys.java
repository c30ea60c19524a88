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

    /** List of raw entries that could not be read as tasks, kept for an operator. */
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

    /** Pattern matching every key of this queue (for operators and tests). */
    public String all() {
        return tag + ":*";
    }
}
