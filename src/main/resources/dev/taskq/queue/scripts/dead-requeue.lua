-- Puts dead letters back on the queue, each only if it is still there (and, when a reason is given, still has
-- exactly that reason), with a fresh status record (attempts from zero), in one atomic step per call.
-- KEYS[1] dead (hash), KEYS[2] dead:at (zset), KEYS[3] ready (list), KEYS[4] events (channel),
-- KEYS[4 + i] the status record of the i-th id.
-- ARGV[1] event time (ISO-8601), ARGV[2] reason to match ('' = any), ARGV[2 + i] the i-th dead-letter id.
-- Returns one code per id: 1 re-queued, 0 no such letter (any more; its index entry is dropped too),
-- 2 not a readable task, 3 another reason.
local codes = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local record = KEYS[2 + i]
  local code = 0
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    local okLetter, letter = pcall(cjson.decode, json)
    local entry = okLetter and type(letter) == 'table' and letter.entry or nil
    local okTask, task = false, nil
    if type(entry) == 'string' then okTask, task = pcall(cjson.decode, entry) end
    if ARGV[2] ~= '' and not (okLetter and type(letter) == 'table' and letter.reason == ARGV[2]) then
      code = 3
    elseif not okTask or type(task) ~= 'table' or task.id ~= id or type(task.type) ~= 'string'
        or type(task.createdAt) ~= 'string' then
      code = 2
    else
      redis.call('HDEL', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      -- The right end is taken next: an operator's re-queue does not wait behind the whole backlog.
      redis.call('RPUSH', KEYS[3], entry)
      redis.call('DEL', record)
      redis.call('HSET', record, 'id', id, 'type', task.type, 'status', 'queued', 'attempts', '0',
                 'createdAt', task.createdAt)
      redis.call('PUBLISH', KEYS[4], cjson.encode({id = id, status = 'queued', at = ARGV[1]}))
      code = 1
    end
  else
    redis.call('ZREM', KEYS[2], id)
  end
  codes[#codes + 1] = code
end
return codes
