package dev.taskq.queue;

/**
 * Lua scripts for moves that must be atomic. They derive status-record keys from task ids (via the key prefix
 * passed in ARGV); every key shares the prefix's hash tag, so all of them live in one Redis Cluster slot.
 */
final class RedisScripts {

    /** Marks a re-queued task's record {@code queued} (unless it already succeeded) and publishes the event. */
    private static final String REQUEUED = """
            local function requeued(entry, tag, at)
              local ok, task = pcall(cjson.decode, entry)
              if not ok or type(task) ~= 'table' or type(task.id) ~= 'string' then return end
              local record = tag .. 'task:' .. task.id
              local status = redis.call('HGET', record, 'status')
              if status and status ~= 'succeeded' then
                redis.call('HSET', record, 'status', 'queued')
                redis.call('PUBLISH', tag .. 'events', cjson.encode({id = task.id, status = 'queued', at = at}))
              end
            end
            """;

    /**
     * Moves a consumer's processing list back to the ready queue — unless its heartbeat is alive and ARGV[2] is '0'
     * (the reaper's check and move are one atomic step, so several servers may reap) — and, when ARGV[5] is '1',
     * forgets the consumer (heartbeat and registration).
     * KEYS: processing, heartbeat, ready, consumers. ARGV: consumer id, force ('1'/'0'), key tag, event time,
     * forget ('1'/'0'). Returns the number of tasks moved, or -1 when the consumer is alive.
     */
    static final String RELEASE = REQUEUED + """
            if ARGV[2] == '0' and redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
            local moved = 0
            while true do
              local entry = redis.call('LMOVE', KEYS[1], KEYS[3], 'RIGHT', 'RIGHT')
              if not entry then break end
              moved = moved + 1
              requeued(entry, ARGV[3], ARGV[4])
            end
            if ARGV[5] == '1' then
              redis.call('DEL', KEYS[2])
              redis.call('SREM', KEYS[4], ARGV[1])
            end
            return moved
            """;

    /**
     * Moves retries that are due from the delayed set to the front of the ready queue.
     * KEYS: delayed, ready. ARGV: now (epoch ms), key tag, event time. Returns the number moved.
     */
    static final String PROMOTE_DUE = REQUEUED + """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
            for _, entry in ipairs(due) do
              redis.call('ZREM', KEYS[1], entry)
              redis.call('RPUSH', KEYS[2], entry)
              requeued(entry, ARGV[2], ARGV[3])
            end
            return #due
            """;

    private RedisScripts() {
    }
}
