-- Records that a task succeeded (if this consumer still holds it), then takes the next one.
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua.
-- KEYS[8] the task's status record
-- ARGV[5] task id   ARGV[6] task type   ARGV[7] result ('' for none)   ARGV[8] seconds the record is kept
-- ARGV[9] run-time histogram bucket   ARGV[10] run time, ms
-- #include outcome
if not still_held() then
  -- This consumer lost the task (its lease expired) but the run succeeded: keep its result, so that the copy
  -- handed out again is acknowledged without running a second time.
  if ARGV[7] ~= '' and redis.call('HGET', KEYS[8], 'status') ~= 'succeeded' then
    redis.call('HSETNX', KEYS[8], 'result', ARGV[7])
  end
  return finish(0)
end
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[8], 'status', 'succeeded', 'finishedAt', ARGV[4], 'result', ARGV[7])
else
  redis.call('HSET', KEYS[8], 'status', 'succeeded', 'finishedAt', ARGV[4])
end
redis.call('EXPIRE', KEYS[8], ARGV[8])
consumer_done('processed')
count('succeeded', ARGV[6])
run_time(ARGV[9], ARGV[10])
publish(ARGV[5], 'succeeded')
return finish(1)
