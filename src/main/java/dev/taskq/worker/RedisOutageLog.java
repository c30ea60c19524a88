package dev.taskq.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Logs a Redis outage once when it starts and once when it ends, however many consumer loops notice it. */
final class RedisOutageLog {

    private static final Logger LOG = Logger.getLogger(RedisOutageLog.class.getName());

    private final AtomicBoolean down = new AtomicBoolean();

    void failed(Exception cause) {
        if (down.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Redis is unreachable; consumers keep retrying with backoff: {0}", cause.getMessage());
        }
    }

    void reachable() {
        if (down.compareAndSet(true, false)) {
            LOG.info("Redis is reachable again; consumers resumed");
        }
    }
}
