package dev.taskq.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
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
    @ConfigProperty(name = "taskq.retention.succeeded-seconds", defaultValue = "86400")
    long succeededRetentionSeconds;

    @Inject
    @ConfigProperty(name = "taskq.retention.dead-seconds", defaultValue = "604800")
    long deadRetentionSeconds;

    @PostConstruct
    void check() {
        URI uri = redisUri();
        if (!JedisURIHelper.isValid(uri)) {
            throw new IllegalStateException("redis.url (REDIS_URL) must look like redis://[user:password@]host:port/db"
                    + " or rediss://…, got a value with scheme '" + uri.getScheme() + "'");
        }
        if (consumers < 1 || consumers > 64) {
            throw new IllegalStateException("taskq.consumers (TASKQ_CONSUMERS) must be between 1 and 64, got " + consumers);
        }
        if (!KEY_PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalStateException("taskq.key-prefix (TASKQ_KEY_PREFIX) must be 1-64 characters of"
                    + " letters, digits, '_', '.', ':' or '-'");
        }
        if (succeededRetentionSeconds < 1 || deadRetentionSeconds < 1) {
            throw new IllegalStateException("taskq.retention.* must be at least 1 second");
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

    public Duration succeededRetention() {
        return Duration.ofSeconds(succeededRetentionSeconds);
    }

    public Duration deadRetention() {
        return Duration.ofSeconds(deadRetentionSeconds);
    }
}
