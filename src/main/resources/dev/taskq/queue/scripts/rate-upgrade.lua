-- Upgrades one window of a shared send rate written before its scores were microseconds: scores below 1e14 are
-- milliseconds (1e14 µs is in 1973), multiplied by 1000 so the window keeps counting those starts (dropped, they
-- would let a day's window start its whole limit again on the day of the upgrade).
-- KEYS[1] the window's sorted set. Returns how many starts were converted.
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(100000000000000', 'WITHSCORES')
for i = 1, #old, 2 do
  redis.call('ZADD', KEYS[1], string.format('%.0f', tonumber(old[i + 1]) * 1000), old[i])
end
return #old / 2
