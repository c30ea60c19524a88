package dev.taskq.queue;

import java.util.Set;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which Redis errors are an outage to wait out rather than a bug: lost connections, and the error replies Redis gives
 * while it cannot serve — loading its data after a restart, a replica after a failover, out of memory, a busy
 * script, a blocked command released by a failover, and so on. A script's own error is not among them.
 */
final class RedisFailures {

    private static final Set<String> UNAVAILABLE = Set.of("LOADING", "READONLY", "OOM", "MISCONF", "TRYAGAIN",
            "CLUSTERDOWN", "MASTERDOWN", "NOREPLICAS", "NOAUTH", "BUSY",
            // A blocking pop on a master that was just demoted to a replica (a failover): reconnect to the new one.
            "UNBLOCKED");

    private RedisFailures() {
    }

    static boolean isOutage(JedisException e) {
        if (e instanceof JedisConnectionException || e instanceof JedisBusyException) {
            return true;
        }
        if (e instanceof JedisDataException && e.getMessage() != null) {
            String message = e.getMessage();
            int space = message.indexOf(' ');
            return UNAVAILABLE.contains(space < 0 ? message : message.substring(0, space));
        }
        return false;
    }
}
