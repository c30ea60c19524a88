package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The operator's scripts against a bare redis-server: a dead letter is re-queued or deleted only while it is still
 * there, the index follows the hash, a live task's record survives a late delete, and "retry now" moves a waiting
 * task once.
 */
class OperatorScriptsTest {

    private static final LuaScript REQUEUE = LuaScript.load("dead-requeue");
    private static final LuaScript DELETE = LuaScript.load("dead-delete");
    private static final LuaScript RETRY_NOW = LuaScript.load("retry-now");
    private static RedisServer redis;
    private static int port;

    private final RedisKeys keys = new RedisKeys("operator-" + UUID.randomUUID().toString().substring(0, 8));
    private Jedis jedis;

    @BeforeAll
    static void startRedis() throws Exception {
        port = TestServers.freePort();
        redis = TestServers.startRedis(port, Path.of("target", "redis-operator-" + port));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", port);
    }

    @AfterEach
    void close() {
        jedis.close();
    }

    @Test
    void aDeadLetterIsRequeuedOnceWithAFreshRecordAndLeavesTheIndex() {
        Task task = deadTask("SMTP down");

        assertEquals(List.of(1L), requeue("", task.id()));
        assertEquals(List.of(TaskCodec.encode(task)), jedis.lrange(keys.ready(), 0, -1));
        Map<String, String> record = jedis.hgetAll(keys.task(task.id()));
        assertEquals("queued", record.get("status"));
        assertEquals("0", record.get("attempts"));
        assertFalse(record.containsKey("error.5"), "a fresh record");
        assertNull(jedis.zscore(keys.deadAt(), task.id()));

        assertEquals(List.of(0L), requeue("", task.id()), "a second operator's re-queue finds nothing");
        assertEquals(1, jedis.llen(keys.ready()), "and queues nothing twice");
    }

    @Test
    void aLateDeleteOfARequeuedLetterLeavesTheLiveTaskAlone() {
        Task task = deadTask("SMTP down");
        requeue("", task.id());

        assertEquals(0L, delete(task.id()));
        assertEquals("queued", jedis.hget(keys.task(task.id()), "status"));
        assertEquals(1, jedis.llen(keys.ready()));
    }

    @Test
    void aDeleteRemovesTheLetterItsIndexAndItsDeadRecord() {
        Task task = deadTask("SMTP down");

        assertEquals(1L, delete(task.id()));
        assertFalse(jedis.hexists(keys.dead(), task.id()));
        assertNull(jedis.zscore(keys.deadAt(), task.id()));
        assertFalse(jedis.exists(keys.task(task.id())));
        assertEquals(0L, delete(task.id()));
    }

    @Test
    void byReasonOnlyLettersWithExactlyThatReasonAreTakenAndUnreadableOnesStay() {
        Task match = deadTask("SMTP down");
        Task other = deadTask("SMTP down, but another");
        String unreadable = UUID.randomUUID().toString();
        jedis.hset(keys.dead(), unreadable, letter(unreadable, "{not json", "SMTP down"));
        jedis.zadd(keys.deadAt(), 1, unreadable);
        String gone = UUID.randomUUID().toString();
        jedis.zadd(keys.deadAt(), 2, gone);

        assertEquals(List.of(1L, 3L, 2L, 0L), requeue("SMTP down", match.id(), other.id(), unreadable, gone));
        assertEquals(List.of(TaskCodec.encode(match)), jedis.lrange(keys.ready(), 0, -1));
        assertTrue(jedis.hexists(keys.dead(), other.id()));
        assertTrue(jedis.hexists(keys.dead(), unreadable));
        assertNull(jedis.zscore(keys.deadAt(), gone), "an index entry without its letter is dropped");
    }

    @Test
    void aLetterWhoseEntryNamesAnotherIdIsNotATask() {
        Task task = Task.create("confirmation-mail", Map.of("email", "x@example.com"));
        String id = UUID.randomUUID().toString();
        jedis.hset(keys.dead(), id, letter(id, TaskCodec.encode(task), "copied"));

        assertEquals(List.of(2L), requeue("", id));
        assertFalse(jedis.exists(keys.ready()));
    }

    @Test
    void retryNowMovesAWaitingTaskToTheFrontOnce() {
        Task waiting = Task.create("confirmation-mail", Map.of("email", "w@example.com"));
        Task earlier = Task.create("confirmation-mail", Map.of("email", "e@example.com"));
        jedis.lpush(keys.ready(), TaskCodec.encode(earlier));
        jedis.zadd(keys.delayed(), System.currentTimeMillis() + 3_600_000, TaskCodec.encode(waiting));
        jedis.hset(keys.task(waiting.id()), Map.of("id", waiting.id(), "status", "retrying", "attempts", "1"));

        assertEquals(1L, retryNow(waiting));
        assertEquals(TaskCodec.encode(waiting), jedis.lindex(keys.ready(), -1), "taken next (from the right)");
        assertEquals("queued", jedis.hget(keys.task(waiting.id()), "status"));
        assertEquals(0, jedis.zcard(keys.delayed()));
        assertEquals(0L, retryNow(waiting), "already moved");
        assertEquals(2, jedis.llen(keys.ready()));
    }

    private Task deadTask(String reason) {
        Task task = Task.create("confirmation-mail", Map.of("email", UUID.randomUUID() + "@example.com"));
        jedis.hset(keys.dead(), task.id(), letter(task.id(), TaskCodec.encode(task), reason));
        jedis.zadd(keys.deadAt(), System.currentTimeMillis(), task.id());
        jedis.hset(keys.task(task.id()), Map.of("id", task.id(), "type", task.type(), "status", "dead",
                "attempts", "5", "error.5", "2026-12-01T10:00:00Z " + reason));
        return task;
    }

    private static String letter(String id, String entry, String reason) {
        return Json.createObjectBuilder().add("id", id).add("entry", entry).add("reason", reason)
                .add("at", Instant.now().toString()).build().toString();
    }

    @SuppressWarnings("unchecked")
    private List<Long> requeue(String reason, String... ids) {
        List<String> scriptKeys = new ArrayList<>(List.of(keys.dead(), keys.deadAt(), keys.ready(), keys.events()));
        List<String> args = new ArrayList<>(List.of(Instant.now().toString(), reason));
        for (String id : ids) {
            scriptKeys.add(keys.task(id));
            args.add(id);
        }
        return (List<Long>) REQUEUE.run(jedis, scriptKeys, args);
    }

    private Long delete(String id) {
        return (Long) DELETE.run(jedis, List.of(keys.dead(), keys.deadAt(), keys.task(id)), List.of(id));
    }

    private Long retryNow(Task task) {
        return (Long) RETRY_NOW.run(jedis, List.of(keys.delayed(), keys.ready(), keys.task(task.id()), keys.events()),
                List.of(TaskCodec.encode(task), task.id(), Instant.now().toString()));
    }
}
