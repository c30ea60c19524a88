package dev.taskq.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    public Page page(int offset, int limit) {
        RedisKeys keys = queue.keys();
        try {
            indexMissing();
            List<Tuple> ids = queue.client().zrevrangeWithScores(keys.deadAt(), offset, offset + limit - 1L);
            long total = queue.client().hlen(keys.dead());
            return new Page(letters(ids.stream().map(Tuple::getElement).toList()), total);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** One dead letter, if it is (still) there. */
    public java.util.Optional<DeadLetter> find(String id) {
        try {
            String json = queue.client().hget(queue.keys().dead(), id);
            return json == null ? java.util.Optional.empty() : java.util.Optional.of(DeadLetter.fromJson(id, json));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Puts one dead task back on the queue with a fresh record (attempts start again from zero). */
    public Requeue requeue(String id) {
        return switch (requeue(List.of(id), "").get(0).intValue()) {
            case 1 -> Requeue.REQUEUED;
            case 2 -> Requeue.NOT_A_TASK;
            default -> Requeue.NOT_FOUND;
        };
    }

    /** Deletes a dead letter and its (dead) status record; false when there was no such letter. */
    public boolean delete(String id) {
        RedisKeys keys = queue.keys();
        try {
            Object deleted = DELETE.run(queue.client(), List.of(keys.dead(), keys.deadAt(), keys.task(id)),
                    List.of(id));
            return Long.valueOf(1).equals(deleted);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Re-queues every dead letter (oldest first) whose reason is exactly {@code reason}, or every one when it is
     * empty, up to {@link #MAX_PER_REQUEST}; letters that are not readable tasks stay.
     */
    public Bulk requeueAll(String reason) {
        UnifiedJedis client = queue.client();
        RedisKeys keys = queue.keys();
        int requeued = 0;
        int skipped = 0;
        try {
            indexMissing();
            while (requeued < MAX_PER_REQUEST) {
                // Letters left behind stay at the front of the index: look past them.
                List<String> ids = client.zrange(keys.deadAt(), skipped, skipped + BATCH - 1L);
                if (ids.isEmpty()) {
                    return new Bulk(requeued, skipped, false);
                }
                for (Long code : requeue(ids, reason)) {
                    if (code == 1) {
                        requeued++;
                    } else if (code != 0) {
                        skipped++;
                    }
                }
            }
            return new Bulk(requeued, skipped, client.zcard(keys.deadAt()) > skipped);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Long> requeue(List<String> ids, String reason) {
        RedisKeys keys = queue.keys();
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
    private void indexMissing() {
        UnifiedJedis client = queue.client();
        RedisKeys keys = queue.keys();
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

    private List<DeadLetter> letters(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> json = queue.client().hmget(queue.keys().dead(), ids.toArray(String[]::new));
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (json.get(i) != null) {
                letters.add(DeadLetter.fromJson(ids.get(i), json.get(i)));
            }
        }
        return letters;
    }
}
