package dev.taskq.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.commands.ScriptingKeyCommands;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What an operator may do to the queue as a whole: pause it (consumers on every server take nothing while
 * {@link RedisKeys#paused()} exists; submissions are still accepted), resume it, and run a retrying task now.
 */
@ApplicationScoped
public class QueueControl {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final LuaScript RETRY_NOW = LuaScript.load("retry-now");
    private static final LuaScript RATE_UPGRADE = LuaScript.load("rate-upgrade");

    @Inject
    RedisTaskQueue queue;

    /**
     * At deployment: the windows of a shared send rate written by an earlier version (millisecond scores) are kept
     * counting in microseconds. Returns how many starts were converted (0 once done).
     */
    public long upgradeSendRate(String group, SendRate rate) {
        try {
            return upgradeSendRate(queue.client(), queue.keys(), group, rate);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    static long upgradeSendRate(ScriptingKeyCommands redis, RedisKeys keys, String group, SendRate rate) {
        long converted = 0;
        for (SendRate.Window window : rate.windows()) {
            converted += (Long) RATE_UPGRADE.run(redis, List.of(keys.sendRate(group, window.length())), List.of());
        }
        return converted;
    }

    /** Pauses the queue; a pause already in force is kept as it is (its since and by stay the first one's). */
    public void pause(String by) {
        String value = JSON.createObjectBuilder().add("since", Instant.now().toString()).add("by", by).build()
                .toString();
        try {
            // Every partition's scripts look at their own flag.
            for (RedisKeys partition : queue.partitions()) {
                queue.client().setnx(partition.paused(), value);
            }
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    public void resume() {
        try {
            for (RedisKeys partition : queue.partitions()) {
                queue.client().del(partition.paused());
            }
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Moves a task waiting for a retry to the front of the queue; false when it was no longer waiting. */
    public boolean retryNow(QueueStats.Retrying task) {
        try {
            for (RedisKeys keys : queue.partitions()) { // the one whose delayed set holds it moves it
                Object moved = RETRY_NOW.run(queue.client(),
                        List.of(keys.delayed(), keys.ready(), keys.task(task.id()), keys.events()),
                        List.of(task.entry(), task.id(), Instant.now().toString()));
                if (Long.valueOf(1).equals(moved)) {
                    return true;
                }
            }
            return false;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }
}
