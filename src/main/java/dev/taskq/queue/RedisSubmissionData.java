package dev.taskq.queue;

import dev.taskq.config.TaskqSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What the operators' submission pages need from Redis, on a small pool of its own (operator traffic never waits
 * on the producers' pool): the state of many tasks in one round trip, erasure of everything that holds an address,
 * and the lock that lets one server run a daily job.
 *
 * <p>Erasure is SCAN-style, not one script: the ready list and the delayed set are read in pages of
 * {@value #PAGE} ({@code LRANGE}/{@code ZRANGE}), the dead letters with {@code HSCAN}, so Redis never blocks on one
 * long call; each entry holding the address is then removed by its exact value ({@code LREM}/{@code ZREM}/
 * {@code HDEL}), which removes nothing if a consumer took it meanwhile. The recent-failures list goes the same way.
 * Tasks a consumer holds at that moment are not touched (that would break its lease).
 */
@ApplicationScoped
public class RedisSubmissionData {

    static final int PAGE = 500;

    @Inject
    TaskqSettings settings;

    private List<RedisKeys> partitions;
    private RedisKeys keys;
    private UnifiedJedis client;

    @PostConstruct
    void open() {
        partitions = RedisKeys.partitions(settings.keyPrefix(), settings.queuePartitions());
        keys = partitions.get(0);
        client = RedisEndpoint.from(settings).pooledClient("taskq-admin", 4, 2);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The state of each task whose status record is still there (wire names: queued, succeeded, …). */
    public Map<String, String> states(Collection<String> taskIds) {
        Map<String, String> states = new HashMap<>();
        try (AbstractPipeline pipeline = client.pipelined()) {
            // With partitions, a record is in one of them: ask each.
            List<Map.Entry<String, Response<String>>> replies = new ArrayList<>();
            for (RedisKeys partition : partitions) {
                for (String id : taskIds) {
                    replies.add(Map.entry(id, pipeline.hget(partition.task(id), TaskRecord.STATE)));
                }
            }
            pipeline.sync();
            replies.forEach(reply -> {
                String state = RedisFailures.reply(reply.getValue());
                if (state != null) {
                    states.put(reply.getKey(), state);
                }
            });
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        return states;
    }

    /** What an erasure removed from Redis. */
    public record Erased(long queuedTasks, long deadLetters, long statusRecords) {
    }

    /**
     * Removes every waiting task and dead letter holding {@code email} (case-insensitive), and the status records
     * of those tasks and of {@code knownTaskIds} (the tasks of the stored submissions with that address).
     *
     * @param taskTypes the types whose parked tasks (waiting out an outage) are searched too
     */
    public Erased erase(String email, Collection<String> knownTaskIds, List<String> taskTypes) {
        String address = email.toLowerCase(Locale.ROOT);
        long queued = 0;
        long dead = 0;
        long records = 0;
        for (RedisKeys partition : partitions) {
            Erased erased = erase(partition, address, new LinkedHashSet<>(knownTaskIds), taskTypes);
            queued += erased.queuedTasks();
            dead += erased.deadLetters();
            records += erased.statusRecords();
        }
        return new Erased(queued, dead, records);
    }

    private Erased erase(RedisKeys keys, String address, Set<String> taskIds, List<String> taskTypes) {
        try {
            List<String> readyEntries = new ArrayList<>();
            for (long start = 0; ; start += PAGE) {
                List<String> page = client.lrange(keys.ready(), start, start + PAGE - 1);
                collect(page, address, readyEntries, taskIds);
                if (page.size() < PAGE) {
                    break;
                }
            }
            Map<String, List<String>> zsetEntries = new LinkedHashMap<>();
            List<String> zsets = new ArrayList<>();
            zsets.add(keys.delayed());
            taskTypes.forEach(type -> zsets.add(keys.parked(type)));
            for (String zset : zsets) {
                List<String> found = new ArrayList<>();
                for (long start = 0; ; start += PAGE) {
                    List<String> page = client.zrange(zset, start, start + PAGE - 1);
                    collect(page, address, found, taskIds);
                    if (page.size() < PAGE) {
                        break;
                    }
                }
                zsetEntries.put(zset, found);
            }
            List<String> deadIds = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams batch = new ScanParams().count(PAGE);
            do {
                ScanResult<Map.Entry<String, String>> page = client.hscan(keys.dead(), cursor, batch);
                for (Map.Entry<String, String> letter : page.getResult()) {
                    String entry = DeadLetter.fromJson(letter.getKey(), letter.getValue()).entry();
                    if (holds(entry, address)) {
                        deadIds.add(letter.getKey());
                        taskIds.add(letter.getKey());
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));

            // The recent failures (capped at 100) name task ids, and an error text may quote the address.
            List<String> failures = client.lrange(keys.failures(), 0, -1).stream()
                    .filter(failure -> failure.toLowerCase(Locale.ROOT).contains(address)
                            || taskIds.stream().anyMatch(id -> failure.contains("\"" + id + "\"")))
                    .toList();

            List<Response<Long>> queued = new ArrayList<>();
            List<Response<Long>> dead = new ArrayList<>();
            List<Response<Long>> records = new ArrayList<>();
            try (AbstractPipeline pipeline = client.pipelined()) {
                readyEntries.forEach(entry -> queued.add(pipeline.lrem(keys.ready(), 0, entry)));
                zsetEntries.forEach((zset, entries) -> entries.forEach(entry -> queued.add(pipeline.zrem(zset, entry))));
                deadIds.forEach(id -> dead.add(pipeline.hdel(keys.dead(), id)));
                deadIds.forEach(id -> pipeline.zrem(keys.deadAt(), id));
                failures.forEach(failure -> pipeline.lrem(keys.failures(), 0, failure));
                taskIds.forEach(id -> records.add(pipeline.del(keys.task(id))));
                pipeline.sync();
            }
            return new Erased(sum(queued), sum(dead), sum(records));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Takes the lock of a periodic job for {@code hold} unless another server holds it; true if taken. It is not
     * released: it expires, so the job runs once per period whichever server gets there first.
     */
    public boolean tryJobLock(String job, String holder, Duration hold) {
        try {
            return "OK".equals(client.set(keys.jobLock(job), holder, SetParams.setParams().nx().px(hold.toMillis())));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    private static void collect(List<String> entries, String address, List<String> found, Set<String> taskIds) {
        for (String entry : entries) {
            if (holds(entry, address)) {
                found.add(entry);
                idOf(entry).ifPresent(taskIds::add);
            }
        }
    }

    /** A task whose payload's address is this one, or an unreadable entry whose text contains it. */
    static boolean holds(String entry, String address) {
        try {
            Task task = TaskCodec.decode(entry);
            return task.payload() != null && address.equalsIgnoreCase(task.payload().get("email"));
        } catch (MalformedTaskException | RuntimeException e) {
            return entry.toLowerCase(Locale.ROOT).contains(address);
        }
    }

    private static Optional<String> idOf(String entry) {
        try {
            return Optional.ofNullable(TaskCodec.decode(entry).id());
        } catch (MalformedTaskException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long sum(List<Response<Long>> replies) {
        return replies.stream().mapToLong(RedisFailures::reply).sum();
    }
}
