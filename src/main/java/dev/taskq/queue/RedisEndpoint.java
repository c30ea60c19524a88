package dev.taskq.queue;

import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.JedisURIHelper;

/** Where Redis is and how to log in, read from a {@code redis://} or {@code rediss://} URL. */
record RedisEndpoint(URI uri) {

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
                .build();
    }

    /** A single connection of its own, for a consumer that blocks on it. */
    Jedis openConnection(String clientName) {
        return new Jedis(hostAndPort(), clientConfig(clientName));
    }
}
