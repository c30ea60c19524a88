-- Records a failed attempt (if this consumer still holds the task) and parks the task in the delayed set until it
-- is due again, then takes the next one.
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua.
-- KEYS[8] the task's status record   KEYS[9] delayed set   KEYS[10] recent failures list
-- ARGV[5] task id   ARGV[6] task type   ARGV[7] error   ARGV[8] attempt number   ARGV[9] due, epoch ms
-- ARGV[10] run-time histogram bucket   ARGV[11] run time, ms
-- #include outcome
if not still_held() then return finish(0) end
redis.call('ZADD', KEYS[9], ARGV[9], ARGV[2])
redis.call('HSET', KEYS[8], 'status', 'retrying', 'error', ARGV[7], 'error.' .. ARGV[8], ARGV[4] .. ' ' .. ARGV[7])
redis.call('LPUSH', KEYS[10], cjson.encode({id = ARGV[5], type = ARGV[6], attempt = tonumber(ARGV[8]),
                                            error = ARGV[7], at = ARGV[4]}))
redis.call('LTRIM', KEYS[10], 0, 99)
consumer_done('failed')
count('failed', ARGV[6])
count('retried', ARGV[6])
run_time(ARGV[10], ARGV[11])
publish(ARGV[5], 'retrying')
return finish(1)
