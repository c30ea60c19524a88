package dev.taskq.queue;

import java.net.URI;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where Redis is and how to log in, read from a {@code redis://} or {@code rediss://} URL. Every wait on a connection
 * is bounded, so a half-open connection (peer gone without FIN or RST) is noticed within seconds.
 */
record RedisEndpoint(URI uri) {

    /** Longest wait for a reply to an ordinary command, and for a connection to open. */
    static final int SOCKET_TIMEOUT_MILLIS = 2000;
    /** How long a blocking pop waits for a task (whole seconds, as BLMOVE takes them). */
    static final int BLOCKING_POP_SECONDS = 1;
    /** Longest wait for the reply to a blocking pop: its own wait plus the ordinary socket timeout. */
    static final int BLOCKING_SOCKET_TIMEOUT_MILLIS = BLOCKING_POP_SECONDS * 1000 + SOCKET_TIMEOUT_MILLIS;

    HostAndPort hostAndPort() {
        return JedisURIHelper.getHostAndPort(uri);
    }

    /** Client settings; the client name shows who holds a connection in Redis' {@code CLIENT LIST}. */
    JedisClientConfig clientConfig(String clientName) {
        return DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .clientName(clientName)
                .connectionTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                // Jedis waits forever for a blocking command's reply unless told otherwise.
                .blockingSocketTimeoutMillis(BLOCKING_SOCKET_TIMEOUT_MILLIS)
                .build();
    }

    /**
     * A single connection of its own, for a consumer that blocks on it. Once closed or broken it stays so: Jedis would
     * otherwise reconnect by itself on the next command, without logging in, selecting the database or naming the
     * client — and a consumer cut off at shutdown could reach Redis again.
     */
    Jedis openConnection(String clientName) {
        return new Jedis(new SingleUseConnection(hostAndPort(), clientConfig(clientName)));
    }

    /** A connection that connects once (in its constructor, with the login) and never again. */
    private static final class SingleUseConnection extends Connection {

        /** Not initialised in its declaration: it is set by {@link #connect()}, called from the super constructor. */
        private boolean connectedOnce;

        SingleUseConnection(HostAndPort hostAndPort, JedisClientConfig config) {
            super(hostAndPort, config);
        }

        @Override
        public void connect() {
            if (connectedOnce && !isConnected()) {
                throw new JedisConnectionException("connection closed; a new one is needed");
            }
            super.connect();
            connectedOnce = true;
        }
    }
}
