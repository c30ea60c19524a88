package dev.taskq.queue;

import static dev.taskq.queue.RedisFailures.reply;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * The read side for operators (console, metrics, health): figures for the whole queue — every server on this Redis —
 * read when asked, in one or two pipelined round trips. The only thing kept in memory is the history of minutes
 * that are over (their buckets no longer change), so a refresh reads just the current minutes.
 */
@ApplicationScoped
public class QueueStats {

    /** Minutes of history shown (the buckets expire after 25 h). */
    public static final int HISTORY_MINUTES = 24 * 60;
    /** Minutes over which the wait and run percentiles are taken. */
    public static final int PERCENTILE_MINUTES = 60;
    /** Minutes this old or older are cached: no server writes into them any more (allowing for clock skew). */
    private static final int SETTLED_AFTER_MINUTES = 2;

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    RedisTaskQueue queue;

    private final Map<Long, Minute> settled = new ConcurrentHashMap<>();

    /** One minute's counts. */
    public record Minute(long epochMinute, long enqueued, long succeeded, long failed, long dead, Histogram queueTime,
                         Histogram runTime) {

        static Minute from(long epochMinute, Map<String, String> hash) {
            return new Minute(epochMinute, Histogram.number(hash.get("enqueued")),
                    Histogram.number(hash.get("succeeded")), Histogram.number(hash.get("failed")),
                    Histogram.number(hash.get("dead")), Histogram.from(hash, "wait"), Histogram.from(hash, "run"));
        }
    }

    /** An open circuit breaker: this server's consumers do not run tasks of this type. */
    public record Breaker(String server, String type, String since, String error, String nextProbe) {
    }

    /** The queue's pause, when present. */
    public record Pause(String since, String by) {
    }

    /** The whole queue at one moment. */
    public record Overview(Instant at, long queued, long retrying, Instant nextRetryDue, long processing,
                           long parked, long dead, Duration oldestWaiting, int consumersLive, int consumersDead,
                           Pause pause, List<Breaker> breakers, List<Minute> history) {

        public long succeededInHistory() {
            return history.stream().mapToLong(Minute::succeeded).sum();
        }

        public long failedInHistory() {
            return history.stream().mapToLong(Minute::failed).sum();
        }

        public Histogram recentWait() {
            return recent().map(Minute::queueTime).reduce(Histogram.empty(), Histogram::plus);
        }

        public Histogram recentRun() {
            return recent().map(Minute::runTime).reduce(Histogram.empty(), Histogram::plus);
        }

        private java.util.stream.Stream<Minute> recent() {
            return history.subList(Math.max(0, history.size() - PERCENTILE_MINUTES), history.size()).stream();
        }
    }

    /** One consumer loop as it describes itself, with its lease. */
    public record Consumer(String id, Map<String, String> details, long heartbeatMillisLeft, long holding) {

        public boolean alive() {
            return heartbeatMillisLeft > 0;
        }

        public String detail(String name) {
            return details.getOrDefault(name, "");
        }
    }

    /** The counters and histograms since the start, by task type where they are kept by type. */
    public record Totals(Map<String, Map<String, Long>> countersByKind, Histogram queueTime, Histogram runTime) {
    }

    /** A task waiting for a retry: its entry as stored (needed to move it exactly) and when it is due. */
    public record Retrying(String id, String type, String entry, Instant due) implements java.io.Serializable {
    }

    /** The queue's figures now; with partitions, their sums (the pause and breakers live in the first). */
    public Overview overview(Set<String> taskTypes) {
        RedisKeys first = queue.keys();
        Instant now = Instant.now();
        long currentMinute = now.getEpochSecond() / 60;
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            List<Response<Long>> counts = new ArrayList<>();
            List<Response<Long>> retrying = new ArrayList<>();
            List<Response<List<Tuple>>> nextRetries = new ArrayList<>();
            List<Response<Long>> dead = new ArrayList<>();
            List<Response<String>> oldest = new ArrayList<>();
            List<Response<Long>> parked = new ArrayList<>();
            List<Response<Set<String>>> consumerIds = new ArrayList<>();
            Map<Long, List<Response<Map<String, String>>>> minutes = new TreeMap<>();
            for (RedisKeys keys : queue.partitions()) {
                counts.add(pipe.llen(keys.ready()));
                retrying.add(pipe.zcard(keys.delayed()));
                nextRetries.add(pipe.zrangeWithScores(keys.delayed(), 0, 0));
                dead.add(pipe.hlen(keys.dead()));
                oldest.add(pipe.lindex(keys.ready(), -1));
                consumerIds.add(pipe.smembers(keys.consumers()));
                taskTypes.forEach(type -> parked.add(pipe.zcard(keys.parked(type))));
                for (long m = currentMinute - HISTORY_MINUTES + 1; m <= currentMinute; m++) {
                    if (!settled.containsKey(m)) {
                        minutes.computeIfAbsent(m, key -> new ArrayList<>()).add(pipe.hgetAll(keys.statsMinute(m)));
                    }
                }
            }
            Response<Map<String, String>> breakers = pipe.hgetAll(first.breakers());
            Response<String> pause = pipe.get(first.paused());
            pipe.sync();

            // A consumer serves every partition: alive if its heartbeat is, holding what its lists hold.
            List<Response<Long>> holding = new ArrayList<>();
            Map<String, List<Response<Long>>> beats = new TreeMap<>();
            for (int p = 0; p < queue.partitions().size(); p++) {
                RedisKeys keys = queue.partitions().get(p);
                for (String id : reply(consumerIds.get(p))) {
                    holding.add(pipe.llen(keys.processing(id)));
                    beats.computeIfAbsent(id, key -> new ArrayList<>()).add(pipe.pttl(keys.heartbeat(id)));
                }
            }
            pipe.sync();

            List<Minute> history = history(currentMinute, minutes);
            long processing = holding.stream().mapToLong(RedisFailures::reply).sum();
            int live = (int) beats.values().stream()
                    .filter(each -> each.stream().anyMatch(beat -> reply(beat) > 0)).count();
            Instant nextRetry = nextRetries.stream().map(RedisFailures::reply).filter(next -> !next.isEmpty())
                    .map(next -> Instant.ofEpochMilli((long) next.get(0).getScore())).min(Instant::compareTo)
                    .orElse(null);
            Duration oldestAge = oldest.stream().map(entry -> age(reply(entry), now)).filter(age -> age != null)
                    .max(Duration::compareTo).orElse(null);
            return new Overview(now, sum(counts), sum(retrying), nextRetry, processing, sum(parked), sum(dead),
                    oldestAge, live, beats.size() - live, pause(reply(pause)), breakers(reply(breakers)), history);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Every consumer of every server, once each (with partitions, its hashes and lists there taken together). */
    public List<Consumer> consumers() {
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            Map<String, List<Response<Map<String, String>>>> details = new TreeMap<>();
            Map<String, List<Response<Long>>> beats = new TreeMap<>();
            Map<String, List<Response<Long>>> holding = new TreeMap<>();
            for (RedisKeys keys : queue.partitions()) {
                for (String id : queue.client().smembers(keys.consumers())) {
                    details.computeIfAbsent(id, key -> new ArrayList<>()).add(pipe.hgetAll(keys.consumer(id)));
                    beats.computeIfAbsent(id, key -> new ArrayList<>()).add(pipe.pttl(keys.heartbeat(id)));
                    holding.computeIfAbsent(id, key -> new ArrayList<>()).add(pipe.llen(keys.processing(id)));
                }
            }
            pipe.sync();
            List<Consumer> consumers = new ArrayList<>();
            for (String id : details.keySet()) {
                long beat = beats.get(id).stream().mapToLong(RedisFailures::reply).max().orElse(-2);
                consumers.add(new Consumer(id, mergedDetails(details.get(id)), beat, sum(holding.get(id))));
            }
            return consumers;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * One consumer's hashes in every partition as one: its counters added up, the task it runs now from wherever
     * it runs one, the rest (host, server, start) from the first that has them.
     */
    private static Map<String, String> mergedDetails(List<Response<Map<String, String>>> hashes) {
        Map<String, String> merged = new TreeMap<>();
        for (Response<Map<String, String>> response : hashes) {
            reply(response).forEach((field, value) -> {
                switch (field) {
                    case "processed", "failed" -> merged.merge(field, value,
                            (a, b) -> String.valueOf(Histogram.number(a) + Histogram.number(b)));
                    case "task", "taskSince" -> {
                        if (!value.isEmpty()) {
                            merged.put(field, value);
                        } else {
                            merged.putIfAbsent(field, value);
                        }
                    }
                    default -> merged.putIfAbsent(field, value);
                }
            });
        }
        return merged;
    }

    /** Counters since the start: kind (enqueued, succeeded, failed, retried, dead) → task type → count. */
    public Totals totals() {
        Map<String, String> hash;
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            List<Response<Map<String, String>>> replies = new ArrayList<>();
            queue.partitions().forEach(keys -> replies.add(pipe.hgetAll(keys.statsTotal())));
            pipe.sync();
            hash = added(replies);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
        Map<String, Map<String, Long>> counters = new TreeMap<>();
        for (String kind : List.of("enqueued", "succeeded", "failed", "retried", "dead")) {
            counters.put(kind, new TreeMap<>());
        }
        hash.forEach((field, value) -> {
            int colon = field.indexOf(':');
            if (colon > 0 && counters.containsKey(field.substring(0, colon))) {
                counters.get(field.substring(0, colon)).put(field.substring(colon + 1), Histogram.number(value));
            }
        });
        return new Totals(counters, Histogram.from(hash, "wait"), Histogram.from(hash, "run"));
    }

    /** Hashes of counters (every field a number) as one, each field the sum of its values. */
    private static Map<String, String> added(List<Response<Map<String, String>>> hashes) {
        if (hashes.size() == 1) {
            return reply(hashes.get(0));
        }
        Map<String, Long> sums = new TreeMap<>();
        hashes.forEach(hash -> reply(hash).forEach((field, value) -> sums.merge(field, Histogram.number(value),
                Long::sum)));
        Map<String, String> added = new TreeMap<>();
        sums.forEach((field, value) -> added.put(field, String.valueOf(value)));
        return added;
    }

    private static long sum(List<Response<Long>> replies) {
        return replies.stream().mapToLong(RedisFailures::reply).sum();
    }

    /** One window of a shared send rate, and the starts it holds now. */
    public record RateWindow(SendRate.Window window, long used) {
    }

    /**
     * A shared send rate now: each window's use, and how often a start was held back for it (each refusal counts,
     * also a consumer's repeated one) and for how long in all, since the counters began.
     */
    public record RateUse(List<RateWindow> windows, long heldBack, Duration waited) {
    }

    /**
     * The use of the send rate {@code group} ({@code "mail"} for {@code taskq.mail-rate}) with these windows, in one
     * pipelined round trip. "Now" is this server's clock, the windows' scores Redis' clock: a skew of a few
     * milliseconds moves the shortest window's count by as many starts as fall in them.
     */
    public RateUse sendRate(String group, SendRate rate) {
        RedisKeys keys = queue.keys();
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            List<Response<Long>> used = new ArrayList<>();
            for (SendRate.Window window : rate.windows()) {
                long lengthMicros = window.length().toNanos() / 1000;
                used.add(pipe.zcount(keys.sendRate(group, window.length()), nowMicros - lengthMicros,
                        Double.POSITIVE_INFINITY));
            }
            Response<List<String>> counters = pipe.hmget(keys.statsTotal(), "rate_limited", "rate_wait_us");
            pipe.sync();
            List<RateWindow> windows = new ArrayList<>();
            for (int i = 0; i < rate.windows().size(); i++) {
                windows.add(new RateWindow(rate.windows().get(i), reply(used.get(i))));
            }
            return new RateUse(windows, Histogram.number(reply(counters).get(0)),
                    Duration.ofNanos(Histogram.number(reply(counters).get(1)) * 1000));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** The latest failed attempts, newest first, as JSON objects {id, type, attempt, error, at}. */
    public List<JsonObject> recentFailures(int limit) {
        try {
            List<JsonObject> failures = new ArrayList<>();
            for (RedisKeys keys : queue.partitions()) {
                queue.client().lrange(keys.failures(), 0, limit - 1L).stream().map(QueueStats::object)
                        .filter(object -> object != null).forEach(failures::add);
            }
            if (queue.partitions().size() > 1) {
                failures.sort(java.util.Comparator.comparing((JsonObject failure) -> instantOr(failure, "at"))
                        .reversed());
            }
            return failures.subList(0, Math.min(limit, failures.size()));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** The tasks due for a retry soonest, and how many wait in all. */
    public List<Retrying> retrying(int limit) {
        try {
            List<Retrying> tasks = new ArrayList<>();
            for (RedisKeys keys : queue.partitions()) {
                for (Tuple entry : queue.client().zrangeWithScores(keys.delayed(), 0, limit - 1L)) {
                    JsonObject task = object(entry.getElement());
                    tasks.add(new Retrying(task == null ? "" : task.getString("id", ""),
                            task == null ? "" : task.getString("type", ""), entry.getElement(),
                            Instant.ofEpochMilli((long) entry.getScore())));
                }
            }
            tasks.sort(java.util.Comparator.comparing(Retrying::due));
            return tasks.subList(0, Math.min(limit, tasks.size()));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** A task's whole status record, fields in name order; empty when there is none (any more). */
    public Map<String, String> record(String taskId) {
        return new TreeMap<>(queue.recordHash(taskId));
    }

    /**
     * Answers whether the queue's Redis answers: a read of one of its keys on the shared pool (on a cluster, that
     * asks the node serving the queue's slot, where a PING would go to any node).
     */
    public boolean reachable() {
        try {
            // With partitions, the first: every submission's limits are counted there. Another partition's master
            // away refuses (503) only the submissions that would go there, and holds up no server.
            queue.client().exists(queue.keys().paused());
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    public Pause pause() {
        try {
            return pause(queue.client().get(queue.keys().paused()));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    public List<Breaker> breakers() {
        try {
            return breakers(queue.client().hgetAll(queue.keys().breakers()));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    private List<Minute> history(long currentMinute, Map<Long, List<Response<Map<String, String>>>> read) {
        List<Minute> history = new ArrayList<>(HISTORY_MINUTES);
        long first = currentMinute - HISTORY_MINUTES + 1;
        settled.keySet().removeIf(minute -> minute < first);
        for (long m = first; m <= currentMinute; m++) {
            Minute minute = settled.get(m);
            if (minute == null) {
                minute = Minute.from(m, added(read.get(m)));
                if (m <= currentMinute - SETTLED_AFTER_MINUTES) {
                    settled.put(m, minute);
                }
            }
            history.add(minute);
        }
        return history;
    }

    private static Instant instantOr(JsonObject object, String name) {
        try {
            return Instant.parse(object.getString(name, ""));
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static Duration age(String entry, Instant now) {
        JsonObject task = entry == null ? null : object(entry);
        if (task == null) {
            return null;
        }
        try {
            return Duration.between(Instant.parse(task.getString("createdAt")), now);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Pause pause(String json) {
        if (json == null) {
            return null;
        }
        JsonObject pause = object(json);
        return pause == null ? new Pause("", "") : new Pause(pause.getString("since", ""), pause.getString("by", ""));
    }

    private static List<Breaker> breakers(Map<String, String> hash) {
        List<Breaker> breakers = new ArrayList<>();
        new TreeMap<>(hash).forEach((field, json) -> {
            int bar = field.lastIndexOf('|');
            JsonObject state = object(json);
            breakers.add(new Breaker(bar < 0 ? field : field.substring(0, bar), bar < 0 ? "" : field.substring(bar + 1),
                    text(state, "since"), text(state, "error"), text(state, "nextProbe")));
        });
        return breakers;
    }

    private static String text(JsonObject object, String name) {
        if (object == null || !object.containsKey(name) || object.isNull(name)) {
            return "";
        }
        return object.get(name) instanceof jakarta.json.JsonString string ? string.getString()
                : object.get(name).toString();
    }

    static JsonObject object(String json) {
        try {
            return JSON.createReader(new StringReader(json)).readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }
}
