-- Moves tasks from a waiting set (retries that are due, or tasks parked during an outage) to the front of the ready
-- queue, each only if it is still in the set (several servers may promote at once).
-- KEYS[1] ready list   KEYS[2] events channel   KEYS[3] the waiting set   KEYS[3 + i] status record of the i-th entry
-- ARGV[1] now, ISO-8601   ARGV[2 * i] the i-th entry the caller read from the set   ARGV[2 * i + 1] its task id
-- (earliest first). Returns the number moved. The latest is pushed first, so the earliest comes out first.
local moved = 0
local i = (#ARGV - 1) / 2
while i >= 1 do
  local entry, id = ARGV[2 * i], ARGV[2 * i + 1]
  if redis.call('ZREM', KEYS[3], entry) == 1 then
    redis.call('RPUSH', KEYS[1], entry)
    moved = moved + 1
    local status = redis.call('HGET', KEYS[3 + i], 'status')
    if status == 'retrying' then
      redis.call('HSET', KEYS[3 + i], 'status', 'queued')
      redis.call('PUBLISH', KEYS[2], cjson.encode({id = id, status = 'queued', at = ARGV[1]}))
    end
  end
  i = i - 1
end
return moved
