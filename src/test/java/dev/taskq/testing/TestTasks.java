package dev.taskq.testing;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** Puts tasks into Redis behind the application's back, as a crashed server or a foreign producer would leave them. */
public final class TestTasks {

    private TestTasks() {
    }

    /** A task with its status record, pushed onto {@code list} (the ready queue or some processing list). */
    public static Task push(Jedis jedis, String list, String type, Map<String, String> payload) {
        return push(jedis, list, type, payload, Map.of());
    }

    /** As {@link #push(Jedis, String, String, Map)}, with more fields in the status record, written first. */
    public static Task push(Jedis jedis, String list, String type, Map<String, String> payload,
                            Map<String, String> recordFields) {
        Task task = Task.create(type, payload);
        Map<String, String> record = new HashMap<>(Map.of("id", task.id(), "type", type,
                "status", "queued", "attempts", "0", "createdAt", task.createdAt().toString()));
        record.putAll(recordFields);
        jedis.hset(RedisProbe.PREFIX + "task:" + task.id(), record);
        jedis.lpush(list, TaskCodec.encode(task));
        return task;
    }

    public static Map<String, String> mail(String name, String email, String message) {
        return Map.of("name", name, "email", email, "message", message);
    }
}
