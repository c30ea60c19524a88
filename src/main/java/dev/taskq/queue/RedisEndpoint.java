package dev.taskq.queue;

import dev.taskq.config.TaskqSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where Redis is and how to log in, read from a {@code redis://} or {@code rediss://} URL (with {@link RedisTls}'s
 * trust store and client certificate) or from Sentinels: the one place that makes Redis connections from the
 * settings. Every wait on a connection is bounded, so a half-open connection (peer gone without FIN or RST) is
 * noticed within seconds.
 *
 * <p>With Sentinels, the pool is Jedis' own {@link RedisSentinelClient}, which follows the master (it listens to
 * the Sentinels' {@code +switch-master}); single connections are opened to the master that pool knows of. A
 * consumer's connection to a master that died or was demoted fails (connection error, {@code READONLY},
 * {@code UNBLOCKED}), and the consumer opens a new one: to the new master.
 *
 * <p>On a Redis Cluster, the pool is Jedis' own {@link RedisClusterClient}, which routes each command by its key's
 * slot and follows {@code MOVED}/{@code ASK} and failovers by itself. Every key of a queue shares one hash tag, so
 * one slot: single connections are opened to the master that serves the slot of the key they are for, asked of
 * a freshly read topology; when that master dies, fails over or gives the slot away ({@code MOVED}), the
 * connection fails and the next one goes to the new owner.
 */
final class RedisEndpoint {

    /** Longest wait for a reply to an ordinary command, and for a connection to open. */
    static final int SOCKET_TIMEOUT_MILLIS = 2000;
    /** How long a blocking pop waits for a task (whole seconds, as BLMOVE takes them). */
    static final int BLOCKING_POP_SECONDS = 1;
    /** Longest wait for the reply to a blocking pop: its own wait plus the ordinary socket timeout. */
    static final int BLOCKING_SOCKET_TIMEOUT_MILLIS = BLOCKING_POP_SECONDS * 1000 + SOCKET_TIMEOUT_MILLIS;

    /**
     * Longest silence on a subscribed connection before it is taken for dead: three times the period of the
     * keep-alive message every server publishes on the events channel (15 s, TaskEventHub), so a live connection
     * never reaches it.
     */
    static final int SUBSCRIPTION_READ_TIMEOUT_MILLIS = 45_000;
    /** How often a cluster's pool reads which node serves which slot (Jedis' own thread). */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(1);

    /** The Sentinels that know the master, the master's name there, and the Sentinels' own password (or null). */
    record Sentinels(Set<HostAndPort> nodes, String masterName, String password) {
    }

    private final URI uri;
    /** How to verify the server and what to show it; null for {@code redis://}. */
    private final RedisTls tls;
    /** Null: the URL's host and port are the Redis. */
    private final Sentinels sentinels;
    /** With Sentinels: the first pool made here, asked where the master is for single connections. */
    private volatile RedisSentinelClient masterSource;
    /** Null: not a cluster. Otherwise the seed nodes, any of which tells where every slot is served. */
    private final Set<HostAndPort> clusterNodes;
    /** On a cluster: the first pool made here, asked which master serves a slot for single connections. */
    private volatile RedisClusterClient slotSource;

    RedisEndpoint(URI uri, RedisTls tls, Sentinels sentinels, Set<HostAndPort> clusterNodes) {
        if (sentinels != null && clusterNodes != null) {
            throw new IllegalArgumentException("Sentinels or a cluster, not both");
        }
        this.uri = uri;
        this.tls = tls;
        this.sentinels = sentinels;
        this.clusterNodes = clusterNodes;
    }

    RedisEndpoint(URI uri, RedisTls tls, Sentinels sentinels) {
        this(uri, tls, sentinels, null);
    }

    /** A {@code rediss://} URL is verified against the JVM's trust store. */
    RedisEndpoint(URI uri) {
        this(uri, JedisURIHelper.isRedisSSLScheme(uri)
                ? RedisTls.of(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()) : null, null);
    }

    static RedisEndpoint from(TaskqSettings settings) {
        URI uri = settings.redisUri();
        RedisTls tls = JedisURIHelper.isRedisSSLScheme(uri)
                ? RedisTls.of(settings.redisTrustStore(), settings.redisTrustStorePassword(),
                        settings.redisKeyStore(), settings.redisKeyStorePassword())
                : null;
        Sentinels sentinels = settings.redisSentinels().isEmpty() ? null
                : new Sentinels(Set.copyOf(settings.redisSentinels().stream().map(HostAndPort::from).toList()),
                        settings.redisSentinelMaster(), settings.redisSentinelPassword().orElse(null));
        Set<HostAndPort> cluster = settings.redisCluster().isEmpty() ? null
                : Set.copyOf(settings.redisCluster().stream().map(HostAndPort::from).toList());
        return new RedisEndpoint(uri, tls, sentinels, cluster);
    }

    /**
     * A pool of connections made on first use (so a deployment succeeds while Redis is down; with Sentinels, one of
     * them must answer); a request thread never waits long for one: it fails and the caller answers 503.
     */
    UnifiedJedis pooledClient(String clientName, int maxTotal, int maxIdle) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxTotal);
        pool.setMaxIdle(maxIdle);
        pool.setMaxWait(Duration.ofSeconds(2));
        if (clusterNodes != null) {
            // Jedis reads the slots at once and throws if no seed node answers; with this (JVM-wide) switch it
            // reads them on first use instead, from the same seeds, so a deployment succeeds while the cluster is
            // down, as it does with one Redis.
            System.setProperty(RedisClusterClient.INIT_NO_ERROR_PROPERTY, "true");
            RedisClusterClient client = RedisClusterClient.builder()
                    .nodes(clusterNodes)
                    .clientConfig(clientConfig(clientName))
                    .poolConfig(pool)
                    // Redirections and a failover are retried within this time, then the caller gets the error.
                    .maxTotalRetriesDuration(Duration.ofMillis(2L * SOCKET_TIMEOUT_MILLIS))
                    // Pipelines do not follow MOVED (redis/jedis#3699): after a failover they would keep going to
                    // the old node until some single command read the slots again. Read them every second.
                    .topologyRefreshPeriod(TOPOLOGY_REFRESH)
                    .build();
            synchronized (this) {
                if (slotSource == null) {
                    slotSource = client;
                }
            }
            return client;
        }
        if (sentinels == null) {
            return RedisClient.builder()
                    .hostAndPort(hostAndPort())
                    .clientConfig(clientConfig(clientName))
                    .poolConfig(pool)
                    .build();
        }
        RedisSentinelClient client = RedisSentinelClient.builder()
                .masterName(sentinels.masterName())
                .sentinels(sentinels.nodes())
                .clientConfig(clientConfig(clientName))
                .sentinelClientConfig(DefaultJedisClientConfig.builder()
                        .password(sentinels.password())
                        .clientName(clientName + ":sentinel")
                        .connectionTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                        .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                        .build())
                .poolConfig(pool)
                .build();
        synchronized (this) {
            if (masterSource == null) {
                masterSource = client;
            }
        }
        return client;
    }

    HostAndPort hostAndPort() {
        return JedisURIHelper.getHostAndPort(uri);
    }

    /** Client settings; the client name shows who holds a connection in Redis' {@code CLIENT LIST}. */
    JedisClientConfig clientConfig(String clientName) {
        return clientConfig(clientName, BLOCKING_SOCKET_TIMEOUT_MILLIS);
    }

    private JedisClientConfig clientConfig(String clientName, int blockingTimeoutMillis) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .clientName(clientName)
                // No CLIENT SETINFO at connect: the ACL user is not granted it (Redis 7.0 does not know it).
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .connectionTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                // Jedis waits forever for a blocking command's reply unless told otherwise; a subscribed
                // connection's reads wait this long too.
                .blockingSocketTimeoutMillis(blockingTimeoutMillis);
        if (tls != null) {
            builder.ssl(true).sslSocketFactory(tls.socketFactory()).sslParameters(RedisTls.parameters());
        }
        return builder.build();
    }

    /**
     * A single connection of its own, for a consumer that blocks on it or a subscriber, to the master that holds
     * {@code key} (on a cluster; elsewhere there is one master). Once closed or broken it stays so: Jedis would
     * otherwise reconnect by itself on the next command, without logging in, selecting the database or naming the
     * client — and a consumer cut off at shutdown could reach Redis again.
     */
    Jedis openConnection(String clientName, String key) {
        return open(clientName, key, BLOCKING_SOCKET_TIMEOUT_MILLIS);
    }

    private Jedis open(String clientName, String key, int blockingTimeoutMillis) {
        HostAndPort address;
        if (clusterNodes != null) {
            address = masterOf(key);
        } else if (sentinels == null) {
            address = hostAndPort();
        } else if (masterSource != null) {
            address = masterSource.getCurrentMaster();
        } else {
            throw new IllegalStateException("with Sentinels, a pool must be made first: it follows the master");
        }
        return new Jedis(new SingleUseConnection(address, clientConfig(clientName, blockingTimeoutMillis)));
    }

    /**
     * As {@link #openConnection}, for a subscriber: a subscribed connection reads with the blocking timeout, which
     * here is {@link #SUBSCRIPTION_READ_TIMEOUT_MILLIS} (keep-alive messages arrive well within it) rather than a
     * blocking pop's few seconds, which a quiet channel would outlast.
     */
    Jedis openSubscriberConnection(String clientName, String key) {
        return open(clientName, key, SUBSCRIPTION_READ_TIMEOUT_MILLIS);
    }

    /**
     * The master serving {@code key}'s slot now. The topology is read again first: a connection is opened at start
     * and after a failure, which may be a failover or a slot moved away.
     */
    private HostAndPort masterOf(String key) {
        RedisClusterClient cluster = slotSource;
        if (cluster == null) {
            throw new IllegalStateException("on a cluster, a pool must be made first: it knows the slots");
        }
        try {
            cluster.refreshClusterTopology();
            try (Connection pooled = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(key))) {
                return pooled.getHostAndPort();
            }
        } catch (JedisConnectionException e) {
            throw e;
        } catch (JedisException e) {
            // E.g. no pooled connection to borrow, or no node known for the slot: as good as unreachable.
            throw new JedisConnectionException("the cluster's master for " + key + " is not known: " + e.getMessage(),
                    e);
        }
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
