package dev.taskq.queue;

import java.util.Set;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which Redis errors are an outage to wait out rather than a bug: lost connections, and the error replies Redis gives
 * while it cannot serve — loading its data after a restart, a replica after a failover, out of memory, a busy
 * script, a blocked command released by a failover, a cluster slot served elsewhere now, and so on. A script's own
 * error is not among them.
 */
final class RedisFailures {

    private static final Set<String> UNAVAILABLE = Set.of("LOADING", "READONLY", "OOM", "MISCONF", "TRYAGAIN",
            "CLUSTERDOWN", "MASTERDOWN", "NOREPLICAS", "NOAUTH", "BUSY",
            // A blocking pop on a master that was just demoted to a replica (a failover): reconnect to the new one.
            "UNBLOCKED",
            // On a cluster, a single connection to a node that no longer serves the queue's slot: the next
            // connection goes to the node that does (pooled clients follow these redirections themselves).
            "MOVED", "ASK");

    private RedisFailures() {
    }

    /**
     * A pipelined reply. A cluster's pipeline (Jedis' ClusterPipeline) logs a node's connection failure and leaves
     * that node's replies unset (redis/jedis#3142, #4557), where a single Redis's pipeline throws: here both are an
     * outage, so that the caller answers 503 rather than fail on an unset reply.
     */
    static <T> T reply(Response<T> response) {
        try {
            return response.get();
        } catch (IllegalStateException e) {
            throw new JedisConnectionException("no reply: the connection failed during a pipeline", e);
        }
    }

    static boolean isOutage(JedisException e) {
        if (e instanceof JedisConnectionException || e instanceof JedisBusyException
                // A cluster whose topology could not be read, or whose retries ran out during a failover.
                || e instanceof JedisClusterOperationException) {
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
