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

    public Overview overview(Set<String> taskTypes) {
        RedisKeys keys = queue.keys();
        Instant now = Instant.now();
        long currentMinute = now.getEpochSecond() / 60;
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            Response<Long> queued = pipe.llen(keys.ready());
            Response<Long> retrying = pipe.zcard(keys.delayed());
            Response<List<Tuple>> nextRetry = pipe.zrangeWithScores(keys.delayed(), 0, 0);
            Response<Long> dead = pipe.hlen(keys.dead());
            Response<String> oldest = pipe.lindex(keys.ready(), -1);
            Response<Map<String, String>> breakers = pipe.hgetAll(keys.breakers());
            Response<String> pause = pipe.get(keys.paused());
            Response<Set<String>> consumerIds = pipe.smembers(keys.consumers());
            List<Response<Long>> parked = new ArrayList<>();
            taskTypes.forEach(type -> parked.add(pipe.zcard(keys.parked(type))));
            Map<Long, Response<Map<String, String>>> minutes = new TreeMap<>();
            for (long m = currentMinute - HISTORY_MINUTES + 1; m <= currentMinute; m++) {
                if (!settled.containsKey(m)) {
                    minutes.put(m, pipe.hgetAll(keys.statsMinute(m)));
                }
            }
            pipe.sync();

            List<Response<Long>> holding = new ArrayList<>();
            List<Response<Long>> beats = new ArrayList<>();
            for (String id : reply(consumerIds)) {
                holding.add(pipe.llen(keys.processing(id)));
                beats.add(pipe.pttl(keys.heartbeat(id)));
            }
            pipe.sync();

            List<Minute> history = history(currentMinute, minutes);
            long processing = holding.stream().mapToLong(RedisFailures::reply).sum();
            int live = (int) beats.stream().filter(beat -> reply(beat) > 0).count();
            List<Tuple> next = reply(nextRetry);
            return new Overview(now, reply(queued), reply(retrying),
                    next.isEmpty() ? null : Instant.ofEpochMilli((long) next.get(0).getScore()), processing,
                    parked.stream().mapToLong(RedisFailures::reply).sum(), reply(dead), age(reply(oldest), now), live,
                    beats.size() - live, pause(reply(pause)), breakers(reply(breakers)), history);
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    public List<Consumer> consumers() {
        RedisKeys keys = queue.keys();
        try (AbstractPipeline pipe = queue.client().pipelined()) {
            List<String> ids = new ArrayList<>(queue.client().smembers(keys.consumers()));
            ids.sort(null);
            List<Response<Map<String, String>>> details = new ArrayList<>();
            List<Response<Long>> beats = new ArrayList<>();
            List<Response<Long>> holding = new ArrayList<>();
            for (String id : ids) {
                details.add(pipe.hgetAll(keys.consumer(id)));
                beats.add(pipe.pttl(keys.heartbeat(id)));
                holding.add(pipe.llen(keys.processing(id)));
            }
            pipe.sync();
            List<Consumer> consumers = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                consumers.add(new Consumer(ids.get(i), reply(details.get(i)), reply(beats.get(i)), reply(holding.get(i))));
            }
            return consumers;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** Counters since the start: kind (enqueued, succeeded, failed, retried, dead) → task type → count. */
    public Totals totals() {
        Map<String, String> hash;
        try {
            hash = queue.client().hgetAll(queue.keys().statsTotal());
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
            return queue.client().lrange(queue.keys().failures(), 0, limit - 1L).stream()
                    .map(QueueStats::object).filter(object -> object != null).toList();
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** The tasks due for a retry soonest, and how many wait in all. */
    public List<Retrying> retrying(int limit) {
        try {
            List<Retrying> tasks = new ArrayList<>();
            for (Tuple entry : queue.client().zrangeWithScores(queue.keys().delayed(), 0, limit - 1L)) {
                JsonObject task = object(entry.getElement());
                tasks.add(new Retrying(task == null ? "" : task.getString("id", ""),
                        task == null ? "" : task.getString("type", ""), entry.getElement(),
                        Instant.ofEpochMilli((long) entry.getScore())));
            }
            return tasks;
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** A task's whole status record, fields in name order; empty when there is none (any more). */
    public Map<String, String> record(String taskId) {
        try {
            return new TreeMap<>(queue.client().hgetAll(queue.keys().task(taskId)));
        } catch (JedisException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /**
     * Answers whether the queue's Redis answers: a read of one of its keys on the shared pool (on a cluster, that
     * asks the node serving the queue's slot, where a PING would go to any node).
     */
    public boolean reachable() {
        try {
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

    private List<Minute> history(long currentMinute, Map<Long, Response<Map<String, String>>> read) {
        List<Minute> history = new ArrayList<>(HISTORY_MINUTES);
        long first = currentMinute - HISTORY_MINUTES + 1;
        settled.keySet().removeIf(minute -> minute < first);
        for (long m = first; m <= currentMinute; m++) {
            Minute minute = settled.get(m);
            if (minute == null) {
                minute = Minute.from(m, reply(read.get(m)));
                if (m <= currentMinute - SETTLED_AFTER_MINUTES) {
                    settled.put(m, minute);
                }
            }
            history.add(minute);
        }
        return history;
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
