package dev.taskq.queue;

/** Lua scripts still kept as text blocks (the others are files under {@code scripts/}, run by {@link LuaScript}). */
final class RedisScripts {

    /**
     * Takes a dead letter back into the queue with a fresh status record, unless someone else already took it.
     * KEYS: dead, ready, record, events. ARGV: id, entry, type, createdAt, event. Returns 1, or 0 when it was gone.
     */
    static final String REQUEUE_DEAD = """
            if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('DEL', KEYS[3])
            redis.call('HSET', KEYS[3], 'id', ARGV[1], 'type', ARGV[3], 'status', 'queued', 'attempts', '0',
                       'createdAt', ARGV[4])
            redis.call('PUBLISH', KEYS[4], ARGV[5])
            return 1
            """;

    private RedisScripts() {
    }
}
