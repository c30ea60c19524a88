-- Moves an entry that cannot be read as a task (if this consumer still holds it) to the dead letters under a new
-- id, then takes the next one.
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua.
-- KEYS[8] dead letters hash   KEYS[9] dead letters by time
-- ARGV[5] the dead letter's id   ARGV[6] the dead letter (JSON)
-- #include outcome
if not still_held() then return finish(0) end
redis.call('HSET', KEYS[8], ARGV[5], ARGV[6])
redis.call('ZADD', KEYS[9], ARGV[3], ARGV[5])
redis.call('HSET', KEYS[4], 'task', '', 'taskSince', '')
return finish(1)
