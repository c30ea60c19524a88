-- Deletes one dead letter, only if it is still there, and the task's status record only while it still says
-- 'dead' (a letter re-queued meanwhile is gone, and its live task's record is left alone).
-- KEYS[1] dead (hash), KEYS[2] dead:at (zset), KEYS[3] the status record. ARGV[1] the dead-letter id.
-- Returns 1 when deleted, 0 when there was no such letter.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], 'status') == 'dead' then redis.call('DEL', KEYS[3]) end
return 1
