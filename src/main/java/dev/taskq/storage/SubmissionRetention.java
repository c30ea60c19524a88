package dev.taskq.storage;

import dev.taskq.queue.RedisSubmissionData;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes kept submissions older than {@code TASKQ_SUBMISSIONS_RETENTION} (spam: older than
 * {@code TASKQ_SUBMISSIONS_SPAM_RETENTION}) once a day, at {@value #AT} UTC. Every server schedules it; a Redis lock
 * taken with {@code SET NX PX} for a little less than a day lets only the first one in each day do the work.
 */
@Singleton
@Startup
public class SubmissionRetention {

    static final String JOB = "submissions-retention";
    static final Duration PERIOD = Duration.ofDays(1);
    /** A quiet hour, off the full hour when other jobs tend to run. */
    static final String AT = "03:17";
    /** Shorter than the period, so the next day's run is never locked out by a drifting clock. */
    static final Duration LOCK = PERIOD.minusHours(1);
    private static final Logger LOG = Logger.getLogger(SubmissionRetention.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SubmissionStore store;

    @Inject
    StorageSettings settings;

    @Inject
    RedisSubmissionData redis;

    private final String holder = UUID.randomUUID().toString();
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        settings.dataSource(); // a wrong setting fails the deployment here
        schedule = scheduler.scheduleAtFixedRate(this::runIfFirst, secondsUntilNext(Instant.now()),
                PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** Seconds from {@code now} to the next {@value #AT} UTC. */
    static long secondsUntilNext(Instant now) {
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        ZonedDateTime next = utc.with(LocalTime.parse(AT));
        if (!next.isAfter(utc)) {
            next = next.plusDays(1);
        }
        return Duration.between(utc, next).toSeconds();
    }

    private void runIfFirst() {
        try {
            if (redis.tryJobLock(JOB, holder, LOCK)) {
                deleteExpired(Instant.now());
            }
        } catch (RuntimeException e) {
            // Tomorrow's run tries again; a scheduled task that throws would never run again.
            LOG.log(Level.WARNING, "Retention of submissions failed; next try in a day: " + e);
        }
    }

    /** Deletes what is past its retention at {@code now}; returns how many rows. */
    public int deleteExpired(Instant now) {
        int kept = store.deleteReceivedBefore(false, now.minus(settings.retention()));
        int spam = store.deleteReceivedBefore(true, now.minus(settings.spamRetention()));
        LOG.info(() -> "Retention of submissions: deleted " + kept + " rows older than " + settings.retention()
                + " and " + spam + " spam rows older than " + settings.spamRetention());
        return kept + spam;
    }
}
