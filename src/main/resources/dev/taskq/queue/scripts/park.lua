-- Sets a task aside (if this consumer still holds it) while the service its type needs is down: no attempt is
-- spent (one started is given back), the record says what it waits for and since when. Then takes the next one.
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua.
-- KEYS[8] the task's status record   KEYS[9] parked set of the task's type
-- ARGV[5] task id   ARGV[6] what it waits for   ARGV[7] when to look at it again, epoch ms
-- ARGV[8] '1' when an attempt was started for it (and is given back; the record counts such parks)
-- #include outcome
if not still_held() then return finish(0) end
redis.call('ZADD', KEYS[9], ARGV[7], ARGV[2])
if ARGV[8] == '1' then
  redis.call('HINCRBY', KEYS[8], 'attempts', -1)
  redis.call('HINCRBY', KEYS[8], 'parks', 1)
end
redis.call('HSET', KEYS[8], 'status', 'queued', 'waitingFor', ARGV[6])
redis.call('HSETNX', KEYS[8], 'waitingSince', ARGV[4])
redis.call('HSET', KEYS[4], 'task', '', 'taskSince', '')
publish(ARGV[5], 'queued')
return finish(1)
