-- Records the last failed attempt of a task (if this consumer still holds it) and moves it to the dead letters,
-- then takes the next one. Also used at once for a task that can never run (unknown type, permanent failure).
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua.
-- KEYS[8] the task's status record   KEYS[9] dead letters hash   KEYS[10] dead letters by time
-- KEYS[11] recent failures list
-- ARGV[5] task id   ARGV[6] task type   ARGV[7] error   ARGV[8] attempt number (0: never ran)
-- ARGV[9] the dead letter (JSON)   ARGV[10] seconds the record is kept
-- ARGV[11] run-time histogram bucket ('' when it did not run)   ARGV[12] run time, ms
-- #include outcome
if not still_held() then return finish(0) end
redis.call('HSET', KEYS[9], ARGV[5], ARGV[9])
redis.call('ZADD', KEYS[10], ARGV[3], ARGV[5])
redis.call('HSET', KEYS[8], 'id', ARGV[5], 'type', ARGV[6], 'status', 'dead', 'finishedAt', ARGV[4], 'error', ARGV[7])
redis.call('HDEL', KEYS[8], 'waitingFor', 'waitingSince')
if ARGV[8] ~= '0' then
  redis.call('HSET', KEYS[8], 'error.' .. ARGV[8], ARGV[4] .. ' ' .. ARGV[7])
end
redis.call('EXPIRE', KEYS[8], ARGV[10])
redis.call('LPUSH', KEYS[11], cjson.encode({id = ARGV[5], type = ARGV[6], attempt = tonumber(ARGV[8]),
                                            error = ARGV[7], at = ARGV[4]}))
redis.call('LTRIM', KEYS[11], 0, 99)
consumer_done('failed')
if ARGV[8] ~= '0' then count('failed', ARGV[6]) end
count('dead', ARGV[6])
if ARGV[11] ~= '' then run_time(ARGV[11], ARGV[12]) end
publish(ARGV[5], 'dead')
return finish(1)
