-- Shared head of the outcome scripts (succeed, retry, dead, park, discard). Their common KEYS and ARGV:
-- KEYS[1] this consumer's processing list   KEYS[2] ready list            KEYS[3] paused flag
-- KEYS[4] this consumer's hash              KEYS[5] events channel        KEYS[6] counters since the start
-- KEYS[7] this minute's counters
-- ARGV[1] '1' to take the next task afterwards ('0' not to)
-- ARGV[2] the entry whose outcome is recorded   ARGV[3] now, epoch ms   ARGV[4] now, ISO-8601
-- Every script returns {applied, took, entry}: applied 1 when the outcome was recorded, 0 when this consumer no
-- longer held the entry (nothing was changed); took 0 not asked, 1 taken (entry follows), 2 queue empty, 3 paused.

-- The fence: removes the entry from this consumer's processing list if it is still there. A consumer whose tasks
-- were re-queued by a reaper (its lease expired), or that repeats an outcome whose reply it lost, finds nothing.
local function still_held()
  return redis.call('LREM', KEYS[1], 1, ARGV[2]) == 1
end

local function publish(id, status)
  redis.call('PUBLISH', KEYS[5], cjson.encode({id = id, status = status, at = ARGV[4]}))
end

-- Counters for operators: since the start, and per minute (kept a day and an hour).
local function count(event, task_type)
  redis.call('HINCRBY', KEYS[6], event .. ':' .. task_type, 1)
  -- The minute's hash gets its expiry with its first field (later fields find it set).
  if redis.call('HINCRBY', KEYS[7], event, 1) == 1 then redis.call('EXPIRE', KEYS[7], 90000) end
end

-- Run time of the attempt just finished, into the histogram bucket the caller chose.
local function run_time(bucket, millis)
  redis.call('HINCRBY', KEYS[6], 'run_le:' .. bucket, 1)
  redis.call('HINCRBY', KEYS[6], 'run_sum_ms', millis)
  redis.call('HINCRBY', KEYS[6], 'run_count', 1)
  if redis.call('HINCRBY', KEYS[7], 'run_le:' .. bucket, 1) == 1 then redis.call('EXPIRE', KEYS[7], 90000) end
end

-- The consumer no longer runs anything; processed or failed counts one more.
local function consumer_done(counter)
  redis.call('HSET', KEYS[4], 'task', '', 'taskSince', '')
  redis.call('HINCRBY', KEYS[4], counter, 1)
end

local function finish(applied)
  if ARGV[1] ~= '1' then return {applied, 0} end
  -- A consumer runs one task at a time, and an outcome that applied proves this call is its current one (it runs
  -- nothing else until the outcome is recorded): anything left on its list now is a stray, a take whose reply
  -- never came back (say, sent just before a network cut and delivered after it healed, when the consumer had
  -- reconnected and cleared its list). Back to the front of the queue, or it would wait there under a live
  -- heartbeat, unseen by any reaper. An outcome that did not apply may itself be such a late call, sent while the
  -- consumer runs another task: it sweeps nothing.
  if applied == 1 then
    while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do end
  end
  if redis.call('EXISTS', KEYS[3]) == 1 then return {applied, 3} end
  local entry = redis.call('LMOVE', KEYS[2], KEYS[1], 'RIGHT', 'LEFT')
  if not entry then return {applied, 2} end
  return {applied, 1, entry}
end
