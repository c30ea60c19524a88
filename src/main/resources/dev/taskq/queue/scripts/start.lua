-- Records the start of a run of the task this consumer just took, if it still holds it and the queue is not paused.
-- KEYS[1] this consumer's processing list   KEYS[2] ready list   KEYS[3] paused flag   KEYS[4] this consumer's hash
-- KEYS[5] events channel   KEYS[6] counters since the start   KEYS[7] this minute's counters
-- KEYS[8] the task's status record
-- ARGV[1] the entry   ARGV[2] now, epoch ms   ARGV[3] now, ISO-8601   ARGV[4] task id   ARGV[5] task type
-- ARGV[6] createdAt   ARGV[7] time-in-queue histogram bucket   ARGV[8] time in queue, ms
-- Returns {1, attempt, earlier result or false} when started; {0} when the entry is no longer held; {3} when the
-- queue is paused (the entry went back to the front of the queue).
if not redis.call('LPOS', KEYS[1], ARGV[1]) then return {0} end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('LREM', KEYS[1], 1, ARGV[1])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return {3}
end
-- The same start repeated after its reply was lost: nothing more to count.
local earlier = redis.call('HMGET', KEYS[8], 'status', 'startedAt', 'attempts', 'result')
if earlier[1] == 'processing' and earlier[2] == ARGV[3] then
  return {1, tonumber(earlier[3]), earlier[4]}
end
-- id, type and createdAt again: a task pushed by another producer may come without a record.
redis.call('HSET', KEYS[8], 'id', ARGV[4], 'type', ARGV[5], 'createdAt', ARGV[6], 'status', 'processing',
           'startedAt', ARGV[3])
redis.call('HDEL', KEYS[8], 'waitingFor', 'waitingSince')
local attempt = redis.call('HINCRBY', KEYS[8], 'attempts', 1)
local result = redis.call('HGET', KEYS[8], 'result')
redis.call('HSET', KEYS[4], 'task', ARGV[4], 'taskSince', ARGV[3])
if attempt == 1 then
  redis.call('HINCRBY', KEYS[6], 'wait_le:' .. ARGV[7], 1)
  redis.call('HINCRBY', KEYS[6], 'wait_sum_ms', ARGV[8])
  redis.call('HINCRBY', KEYS[6], 'wait_count', 1)
  redis.call('HINCRBY', KEYS[7], 'wait_le:' .. ARGV[7], 1)
  redis.call('EXPIRE', KEYS[7], 90000)
end
redis.call('PUBLISH', KEYS[5], cjson.encode({id = ARGV[4], status = 'processing', at = ARGV[3]}))
return {1, attempt, result}
