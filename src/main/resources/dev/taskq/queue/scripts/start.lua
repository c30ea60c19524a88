-- Records the start of a run of the task this consumer just took, if it still holds it and the queue is not paused.
-- KEYS[1] this consumer's processing list   KEYS[2] ready list   KEYS[3] paused flag   KEYS[4] this consumer's hash
-- KEYS[5] events channel   KEYS[6] counters since the start   KEYS[7] this minute's counters
-- KEYS[8] the task's status record
-- ARGV[1] the entry   ARGV[2] now, epoch ms   ARGV[3] now, ISO-8601   ARGV[4] task id   ARGV[5] task type
-- ARGV[6] createdAt   ARGV[7] time-in-queue histogram bucket   ARGV[8] time in queue, ms
-- With a send rate for the task's type: KEYS[9], KEYS[10], … one sorted set per window (the starts within it), then
-- the pace key (when the next start is due); ARGV[9] the number of windows, then per window ARGV[8 + 2i] its limit
-- and ARGV[9 + 2i] its length in ms.
-- Returns {1, attempt, earlier result or false, parks} when started (parks: how often a run of it found the
-- service down); {0} when the entry is no longer held; {3} when the
-- queue is paused, {4, µs} when the send rate is used up for that long (the entry went back to the front of the
-- queue in both cases).
if not redis.call('LPOS', KEYS[1], ARGV[1]) then return {0} end
-- The same start repeated after its reply was lost: nothing more to count.
local earlier = redis.call('HMGET', KEYS[8], 'status', 'startedAt', 'attempts', 'result', 'waitingFor', 'parks')
local parks = tonumber(earlier[6] or '0')
if earlier[1] == 'processing' and earlier[2] == ARGV[3] then
  return {1, tonumber(earlier[3]), earlier[4], parks}
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('LREM', KEYS[1], 1, ARGV[1])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return {3}
end
-- The send rate, timed by Redis' own clock (the one clock every server shares) in microseconds, as at a high rate
-- several consumers start within one millisecond:
-- - sliding windows: no period of a window's length holds more starts than its limit;
-- - pace: the shortest window's starts are also spread evenly (at 98 % of its limit, see below), as a burst would
--   reach the mail server as a burst and varying delivery times would then crowd two windows' mails into one. The
--   pace key holds when the next start is due; a start may come a little early (2 ms, or one spacing if that is
--   shorter), so a consumer that comes late by its wake-up and round trips does not push every later start back
--   (the generic cell rate algorithm with that tolerance; more would let starts come in pairs at 10/s). The pace
--   is 98 % of the limit: mails leave at the pace but arrive after delivery times that vary, and the mail server
--   counts arrivals.
-- Scores and times go to Redis as integer strings ('%.0f'): Lua's own number-to-string conversion keeps 14 digits.
local windows = tonumber(ARGV[9] or '0')
if windows > 0 then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local wait = 0
  for i = 1, windows do
    local key, limit, length = KEYS[8 + i], tonumber(ARGV[8 + 2 * i]), tonumber(ARGV[9 + 2 * i]) * 1000
    redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - length))
    local used = redis.call('ZCARD', key)
    if used >= limit then
      -- Room comes back when the start that put the window at its limit leaves it.
      local first = used - limit
      local leaving = tonumber(redis.call('ZRANGE', key, first, first, 'WITHSCORES')[2])
      wait = math.max(wait, leaving + length - now)
    end
  end
  local pace_key, shortest = KEYS[9 + windows], tonumber(ARGV[11]) * 1000
  local spacing = shortest / tonumber(ARGV[10]) / 0.98
  local early = math.min(spacing, 2000)
  -- Never more than one spacing ahead: a pace written under a slower rate (an earlier setting, another server
  -- during a rolling deployment) must not hold this one back.
  local due = math.min(tonumber(redis.call('GET', pace_key) or '0'), now + spacing)
  wait = math.max(wait, due - early - now)
  if wait > 0 then
    wait = math.ceil(wait)
    redis.call('LREM', KEYS[1], 1, ARGV[1])
    redis.call('RPUSH', KEYS[2], ARGV[1])
    redis.call('HINCRBY', KEYS[6], 'rate_limited', 1)
    redis.call('HINCRBY', KEYS[6], 'rate_wait_us', wait)
    return {4, wait}
  end
  for i = 1, windows do
    redis.call('ZADD', KEYS[8 + i], string.format('%.0f', now), ARGV[4] .. ':' .. time[1] .. '.' .. time[2])
    redis.call('PEXPIRE', KEYS[8 + i], ARGV[9 + 2 * i])
  end
  -- Kept until that start is due at least (with a limit of 1 the spacing is longer than the window).
  redis.call('SET', pace_key, string.format('%.0f', math.max(due, now) + spacing), 'PX',
             string.format('%.0f', math.max(tonumber(ARGV[11]), math.ceil(spacing / 1000) + 1)))
end
-- id, type and createdAt again: a task pushed by another producer may come without a record.
redis.call('HSET', KEYS[8], 'id', ARGV[4], 'type', ARGV[5], 'createdAt', ARGV[6], 'status', 'processing',
           'startedAt', ARGV[3])
if earlier[5] then redis.call('HDEL', KEYS[8], 'waitingFor', 'waitingSince') end
local attempt = redis.call('HINCRBY', KEYS[8], 'attempts', 1)
local result = earlier[4]
redis.call('HSET', KEYS[4], 'task', ARGV[4], 'taskSince', ARGV[3])
if attempt == 1 then
  redis.call('HINCRBY', KEYS[6], 'wait_le:' .. ARGV[7], 1)
  redis.call('HINCRBY', KEYS[6], 'wait_sum_ms', ARGV[8])
  redis.call('HINCRBY', KEYS[6], 'wait_count', 1)
  if redis.call('HINCRBY', KEYS[7], 'wait_le:' .. ARGV[7], 1) == 1 then redis.call('EXPIRE', KEYS[7], 90000) end
end
redis.call('PUBLISH', KEYS[5], cjson.encode({id = ARGV[4], status = 'processing', at = ARGV[3]}))
return {1, attempt, result, parks}
