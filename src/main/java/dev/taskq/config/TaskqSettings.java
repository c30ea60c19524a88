package dev.taskq.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
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

    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    @Inject
    @ConfigProperty(name = "redis.url", defaultValue = "redis://localhost:6379")
    String redisUrl;

    @Inject
    @ConfigProperty(name = "taskq.consumers", defaultValue = "3")
    int consumers;

    @Inject
    @ConfigProperty(name = "taskq.key-prefix", defaultValue = "taskq")
    String keyPrefix;

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
        requireBetween("taskq.consumers", consumers, 1, 64);
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
        try {
            mailRate();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("taskq.mail-rate (TASKQ_MAIL_RATE): " + e.getMessage());
        }
        requireBetween("taskq.retention.succeeded-seconds", succeededRetentionSeconds, 1, Integer.MAX_VALUE);
        requireBetween("taskq.retention.dead-seconds", deadRetentionSeconds, 1, Integer.MAX_VALUE);
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

    public int consumers() {
        return consumers;
    }

    public String keyPrefix() {
        return keyPrefix;
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

    public Duration deadRetention() {
        return Duration.ofSeconds(deadRetentionSeconds);
    }
}
