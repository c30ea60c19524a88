package dev.taskq.queue;

import java.time.Duration;

/**
 * A limit that an enqueue must stay within: at most {@code max} enqueues per {@code window} counted in the Redis
 * counter {@code key} (a fixed window that starts with its first use and expires by itself).
 *
 * @param name   what the limit is about, handed back when it is reached
 * @param key    the counter's key, from {@link RedisKeys#limit(String, String)}
 */
public record Quota(String name, String key, long max, Duration window) {

    public Quota {
        if (max < 1 || window.toMillis() < 1) {
            throw new IllegalArgumentException("a quota needs max ≥ 1 and a window ≥ 1 ms");
        }
    }
}
