package dev.taskq.queue;

import jakarta.json.spi.JsonProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What one consumer loop does in Redis, over a connection of its own (blocking pops must not share one). A task it
 * takes sits on its processing list — its lease, alive while its heartbeat is — until an outcome script removes it.
 * Every outcome is fenced: it is recorded only if the entry is still on this consumer's list, so a consumer whose
 * tasks were re-queued by a reaper, or that repeats an outcome whose reply was lost, changes nothing. Each outcome
 * script also takes the next task, so a busy consumer needs two round trips per task: outcome-and-take, and start.
 * After a connection failure the next call opens a new connection and first puts back whatever a lost reply left on
 * the list, except the task being run. Outages surface as {@link QueueUnavailableException}.
 */
public final class QueueConsumer implements AutoCloseable {

    private static final int MAX_TEXT = 2000;
    private static final int SWEEP_EVERY_EMPTY_POPS = 10;
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final LuaScript TAKE = LuaScript.load("take");
    private static final LuaScript START = LuaScript.load("start");
    private static final LuaScript SUCCEED = LuaScript.load("succeed");
    private static final LuaScript RETRY = LuaScript.load("retry");
    private static final LuaScript DEAD = LuaScript.load("dead");
    private static final LuaScript PARK = LuaScript.load("park");
    private static final LuaScript DISCARD = LuaScript.load("discard");

    /** What asking for the next task gave. */
    public enum Took { NOT_ASKED, TAKEN, EMPTY, PAUSED }

    /**
     * The reply to an outcome (or a plain take).
     *
     * @param applied whether the outcome was recorded (false: this consumer no longer held the task)
     * @param took    what became of the request for the next task
     * @param entry   the next task's raw entry when {@code took} is {@link Took#TAKEN}
     */
    public record Next(boolean applied, Took took, String entry) {
    }

    /** What {@link #start} found. */
    public enum Started { STARTED, NOT_HELD, PAUSED, RATE_LIMITED }

    /**
     * The reply to {@link #start}: the attempt number, the result of an earlier run that already succeeded, and how
     * often a run of it found its service down; or, when the send rate is used up, how long it stays so.
     */
    public record Start(Started status, int attempt, String earlierResult, Duration rateWait, int parks) {
    }

    /** The send rate a task type is subject to, and the name of the budget it shares with other types. */
    public record Rate(String group, SendRate rate) {
    }

    private final RedisEndpoint endpoint;
    private final RedisKeys keys;
    private final String consumerId;
    private final Duration succeededRetention;
    private final Duration deadRetention;
    private final Duration heartbeatTtl;
    private final String processing;
    private final Map<String, Rate> rates;
    private volatile Jedis connection;
    /** The entry this consumer holds and runs (kept when a new connection puts back what lost replies left). */
    private String held;
    /** Blocking pops in a row that found nothing; every so many, the idle consumer sweeps its list for strays. */
    private int emptyPops;
    /** Set by {@link #closeForGood()}: no command may reopen a connection any more. */
    private volatile boolean closedForGood;

    QueueConsumer(RedisEndpoint endpoint, RedisKeys keys, String consumerId,
                  Duration succeededRetention, Duration deadRetention, Duration heartbeatTtl,
                  Map<String, Rate> rates) {
        this.rates = Map.copyOf(rates);
        this.heartbeatTtl = heartbeatTtl;
        this.endpoint = endpoint;
        this.keys = keys;
        this.consumerId = consumerId;
        this.succeededRetention = succeededRetention;
        this.deadRetention = deadRetention;
        this.processing = keys.processing(consumerId);
    }

    public String consumerId() {
        return consumerId;
    }

    /** Takes the next task if there is one and the queue is not paused; never blocks. */
    public Next take() {
        return next(TAKE, outcomeKeys(), outcomeArgs(true, ""));
    }

    /**
     * Waits up to one second for a task and moves it, atomically, onto this consumer's processing list.
     *
     * @return the raw entry, or null when none arrived in time
     */
    public String takeBlocking() {
        String entry = withConnection(jedis -> jedis.blmove(keys.ready(), processing,
                ListDirection.RIGHT, ListDirection.LEFT, RedisEndpoint.BLOCKING_POP_SECONDS));
        if (entry != null) {
            held = entry;
            emptyPops = 0;
        } else if (++emptyPops % SWEEP_EVERY_EMPTY_POPS == 0) {
            // Idle, so nothing of this consumer's is on its list: whatever is there is a stray (see the outcome
            // scripts' finish), put back at the front of the queue. One LRANGE when there is none.
            withConnection(jedis -> TaskMoves.heldBy(jedis, keys, consumerId, true, false, held));
        }
        return entry;
    }

    /**
     * Records the start of a run of a task just taken. {@code at} is kept by the caller: repeated after a lost reply
     * with the same {@code at}, the start is not counted twice.
     */
    public Start start(Task task, String entry, Instant at) {
        long waitMicros = Math.max(0, Duration.between(task.createdAt(), at).toNanos() / 1000);
        List<String> keyList = new ArrayList<>(List.of(processing, keys.ready(), keys.paused(),
                keys.consumer(consumerId), keys.events(), keys.statsTotal(), keys.statsMinute(minute(at)),
                keys.task(task.id())));
        List<String> args = new ArrayList<>(List.of(entry, String.valueOf(at.toEpochMilli()), at.toString(),
                task.id(), task.type(), task.createdAt().toString(), String.valueOf(DurationBuckets.of(waitMicros)),
                String.valueOf(waitMicros / 1000)));
        Rate rate = rates.get(task.type());
        if (rate != null) {
            args.add(String.valueOf(rate.rate().windows().size()));
            for (SendRate.Window window : rate.rate().windows()) {
                keyList.add(keys.sendRate(rate.group(), window.length()));
                args.add(String.valueOf(window.limit()));
                args.add(String.valueOf(window.length().toMillis()));
            }
            keyList.add(keys.sendRatePace(rate.group()));
        }
        List<?> reply = (List<?>) withConnection(jedis -> START.run(jedis, keyList, args));
        int code = ((Long) reply.get(0)).intValue();
        if (code != 1) {
            held = null;
        }
        return switch (code) {
            case 1 -> new Start(Started.STARTED, ((Long) reply.get(1)).intValue(), (String) reply.get(2),
                    Duration.ZERO, ((Long) reply.get(3)).intValue());
            case 3 -> new Start(Started.PAUSED, 0, null, Duration.ZERO, 0);
            case 4 -> new Start(Started.RATE_LIMITED, 0, null, Duration.ofNanos((Long) reply.get(1) * 1000), 0);
            default -> new Start(Started.NOT_HELD, 0, null, Duration.ZERO, 0);
        };
    }

    /** Acknowledges the task and records its result, atomically: the result is the proof it ran. */
    public Next succeeded(Task task, String entry, String result, long runMicros, boolean takeNext) {
        Instant now = Instant.now();
        List<String> keyList = outcomeKeys(now, keys.task(task.id()));
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), result == null ? "" : bounded(result),
                String.valueOf(succeededRetention.toSeconds()), String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(runMicros / 1000)));
        return next(SUCCEED, keyList, args);
    }

    /** Records a failed attempt and parks the task in the delayed set until {@code due}. */
    public Next retryLater(Task task, String entry, int attempt, String error, Instant due, long runMicros,
                           boolean takeNext) {
        Instant now = Instant.now();
        List<String> keyList = outcomeKeys(now, keys.task(task.id()), keys.delayed(), keys.failures());
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), bounded(error), String.valueOf(attempt),
                String.valueOf(due.toEpochMilli()), String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(runMicros / 1000)));
        return next(RETRY, keyList, args);
    }

    /**
     * Records the last failed attempt (or, with {@code attempt} 0 and {@code runMicros} -1, a task that could not
     * run at all) and moves the task to the dead letters.
     */
    public Next dead(Task task, String entry, int attempt, String error, long runMicros, boolean takeNext) {
        Instant now = Instant.now();
        List<String> keyList = outcomeKeys(now, keys.task(task.id()), keys.dead(), keys.deadAt(), keys.failures());
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), bounded(error), String.valueOf(attempt),
                deadLetter(task.id(), entry, error, now), String.valueOf(deadRetention.toSeconds()),
                runMicros < 0 ? "" : String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(Math.max(0, runMicros) / 1000)));
        return next(DEAD, keyList, args);
    }

    /**
     * Sets a task aside while the service it needs is down, until {@code lookAgain}; with {@code attemptStarted}
     * the attempt counted by {@link #start} is given back.
     */
    public Next park(Task task, String entry, String waitingFor, Instant lookAgain, boolean attemptStarted,
                     boolean takeNext) {
        Instant now = Instant.now();
        List<String> keyList = outcomeKeys(now, keys.task(task.id()), keys.parked(task.type()));
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), bounded(waitingFor), String.valueOf(lookAgain.toEpochMilli()),
                attemptStarted ? "1" : "0"));
        return next(PARK, keyList, args);
    }

    /** Moves an entry that cannot be read as a task to the dead letters, under a new id, with the reason. */
    public Next unreadable(String entry, String reason, boolean takeNext) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        List<String> keyList = outcomeKeys(now, keys.dead(), keys.deadAt());
        List<String> args = outcomeArgs(takeNext, entry, now);
        // A foreign entry may be of any size: keep enough of it to see what it was.
        args.addAll(List.of(id, deadLetter(id, bounded(entry), reason, now)));
        return next(DISCARD, keyList, args);
    }

    private Next next(LuaScript script, List<String> keyList, List<String> args) {
        List<?> reply = (List<?>) withConnection(jedis -> script.run(jedis, keyList, args));
        boolean applied = ((Long) reply.get(0)) == 1;
        Took took = switch (((Long) reply.get(1)).intValue()) {
            case 1 -> Took.TAKEN;
            case 2 -> Took.EMPTY;
            case 3 -> Took.PAUSED;
            default -> Took.NOT_ASKED;
        };
        String entry = took == Took.TAKEN ? (String) reply.get(2) : null;
        held = entry;
        return new Next(applied, took, entry);
    }

    private List<String> outcomeKeys() {
        return outcomeKeys(Instant.now());
    }

    private List<String> outcomeKeys(Instant now, String... more) {
        List<String> list = new ArrayList<>(7 + more.length);
        list.addAll(List.of(processing, keys.ready(), keys.paused(), keys.consumer(consumerId), keys.events(),
                keys.statsTotal(), keys.statsMinute(minute(now))));
        list.addAll(List.of(more));
        return list;
    }

    private static List<String> outcomeArgs(boolean takeNext, String entry) {
        return outcomeArgs(takeNext, entry, Instant.now());
    }

    private static List<String> outcomeArgs(boolean takeNext, String entry, Instant now) {
        List<String> list = new ArrayList<>(16);
        list.addAll(List.of(takeNext ? "1" : "0", entry, String.valueOf(now.toEpochMilli()), now.toString()));
        return list;
    }

    private static long minute(Instant at) {
        return at.toEpochMilli() / 60_000;
    }

    static String deadLetter(String id, String rawEntry, String reason, Instant at) {
        return JSON.createObjectBuilder()
                .add("id", id)
                .add("entry", rawEntry)
                .add("reason", bounded(reason))
                .add("at", at.toString())
                .build().toString();
    }

    /**
     * Runs a command on this consumer's connection, opening one if need be. An outage (see {@link RedisFailures})
     * closes the connection and becomes a {@link QueueUnavailableException}; the caller waits and calls again.
     */
    private <T> T withConnection(Function<Jedis, T> command) {
        Jedis jedis = connection;
        if (jedis == null) {
            jedis = open();
        }
        try {
            return command.apply(jedis);
        } catch (JedisException e) {
            if (RedisFailures.isOutage(e)) {
                close();
                throw new QueueUnavailableException(e);
            }
            throw e;
        }
    }

    /**
     * A new connection: the consumer registers (so that a reaper finds its list even before the first heartbeat)
     * and puts back whatever a lost reply left on its list, except the task it runs; only then may it take tasks.
     */
    private Jedis open() {
        if (closedForGood) {
            throw new IllegalStateException("consumer " + consumerId + " was cut off at shutdown");
        }
        Jedis opened;
        try {
            opened = endpoint.openConnection("taskq-consumer:" + consumerId, keys.ready());
        } catch (JedisException e) {
            throw RedisFailures.isOutage(e) ? new QueueUnavailableException(e) : e;
        }
        try {
            opened.psetex(keys.heartbeat(consumerId), heartbeatTtl.toMillis(), "alive");
            opened.sadd(keys.consumers(), consumerId);
            TaskMoves.heldBy(opened, keys, consumerId, true, false, held);
        } catch (RuntimeException e) {
            opened.close();
            throw e instanceof JedisException jedisError && RedisFailures.isOutage(jedisError)
                    ? new QueueUnavailableException(e) : e;
        }
        synchronized (this) {
            if (closedForGood) { // cut off while the connection was opened
                opened.close();
                throw new IllegalStateException("consumer " + consumerId + " was cut off at shutdown");
            }
            connection = opened;
        }
        return opened;
    }

    /**
     * Puts whatever this consumer holds back at the front of the queue: after an unexpected error while processing
     * it, so that it runs again (its attempts are counted; out of them, it is dead-lettered).
     */
    public void putBack() {
        withConnection(jedis -> TaskMoves.heldBy(jedis, keys, consumerId, true, false, null));
        held = null;
    }

    /**
     * Takes over the entry another loop of this consumer id was running (a stuck loop given up on), so that an
     * outcome can be recorded for it from here.
     */
    public void adopt(String entry) {
        held = entry;
    }

    /** Forgets which entry this consumer runs: its next connection puts everything on its list back. */
    public void forgetHeld() {
        held = null;
    }

    static String bounded(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    /**
     * Closes the connection and forbids opening another: after this, nothing this consumer does can reach Redis,
     * so shutdown may safely put what it held back on the queue. Safe from another thread.
     */
    public void closeForGood() {
        synchronized (this) {
            closedForGood = true;
        }
        close();
    }

    /** Closes the connection; safe from another thread, where it also unblocks a pending {@link #takeBlocking}. */
    @Override
    public void close() {
        Jedis jedis = connection;
        connection = null;
        if (jedis != null) {
            jedis.close();
        }
    }
}
