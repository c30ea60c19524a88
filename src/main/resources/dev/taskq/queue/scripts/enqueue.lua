-- Accepts one submission's tasks, all or nothing, in one round trip: the idempotency-key lookup, the backlog cap,
-- the abuse limits (quotas), then for each task its status record, the queue entry, the event and the counters.
--
-- KEYS[1]  ready list                 KEYS[2] events channel
-- KEYS[3]  stats:total hash           KEYS[4] stats:m:<epochMinute> hash
-- KEYS[5]  idempotency record, a hash {fingerprint, id} (only read or written when ARGV[4] == '1')
-- KEYS[6 .. 5+Q]        one counter per quota
-- KEYS[6+Q .. 5+Q+T]    one status record per task
-- KEYS[6+Q+T .. 5+Q+T+W] the sets whose tasks also wait: the delayed set and the parked set of each type
--
-- ARGV[1]  backlog cap (0 = none)     ARGV[2] idempotency TTL (s)   ARGV[3] stats minute TTL (s)
-- ARGV[4]  '1' when an idempotency key is given, else '0'
-- ARGV[5]  fingerprint of the request (what the idempotency key must come with again)
-- ARGV[6]  Q = number of quotas, then per quota: max, window (ms)
-- then     T = number of tasks, then per task: id, type, createdAt, entry (JSON), event (JSON)
-- then     W = number of those waiting sets
-- A partitioned queue runs it twice: with the quotas and no task in the first partition, then with the tasks and
-- no quota in theirs.
--
-- Returns {code, value}:
--   {0, first task id}   accepted          {1, task id}   replayed: the key was seen with this request before
--   {2, ''}              the key was seen with another request (422)
--   {3, ''}              backlog full
--   {4 + i, ms}          quota i (1-based) used up (the one whose window ends last); ms until it ends
local cap = tonumber(ARGV[1])
local idemTtl = tonumber(ARGV[2])
local minuteTtl = tonumber(ARGV[3])
local withKey = ARGV[4] == '1'
local fingerprint = ARGV[5]
local quotas = tonumber(ARGV[6])
local argTasks = 7 + 2 * quotas
local tasks = tonumber(ARGV[argTasks])

-- A replay is answered before anything else and counts against no limit.
if withKey then
  local seen = redis.call('HMGET', KEYS[5], 'fingerprint', 'id')
  if seen[1] then
    if seen[1] == fingerprint then return {1, seen[2]} end
    return {2, ''}
  end
end

if cap > 0 then
  -- Waiting means ready, retrying or parked during an outage: KEYS after the records, their number after the tasks.
  local waiting = redis.call('LLEN', KEYS[1])
  local sets = tonumber(ARGV[argTasks + 1 + 5 * tasks] or '0')
  for w = 1, sets do waiting = waiting + redis.call('ZCARD', KEYS[5 + quotas + tasks + w]) end
  if waiting + tasks > cap then return {3, ''} end
end

-- Every quota is checked before any is counted; a refusal names the one that frees up last.
local refused, longest = 0, -1
for i = 1, quotas do
  local max = tonumber(ARGV[5 + 2 * i])
  local used = tonumber(redis.call('GET', KEYS[5 + i]) or '0')
  if used >= max then
    local left = redis.call('PTTL', KEYS[5 + i])
    if left < 0 then left = tonumber(ARGV[6 + 2 * i]) end
    if left > longest then refused, longest = i, left end
  end
end
if refused > 0 then return {4 + refused, longest} end
-- Fixed windows that start with their first use: INCR, and the expiry set once.
for i = 1, quotas do
  if redis.call('INCR', KEYS[5 + i]) == 1 then
    redis.call('PEXPIRE', KEYS[5 + i], ARGV[6 + 2 * i])
  end
end

local firstId = tasks > 0 and ARGV[argTasks + 1] or ''
for t = 0, tasks - 1 do
  local a = argTasks + 1 + 5 * t
  local id, taskType = ARGV[a], ARGV[a + 1]
  redis.call('HSET', KEYS[6 + quotas + t], 'id', id, 'type', taskType, 'status', 'queued', 'attempts', '0',
             'createdAt', ARGV[a + 2])
  redis.call('LPUSH', KEYS[1], ARGV[a + 3])
  redis.call('PUBLISH', KEYS[2], ARGV[a + 4])
  redis.call('HINCRBY', KEYS[3], 'enqueued:' .. taskType, 1)
end
-- The minute's hash gets its expiry with its first enqueued (a consumer script does the same with its fields).
if tasks > 0 and redis.call('HINCRBY', KEYS[4], 'enqueued', tasks) == tasks then
  redis.call('EXPIRE', KEYS[4], minuteTtl)
end

if withKey then
  redis.call('HSET', KEYS[5], 'fingerprint', fingerprint, 'id', firstId)
  redis.call('EXPIRE', KEYS[5], idemTtl)
end
return {0, firstId}
