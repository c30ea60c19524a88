package dev.taskq.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import dev.taskq.queue.SendRate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Every setting of the application, with its default. MicroProfile Config maps an environment variable to each
 * name (for example {@code REDIS_URL} to {@code redis.url}, {@code TASKQ_KEY_PREFIX} to {@code taskq.key-prefix}).
 * A value that makes no sense fails the deployment with a message naming the setting.
 */
@ApplicationScoped
public class TaskqSettings {

    /** Most task watchers (SSE streams, ?wait requests) one server holds; the per-client caps stay below it. */
    public static final int MAX_WATCHERS = 10_000;
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    @Inject
    @ConfigProperty(name = "redis.url", defaultValue = "redis://localhost:6379")
    String redisUrl;

    /** With {@code rediss://}: the trust store (PKCS12 or JKS) Redis' certificate must chain to; else the JVM's. */
    @Inject
    @ConfigProperty(name = "redis.tls.truststore")
    Optional<String> redisTrustStore;

    @Inject
    @ConfigProperty(name = "redis.tls.truststore-password")
    Optional<String> redisTrustStorePassword;

    /** With {@code rediss://}: a key store holding the client certificate and key to show Redis; none by default. */
    @Inject
    @ConfigProperty(name = "redis.tls.keystore")
    Optional<String> redisKeyStore;

    @Inject
    @ConfigProperty(name = "redis.tls.keystore-password")
    Optional<String> redisKeyStorePassword;

    /** host:port,host:port,…: Sentinels to ask where the master is; then REDIS_URL gives only login, db and TLS. */
    @Inject
    @ConfigProperty(name = "redis.sentinels")
    Optional<String> redisSentinels;

    @Inject
    @ConfigProperty(name = "redis.sentinel-master")
    Optional<String> redisSentinelMaster;

    @Inject
    @ConfigProperty(name = "redis.sentinel-password")
    Optional<String> redisSentinelPassword;

    /** host:port,host:port,…: seed nodes of a Redis Cluster; then REDIS_URL gives only login and TLS. */
    @Inject
    @ConfigProperty(name = "redis.cluster")
    Optional<String> redisCluster;

    /** Replicas that must have an enqueue (WAIT) before a submission is acknowledged; 0 = do not wait. */
    @Inject
    @ConfigProperty(name = "taskq.redis.min-replicas", defaultValue = "0")
    int redisMinReplicas;

    @Inject
    @ConfigProperty(name = "taskq.consumers", defaultValue = "3")
    int consumers;

    @Inject
    @ConfigProperty(name = "taskq.key-prefix", defaultValue = "taskq")
    String keyPrefix;

    /** Hash tags the queue is spread over (on a Redis Cluster, one per master lets throughput grow with them). */
    @Inject
    @ConfigProperty(name = "taskq.queue.partitions", defaultValue = "1")
    int queuePartitions;

    @Inject
    @ConfigProperty(name = "taskq.max-attempts", defaultValue = "25")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "taskq.retry.base-delay-ms", defaultValue = "1000")
    long retryBaseDelayMillis;

    @Inject
    @ConfigProperty(name = "taskq.retry.max-delay-seconds", defaultValue = "14400")
    long retryMaxDelaySeconds;

    @Inject
    @ConfigProperty(name = "taskq.handler-timeout-seconds", defaultValue = "30")
    long handlerTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "taskq.shutdown-grace-ms", defaultValue = "1500")
    long shutdownGraceMillis;

    @Inject
    @ConfigProperty(name = "taskq.heartbeat-ttl-seconds", defaultValue = "10")
    long heartbeatTtlSeconds;

    @Inject
    @ConfigProperty(name = "taskq.retention.succeeded-seconds", defaultValue = "86400")
    long succeededRetentionSeconds;

    @Inject
    @ConfigProperty(name = "taskq.retention.dead-seconds", defaultValue = "604800")
    long deadRetentionSeconds;

    /** Who may read /api/metrics: "open", or the role a caller needs (taskq-admin or taskq-metrics). */
    @Inject
    @ConfigProperty(name = "taskq.metrics.access", defaultValue = "taskq-admin")
    String metricsAccess;

    @Inject
    @ConfigProperty(name = "taskq.limit.recipient-per-hour", defaultValue = "3")
    int recipientPerHour;

    @Inject
    @ConfigProperty(name = "taskq.limit.recipient-per-day", defaultValue = "10")
    int recipientPerDay;

    @Inject
    @ConfigProperty(name = "taskq.limit.client-per-hour", defaultValue = "20")
    int clientPerHour;

    @Inject
    @ConfigProperty(name = "taskq.backlog.max", defaultValue = "100000")
    int backlogCap;

    @Inject
    @ConfigProperty(name = "taskq.client.trusted-proxies")
    Optional<String> trustedProxies;

    @Inject
    @ConfigProperty(name = "taskq.client.forwarded-header", defaultValue = "X-Forwarded-For")
    String forwardedHeader;

    @Inject
    @ConfigProperty(name = "taskq.client.max-streams", defaultValue = "20")
    int maxStreamsPerClient;

    @Inject
    @ConfigProperty(name = "taskq.client.max-waits", defaultValue = "20")
    int maxWaitsPerClient;

    @Inject
    @ConfigProperty(name = "taskq.email.allowed-domains")
    Optional<String> allowedDomains;

    @Inject
    @ConfigProperty(name = "taskq.email.denied-domains")
    Optional<String> deniedDomains;

    @Inject
    @ConfigProperty(name = "taskq.session-cookie.secure", defaultValue = "false")
    boolean secureSessionCookie;

    @Inject
    @ConfigProperty(name = "taskq.mail-rate", defaultValue = " ")
    String mailRate;

    @PostConstruct
    void check() {
        URI uri = redisUri();
        if (!JedisURIHelper.isValid(uri)) {
            throw new IllegalStateException("redis.url (REDIS_URL) must look like redis://[user:password@]host:port/db"
                    + " or rediss://…, got a value with scheme '" + uri.getScheme() + "'");
        }
        boolean tls = JedisURIHelper.isRedisSSLScheme(uri);
        requireTlsFile("redis.tls.truststore", redisTrustStore, tls);
        requireTlsFile("redis.tls.keystore", redisKeyStore, tls);
        for (String sentinel : redisSentinels()) {
            if (!sentinel.matches("[^\\s:]+:\\d{1,5}")) {
                throw new IllegalStateException("redis.sentinels (REDIS_SENTINELS) must be host:port,host:port,…");
            }
        }
        for (String node : redisCluster()) {
            if (!node.matches("[^\\s:]+:\\d{1,5}")) {
                throw new IllegalStateException("redis.cluster (REDIS_CLUSTER) must be host:port,host:port,…");
            }
        }
        if (!redisCluster().isEmpty() && !redisSentinels().isEmpty()) {
            throw new IllegalStateException("redis.cluster (REDIS_CLUSTER) and redis.sentinels (REDIS_SENTINELS)"
                    + " exclude each other: a cluster fails over by itself");
        }
        if (!redisCluster().isEmpty() && JedisURIHelper.getDBIndex(uri) != 0) {
            throw new IllegalStateException("redis.url (REDIS_URL) must name database 0 with REDIS_CLUSTER: a"
                    + " cluster has no other");
        }
        if (!redisSentinels().isEmpty() && redisSentinelMaster.isEmpty()) {
            throw new IllegalStateException("redis.sentinel-master (REDIS_SENTINEL_MASTER) must name the master when"
                    + " REDIS_SENTINELS is set");
        }
        requireBetween("taskq.redis.min-replicas", redisMinReplicas, 0, 16);
        requireBetween("taskq.consumers", consumers, 1, 64);
        requireBetween("taskq.queue.partitions", queuePartitions, 1, 16);
        if (!KEY_PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalStateException("taskq.key-prefix (TASKQ_KEY_PREFIX) must be 1-64 characters of"
                    + " letters, digits, '_', '.', ':' or '-'");
        }
        requireBetween("taskq.max-attempts", maxAttempts, 1, 100);
        requireBetween("taskq.retry.base-delay-ms", retryBaseDelayMillis, 1, 3_600_000);
        requireBetween("taskq.retry.max-delay-seconds", retryMaxDelaySeconds, 1, 7 * 86400);
        requireBetween("taskq.handler-timeout-seconds", handlerTimeoutSeconds, 1, 3600);
        requireBetween("taskq.shutdown-grace-ms", shutdownGraceMillis, 0, 600_000);
        requireBetween("taskq.heartbeat-ttl-seconds", heartbeatTtlSeconds, 3, 3600);
        if (shutdownGraceMillis >= heartbeatTtlSeconds * 1000) {
            // Heartbeats stop at shutdown: a longer grace would let another server's reaper re-run held tasks.
            throw new IllegalStateException("taskq.shutdown-grace-ms must be shorter than taskq.heartbeat-ttl-seconds");
        }
        if (!List.of("open", "taskq-admin", "taskq-metrics").contains(metricsAccess)) {
            throw new IllegalStateException("taskq.metrics.access (TASKQ_METRICS_ACCESS) must be open, taskq-admin"
                    + " or taskq-metrics");
        }
        try {
            mailRate();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("taskq.mail-rate (TASKQ_MAIL_RATE): " + e.getMessage());
        }
        requireBetween("taskq.retention.succeeded-seconds", succeededRetentionSeconds, 1, Integer.MAX_VALUE);
        requireBetween("taskq.retention.dead-seconds", deadRetentionSeconds, 1, Integer.MAX_VALUE);
        requireBetween("taskq.limit.recipient-per-hour", recipientPerHour, 0, Integer.MAX_VALUE);
        requireBetween("taskq.limit.recipient-per-day", recipientPerDay, 0, Integer.MAX_VALUE);
        requireBetween("taskq.limit.client-per-hour", clientPerHour, 0, Integer.MAX_VALUE);
        requireBetween("taskq.backlog.max", backlogCap, 0, Integer.MAX_VALUE);
        requireBetween("taskq.client.max-streams", maxStreamsPerClient, 0, TaskqSettings.MAX_WATCHERS);
        requireBetween("taskq.client.max-waits", maxWaitsPerClient, 0, TaskqSettings.MAX_WATCHERS);
        if (!forwardedHeader.equalsIgnoreCase("X-Forwarded-For") && !forwardedHeader.equalsIgnoreCase("Forwarded")) {
            throw new IllegalStateException("taskq.client.forwarded-header (TASKQ_CLIENT_FORWARDED_HEADER) must be"
                    + " X-Forwarded-For or Forwarded, got '" + forwardedHeader + "'");
        }
        try {
            trustedProxies();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("taskq.client.trusted-proxies (TASKQ_CLIENT_TRUSTED_PROXIES): "
                    + e.getMessage());
        }
    }


    private static void requireTlsFile(String name, Optional<String> file, boolean tls) {
        String env = name.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        if (file.isPresent() && !tls) {
            throw new IllegalStateException(name + " (" + env + ") is only used with a rediss:// REDIS_URL");
        }
        if (file.isPresent() && !Files.isReadable(Path.of(file.get()))) {
            throw new IllegalStateException(name + " (" + env + "): cannot read " + file.get());
        }
    }

    private static void requireBetween(String name, long value, long min, long max) {
        if (value < min || value > max) {
            String env = name.toUpperCase().replaceAll("[^A-Z0-9]", "_");
            throw new IllegalStateException(name + " (" + env + ") must be between " + min + " and " + max
                    + ", got " + value);
        }
    }

    public URI redisUri() {
        try {
            return URI.create(redisUrl.trim());
        } catch (IllegalArgumentException e) {
            // Do not echo the value: it may hold a password.
            throw new IllegalStateException("redis.url (REDIS_URL) is not a valid URI");
        }
    }

    /** The trust store for Redis' TLS certificate; empty = the JVM's own trust store. */
    public Optional<Path> redisTrustStore() {
        return redisTrustStore.map(Path::of);
    }

    public Optional<String> redisTrustStorePassword() {
        return redisTrustStorePassword;
    }

    /** The key store with the client certificate shown to Redis over TLS; empty = none. */
    public Optional<Path> redisKeyStore() {
        return redisKeyStore.map(Path::of);
    }

    public Optional<String> redisKeyStorePassword() {
        return redisKeyStorePassword;
    }

    /** The Sentinels (host:port) to ask where the master is; empty = REDIS_URL names the Redis. */
    public List<String> redisSentinels() {
        return split(redisSentinels);
    }

    /** Seed nodes (host:port) of a Redis Cluster; empty = not a cluster. */
    public List<String> redisCluster() {
        return split(redisCluster);
    }

    /** The master's name at the Sentinels (their {@code sentinel monitor NAME …}). */
    public String redisSentinelMaster() {
        return redisSentinelMaster.orElse("");
    }

    public Optional<String> redisSentinelPassword() {
        return redisSentinelPassword;
    }

    /** How many replicas must confirm an enqueue before it is acknowledged; 0 = none waited for. */
    public int redisMinReplicas() {
        return redisMinReplicas;
    }

    public int consumers() {
        return consumers;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    /** How many partitions the queue is spread over ({@link dev.taskq.queue.RedisKeys#partitions}). */
    public int queuePartitions() {
        return queuePartitions;
    }

    /** Runs a task gets in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Delay before the first retry; it doubles with each further attempt. */
    public Duration retryBaseDelay() {
        return Duration.ofMillis(retryBaseDelayMillis);
    }

    /** Longest delay between two runs of a failing task. */
    public Duration retryMaxDelay() {
        return Duration.ofSeconds(retryMaxDelaySeconds);
    }

    public Duration handlerTimeout() {
        return Duration.ofSeconds(handlerTimeoutSeconds);
    }

    /** How long running tasks may finish at shutdown before the rest go back to the queue. */
    public Duration shutdownGrace() {
        return Duration.ofMillis(shutdownGraceMillis);
    }

    /** A consumer whose heartbeat is older than this is presumed dead and its tasks are re-queued. */
    public Duration heartbeatTtl() {
        return Duration.ofSeconds(heartbeatTtlSeconds);
    }

    /** How many mails all servers on this Redis together may send, e.g. {@code 14/s,50000/day}; none by default. */
    public SendRate mailRate() {
        return SendRate.parse(mailRate);
    }

    public Duration succeededRetention() {
        return Duration.ofSeconds(succeededRetentionSeconds);
    }

    /** The role a caller of /api/metrics needs, or empty when anyone may read it. */
    public Optional<String> metricsRole() {
        return "open".equals(metricsAccess) ? Optional.empty() : Optional.of(metricsAccess);
    }

    public Duration deadRetention() {
        return Duration.ofSeconds(deadRetentionSeconds);
    }

    /** Submissions to one recipient address per hour; 0 = no limit. */
    public int recipientPerHour() {
        return recipientPerHour;
    }

    /** Submissions to one recipient address per day; 0 = no limit. */
    public int recipientPerDay() {
        return recipientPerDay;
    }

    /** Submissions from one client per hour; 0 = no limit. */
    public int clientPerHour() {
        return clientPerHour;
    }

    /** Most tasks waiting in the ready list before submissions are refused; 0 = no cap. */
    public int backlogCap() {
        return backlogCap;
    }

    /** The proxies whose forwarded-for header is believed; empty = none (the peer is the client). */
    public List<Cidr> trustedProxies() {
        return split(trustedProxies).stream().map(Cidr::parse).toList();
    }

    /** {@code X-Forwarded-For} or {@code Forwarded}: the header the trusted proxies write. */
    public String forwardedHeader() {
        return forwardedHeader;
    }

    /** Open SSE streams per client and server; 0 = no cap (beyond the server's). */
    public int maxStreamsPerClient() {
        return maxStreamsPerClient;
    }

    /** Pending {@code ?wait} requests per client and server; 0 = no cap (beyond the server's). */
    public int maxWaitsPerClient() {
        return maxWaitsPerClient;
    }

    /** Recipient domains mail may go to (a domain also allows its subdomains); empty = any. */
    public List<String> allowedDomains() {
        return domains(allowedDomains);
    }

    /** Recipient domains mail never goes to (with their subdomains). */
    public List<String> deniedDomains() {
        return domains(deniedDomains);
    }

    /** Whether the session cookie is always marked Secure (set it when HTTPS ends at a proxy in front). */
    public boolean secureSessionCookie() {
        return secureSessionCookie;
    }

    private static List<String> domains(Optional<String> value) {
        return split(value).stream().map(domain -> domain.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> split(Optional<String> value) {
        return value.map(text -> Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList()).orElse(List.of());
    }
}
