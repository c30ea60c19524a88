package dev.taskq.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.commands.JedisCommands;

/**
 * Moves of tasks back onto the ready queue that also update the tasks' status records: the caller reads the entries
 * first, so that the script is told every record key it touches (a Redis Cluster rule), and the script moves each
 * entry only if it is still where it was read. Both run on a consumer's own connection or on the pool.
 */
final class TaskMoves {

    private static final LuaScript RELEASE = LuaScript.load("release");
    private static final LuaScript PROMOTE = LuaScript.load("promote");
    /** Most entries promoted by one call: keeps each script short however large the backlog. */
    static final int BATCH = 200;

    private TaskMoves() {
    }

    /**
     * Puts what a consumer holds back at the front of the queue, except {@code keep}. Without {@code force}, only if
     * its heartbeat has expired; with {@code forget}, the consumer's heartbeat, registration and hash go too.
     *
     * @return the number of entries moved, or -1 when the consumer is alive
     */
    static long heldBy(JedisCommands redis, RedisKeys keys, String consumerId, boolean force, boolean forget,
                       String keep) {
        String processing = keys.processing(consumerId);
        List<String> entries = redis.lrange(processing, 0, -1);
        if (entries.isEmpty() && !forget) {
            return 0;
        }
        List<String> keyList = new ArrayList<>(List.of(processing, keys.heartbeat(consumerId), keys.ready(),
                keys.consumers(), keys.consumer(consumerId), keys.events()));
        List<String> args = new ArrayList<>(List.of(consumerId, force ? "1" : "0", Instant.now().toString(),
                forget ? "1" : "0", keep == null ? "" : keep));
        addEntries(keys, entries, keyList, args, processing);
        return (Long) RELEASE.run(redis, keyList, args);
    }

    /**
     * Moves up to {@link #BATCH} entries of a waiting set (the delayed retries, or a parked set) whose score is at
     * most {@code upTo} to the front of the queue; returns how many moved.
     */
    static long fromWaitingSet(JedisCommands redis, RedisKeys keys, String waitingSet, double upTo) {
        List<String> entries = redis.zrangeByScore(waitingSet, Double.NEGATIVE_INFINITY, upTo, 0, BATCH);
        if (entries.isEmpty()) {
            return 0;
        }
        List<String> keyList = new ArrayList<>(List.of(keys.ready(), keys.events(), waitingSet));
        List<String> args = new ArrayList<>(List.of(Instant.now().toString()));
        addEntries(keys, entries, keyList, args, waitingSet);
        return (Long) PROMOTE.run(redis, keyList, args);
    }

    /** Each entry with its task id and status record key; an unreadable entry names a key it leaves alone. */
    private static void addEntries(RedisKeys keys, List<String> entries, List<String> keyList, List<String> args,
                                   String placeholderKey) {
        for (String entry : entries) {
            String id = TaskCodec.idOf(entry);
            args.add(entry);
            args.add(id == null ? "" : id);
            keyList.add(id == null ? placeholderKey : keys.task(id));
        }
    }
}
