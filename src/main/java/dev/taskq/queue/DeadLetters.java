package dev.taskq.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The dead letters: paged newest first (by {@link RedisKeys#deadAt()}), re-queued or deleted exactly — each
 * operation is one Lua script that acts only on a letter that is still there, and keeps the hash and the index in
 * step. Re-queueing many (all, or all with one reason) goes in bounded batches, one script call per batch.
 */
@ApplicationScoped
public class DeadLetters {

    /** Letters per script call when re-queueing many: each call holds Redis for well under a millisecond. */
    static final int BATCH = 100;
    /** At most this many per request, so one request never runs for long; the caller asks again for the rest. */
    public static final int MAX_PER_REQUEST = 10_000;

    private static final LuaScript REQUEUE = LuaScript.load("dead-requeue");
    private static final LuaScript DELETE = LuaScript.load("dead-delete");

    @Inject
    RedisTaskQueue queue;

    /** What became of a request to re-queue one dead letter. */
    public enum Requeue { REQUEUED, NOT_FOUND, NOT_A_TASK }

    /** One page of dead letters, newest first, and how many there are in all. */
    public record Page(List<DeadLetter> letters, long total) {
    }

    /** How many a bulk re-queue moved, and how many of those it looked at it left (unreadable or another reason). */
    public record Bulk(int requeued, int skipped, boolean more) implements java.io.Serializable {
    }

    /** Letters {@code offset} to {@code offset + limit - 1}, newest first (with partitions: of all of them). */
    public Page page(int offset, int limit) {
        try {
            long total = 0;
            List<Letter> newest = new ArrayList<>();
            boolean one = queue.partitions().size() == 1;
            for (RedisKeys keys : queue.partitions()) {
                indexMissing(keys);
                // One partition is read from the offset on; several each from their newest, then merged.
                for (Tuple tuple : queue.client().zrevrangeWithScores(keys.deadAt(), one ? offset : 0,
                        offset + limit - 1L)) {
                    newest.add(new Letter(keys, tuple.getElement(), tuple.getScore()));
                }
                total += queue.client().hlen(keys.dead());
            }
            List<Letter> shown = newest;
            if (!one) {
                newest.sort(Comparator.comparingDouble(Letter::at).reversed());
                shown = newest.subList(Math.min(offset, newest.size()), Math.min(offset + limit, newest.size()));
            }
            return new Page(letters(shown), total);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** A dead letter's id, the partition holding it and when it died. */
    private record Letter(RedisKeys keys, String id, double at) {
    }

    /** One dead letter, if it is (still) there. */
    public java.util.Optional<DeadLetter> find(String id) {
        try {
            for (RedisKeys keys : queue.partitions()) {
                String json = queue.client().hget(keys.dead(), id);
                if (json != null) {
                    return java.util.Optional.of(DeadLetter.fromJson(id, json));
                }
            }
            return java.util.Optional.empty();
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Puts one dead task back on the queue with a fresh record (attempts start again from zero). */
    public Requeue requeue(String id) {
        for (RedisKeys keys : queue.partitions()) {
            switch (requeue(keys, List.of(id), "").get(0).intValue()) {
                case 1:
                    return Requeue.REQUEUED;
                case 2:
                    return Requeue.NOT_A_TASK;
                default:
                    break; // not in this partition
            }
        }
        return Requeue.NOT_FOUND;
    }

    /** Deletes a dead letter and its (dead) status record; false when there was no such letter. */
    public boolean delete(String id) {
        try {
            for (RedisKeys keys : queue.partitions()) {
                Object deleted = DELETE.run(queue.client(), List.of(keys.dead(), keys.deadAt(), keys.task(id)),
                        List.of(id));
                if (Long.valueOf(1).equals(deleted)) {
                    return true;
                }
            }
            return false;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Re-queues every dead letter (oldest first, partition by partition) whose reason is exactly {@code reason},
     * or every one when it is empty, up to {@link #MAX_PER_REQUEST}; letters that are not readable tasks stay.
     */
    public Bulk requeueAll(String reason) {
        UnifiedJedis client = queue.client();
        int requeued = 0;
        int skipped = 0;
        boolean more = false;
        try {
            for (RedisKeys keys : queue.partitions()) {
                indexMissing(keys);
                int skippedHere = 0;
                while (true) {
                    if (requeued >= MAX_PER_REQUEST) {
                        more |= client.zcard(keys.deadAt()) > skippedHere;
                        break;
                    }
                    // Letters left behind stay at the front of the index: look past them.
                    List<String> ids = client.zrange(keys.deadAt(), skippedHere, skippedHere + BATCH - 1L);
                    if (ids.isEmpty()) {
                        break;
                    }
                    for (Long code : requeue(keys, ids, reason)) {
                        if (code == 1) {
                            requeued++;
                        } else if (code != 0) {
                            skippedHere++;
                        }
                    }
                }
                skipped += skippedHere;
            }
            return new Bulk(requeued, skipped, more);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Long> requeue(RedisKeys keys, List<String> ids, String reason) {
        List<String> scriptKeys = new ArrayList<>(List.of(keys.dead(), keys.deadAt(), keys.ready(), keys.events()));
        ids.forEach(id -> scriptKeys.add(keys.task(id)));
        List<String> args = new ArrayList<>(List.of(Instant.now().toString(), reason));
        args.addAll(ids);
        try {
            return (List<Long>) REQUEUE.run(queue.client(), scriptKeys, args);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Letters written before the index existed (an upgraded deployment) are indexed on first sight: the two counts
     * differ only then, since every writer keeps hash and index in step in one atomic step.
     */
    private void indexMissing(RedisKeys keys) {
        UnifiedJedis client = queue.client();
        if (client.hlen(keys.dead()) <= client.zcard(keys.deadAt())) {
            return;
        }
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> batch = client.hscan(keys.dead(), cursor,
                    new ScanParams().count(500));
            Map<String, Double> scores = new HashMap<>();
            for (Map.Entry<String, String> letter : batch.getResult()) {
                Instant at = instant(DeadLetter.fromJson(letter.getKey(), letter.getValue()).at());
                scores.put(letter.getKey(), (double) (at == null ? 0 : at.toEpochMilli()));
            }
            if (!scores.isEmpty()) {
                client.zadd(keys.deadAt(), scores, ZAddParams.zAddParams().nx());
            }
            cursor = batch.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private static Instant instant(String iso) {
        try {
            return Instant.parse(iso);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<DeadLetter> letters(List<Letter> shown) {
        List<Response<String>> json = new ArrayList<>();
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            shown.forEach(letter -> json.add(pipe.hget(letter.keys().dead(), letter.id())));
            pipe.sync();
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            String letter = RedisFailures.reply(json.get(i));
            if (letter != null) {
                letters.add(DeadLetter.fromJson(shown.get(i).id(), letter));
            }
        }
        return letters;
    }
}
