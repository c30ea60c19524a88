-- Puts the tasks a consumer holds back at the front of the ready queue: for a consumer whose lease expired (unless
-- its heartbeat is alive and ARGV[2] is '0': the reaper's check and move are one step, so several servers may reap),
-- at shutdown, and for entries whose BLMOVE reply a consumer lost. With ARGV[4] = '1' the consumer is forgotten.
-- KEYS[1] the consumer's processing list   KEYS[2] its heartbeat   KEYS[3] ready list   KEYS[4] consumers set
-- KEYS[5] the consumer's hash   KEYS[6] events channel   KEYS[6 + i] status record of the i-th entry below
-- ARGV[1] consumer id   ARGV[2] force ('1'/'0')   ARGV[3] now, ISO-8601   ARGV[4] forget ('1'/'0')
-- ARGV[5] an entry to keep (the one the consumer is running), or ''
-- ARGV[4 + 2i] the i-th entry the caller read from the list   ARGV[5 + 2i] its task id ('' if unreadable)
-- Returns the number of entries moved, or -1 when the consumer is alive.
if ARGV[2] == '0' and redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local moved = 0
local i = 1
while ARGV[4 + 2 * i] do
  local entry, id = ARGV[4 + 2 * i], ARGV[5 + 2 * i]
  if entry ~= ARGV[5] and redis.call('LREM', KEYS[1], 1, entry) == 1 then
    redis.call('RPUSH', KEYS[3], entry)
    moved = moved + 1
    if id ~= '' then
      local status = redis.call('HGET', KEYS[6 + i], 'status')
      if status and status ~= 'succeeded' then
        redis.call('HSET', KEYS[6 + i], 'status', 'queued')
        redis.call('PUBLISH', KEYS[6], cjson.encode({id = id, status = 'queued', at = ARGV[3]}))
      end
    end
  end
  i = i + 1
end
if ARGV[4] == '1' then
  -- Anything that arrived after the caller read the list goes back too (its record is fixed when it runs).
  while true do
    local entry = redis.call('LMOVE', KEYS[1], KEYS[3], 'RIGHT', 'RIGHT')
    if not entry then break end
    moved = moved + 1
  end
  redis.call('DEL', KEYS[2], KEYS[5])
  redis.call('SREM', KEYS[4], ARGV[1])
end
return moved
