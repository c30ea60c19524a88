package dev.taskq.testing;

import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;

/** Looks into the test Redis the way an operator would, to check what the application left there. */
public final class RedisProbe implements AutoCloseable {

    public static final String PREFIX = "{taskq}:";

    private final Jedis jedis;

    public RedisProbe() {
        this(TestServers.get().redisPort());
    }

    public RedisProbe(int port) {
        jedis = new Jedis("127.0.0.1", port);
    }

    public long readyCount() {
        return jedis.llen(PREFIX + "ready");
    }

    public Set<String> keys() {
        return jedis.keys(PREFIX + "*");
    }

    /** The status records present: one more means a task was accepted. */
    public Set<String> taskRecordKeys() {
        return jedis.keys(PREFIX + "task:*");
    }

    public Map<String, String> taskRecord(String id) {
        return jedis.hgetAll(PREFIX + "task:" + id);
    }

    public long ttl(String key) {
        return jedis.ttl(key);
    }

    /** Names of the clients connected to Redis whose name starts with {@code prefix}. */
    public long clientsNamed(String prefix) {
        return jedis.clientList().lines()
                .filter(line -> line.contains(" name=" + prefix))
                .count();
    }

    public Jedis jedis() {
        return jedis;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
