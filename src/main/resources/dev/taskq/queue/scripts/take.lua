-- Takes the next task without blocking, unless the queue is paused (for a consumer that holds nothing).
-- KEYS[1..7] and ARGV[1..4]: see include/outcome.lua (ARGV[1] = '1', ARGV[2] = '').
-- #include outcome
return finish(0)
