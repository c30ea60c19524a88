-- Runs a task waiting for a retry now: moves its entry from the delayed set to the right end of the ready list
-- (taken next), marks its record queued (unless it already succeeded) and publishes the event, atomically.
-- KEYS[1] delayed (zset), KEYS[2] ready (list), KEYS[3] the task's status record, KEYS[4] events (channel).
-- ARGV[1] the entry exactly as stored in the delayed set, ARGV[2] the task id, ARGV[3] event time (ISO-8601).
-- Returns 1 when moved, 0 when the entry was no longer waiting (already promoted, or taken).
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
local status = redis.call('HGET', KEYS[3], 'status')
if status and status ~= 'succeeded' then
  redis.call('HSET', KEYS[3], 'status', 'queued')
  redis.call('PUBLISH', KEYS[4], cjson.encode({id = ARGV[2], status = 'queued', at = ARGV[3]}))
end
return 1
