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
 * <p>
 * A partitioned queue gives the consumer one lane per partition (its own list, connection and registration there):
 * an outcome is recorded in the lane its task came from, and the consumer moves on to the next lane when the
 * current one is empty or has given it {@value #TASKS_PER_LANE} tasks in a row, so every partition is served.
 */
public final class QueueConsumer implements AutoCloseable {

    private static final int MAX_TEXT = 2000;
    private static final int SWEEP_EVERY_EMPTY_POPS = 10;
    /** Tasks taken from one lane in a row before the next lane gets a turn (a lane change costs a round trip). */
    static final int TASKS_PER_LANE = 8;
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

    /** One partition as this consumer sees it: its keys there, and its connection to the partition's master. */
    private final class Lane {
        final RedisKeys keys;
        final String processing;
        volatile Jedis connection;
        /** The entry this consumer holds and runs from here (kept when a new connection puts back strays). */
        String held;
        /** Blocking pops in a row that found nothing; every so many, the idle consumer sweeps its list here. */
        int emptyPops;

        Lane(RedisKeys keys) {
            this.keys = keys;
            this.processing = keys.processing(consumerId);
        }
    }

    private final RedisEndpoint endpoint;
    private final String consumerId;
    private final Duration succeededRetention;
    private final Duration deadRetention;
    private final Duration heartbeatTtl;
    private final Map<String, Rate> rates;
    private final List<Lane> lanes;
    /** The lane of the task being run (or last run); outcomes and the next take go there. */
    private Lane lane;
    /** Tasks taken in a row from {@link #lane}. */
    private int takenInLane;
    /** Where the next blocking pop waits, when every lane was found empty (turns round them). */
    private int blockingLane;
    /** Set by {@link #closeForGood()}: no command may reopen a connection any more. */
    private volatile boolean closedForGood;

    QueueConsumer(RedisEndpoint endpoint, List<RedisKeys> partitions, String consumerId,
                  Duration succeededRetention, Duration deadRetention, Duration heartbeatTtl,
                  Map<String, Rate> rates) {
        this.rates = Map.copyOf(rates);
        this.heartbeatTtl = heartbeatTtl;
        this.endpoint = endpoint;
        this.consumerId = consumerId;
        this.succeededRetention = succeededRetention;
        this.deadRetention = deadRetention;
        this.lanes = partitions.stream().map(Lane::new).toList();
        this.lane = lanes.get(0);
    }

    public String consumerId() {
        return consumerId;
    }

    /** Takes the next task if there is one and the queue is not paused; never blocks. */
    public Next take() {
        return takeFrom(lanes.indexOf(lane));
    }

    /**
     * Takes from the first lane, from {@code first} on, that has a task; stops at a paused one (all are). A lane
     * whose master is away (a failover) is passed over: the others' tasks go on; only all away is an outage.
     */
    private Next takeFrom(int first) {
        Next next = null;
        QueueUnavailableException away = null;
        for (int i = 0; i < lanes.size(); i++) {
            Lane candidate = lanes.get((first + i) % lanes.size());
            Instant now = Instant.now();
            try {
                next = next(candidate, TAKE, outcomeKeys(candidate, now), outcomeArgs(true, "", now));
                if (next.took() != Took.EMPTY) {
                    return next;
                }
                sweepIfIdle(candidate);
            } catch (QueueUnavailableException e) {
                away = e;
            }
        }
        if (next == null) {
            throw away;
        }
        return next;
    }

    /**
     * Waits up to one second for a task and moves it, atomically, onto this consumer's processing list (with
     * partitions: takes from any lane that has one, else waits on one lane, a different one each time).
     *
     * @return the raw entry, or null when none arrived in time
     */
    public String takeBlocking() {
        if (lanes.size() > 1) {
            Next next = takeFrom(lanes.indexOf(lane) + 1);
            if (next.took() == Took.TAKEN) {
                return next.entry();
            }
            lane = lanes.get(Math.floorMod(blockingLane++, lanes.size()));
            takenInLane = 0;
        }
        Lane waitOn = lane;
        String entry = withConnection(waitOn, jedis -> jedis.blmove(waitOn.keys.ready(), waitOn.processing,
                ListDirection.RIGHT, ListDirection.LEFT, RedisEndpoint.BLOCKING_POP_SECONDS));
        if (entry != null) {
            waitOn.held = entry;
            waitOn.emptyPops = 0;
            takenInLane = 1;
        } else {
            sweepIfIdle(waitOn);
        }
        return entry;
    }

    /**
     * Called when a take found {@code in} empty. Every {@value #SWEEP_EVERY_EMPTY_POPS} times, this consumer holds
     * nothing of its own there, so whatever is on its list there is a stray (see the outcome scripts' finish): put
     * back at the front of the queue, one LRANGE when there is none. Per lane, so that a stray in a quiet partition
     * is found while the others keep the consumer busy.
     */
    private void sweepIfIdle(Lane in) {
        if (++in.emptyPops % SWEEP_EVERY_EMPTY_POPS == 0) {
            withConnection(in, jedis -> TaskMoves.heldBy(jedis, in.keys, consumerId, true, false, in.held));
        }
    }

    /**
     * Records the start of a run of a task just taken. {@code at} is kept by the caller: repeated after a lost reply
     * with the same {@code at}, the start is not counted twice.
     */
    public Start start(Task task, String entry, Instant at) {
        long waitMicros = Math.max(0, Duration.between(task.createdAt(), at).toNanos() / 1000);
        Lane current = lane;
        RedisKeys keys = current.keys;
        List<String> keyList = new ArrayList<>(List.of(current.processing, keys.ready(), keys.paused(),
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
        List<?> reply = (List<?>) withConnection(current, jedis -> START.run(jedis, keyList, args));
        int code = ((Long) reply.get(0)).intValue();
        if (code != 1) {
            current.held = null;
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
        List<String> keyList = outcomeKeys(lane, now, lane.keys.task(task.id()));
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), result == null ? "" : bounded(result),
                String.valueOf(succeededRetention.toSeconds()), String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(runMicros / 1000)));
        return next(lane, SUCCEED, keyList, args);
    }

    /** Records a failed attempt and parks the task in the delayed set until {@code due}. */
    public Next retryLater(Task task, String entry, int attempt, String error, Instant due, long runMicros,
                           boolean takeNext) {
        Instant now = Instant.now();
        RedisKeys keys = lane.keys;
        List<String> keyList = outcomeKeys(lane, now, keys.task(task.id()), keys.delayed(), keys.failures());
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), bounded(error), String.valueOf(attempt),
                String.valueOf(due.toEpochMilli()), String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(runMicros / 1000)));
        return next(lane, RETRY, keyList, args);
    }

    /**
     * Records the last failed attempt (or, with {@code attempt} 0 and {@code runMicros} -1, a task that could not
     * run at all) and moves the task to the dead letters.
     */
    public Next dead(Task task, String entry, int attempt, String error, long runMicros, boolean takeNext) {
        Instant now = Instant.now();
        RedisKeys keys = lane.keys;
        List<String> keyList = outcomeKeys(lane, now, keys.task(task.id()), keys.dead(), keys.deadAt(),
                keys.failures());
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), task.type(), bounded(error), String.valueOf(attempt),
                deadLetter(task.id(), entry, error, now), String.valueOf(deadRetention.toSeconds()),
                runMicros < 0 ? "" : String.valueOf(DurationBuckets.of(runMicros)),
                String.valueOf(Math.max(0, runMicros) / 1000)));
        return next(lane, DEAD, keyList, args);
    }

    /**
     * Sets a task aside while the service it needs is down, until {@code lookAgain}; with {@code attemptStarted}
     * the attempt counted by {@link #start} is given back.
     */
    public Next park(Task task, String entry, String waitingFor, Instant lookAgain, boolean attemptStarted,
                     boolean takeNext) {
        Instant now = Instant.now();
        List<String> keyList = outcomeKeys(lane, now, lane.keys.task(task.id()), lane.keys.parked(task.type()));
        List<String> args = outcomeArgs(takeNext, entry, now);
        args.addAll(List.of(task.id(), bounded(waitingFor), String.valueOf(lookAgain.toEpochMilli()),
                attemptStarted ? "1" : "0"));
        return next(lane, PARK, keyList, args);
    }

    /** Moves an entry that cannot be read as a task to the dead letters, under a new id, with the reason. */
    public Next unreadable(String entry, String reason, boolean takeNext) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        List<String> keyList = outcomeKeys(lane, now, lane.keys.dead(), lane.keys.deadAt());
        List<String> args = outcomeArgs(takeNext, entry, now);
        // A foreign entry may be of any size: keep enough of it to see what it was.
        args.addAll(List.of(id, deadLetter(id, bounded(entry), reason, now)));
        return next(lane, DISCARD, keyList, args);
    }

    /**
     * Runs an outcome (or take) script in {@code from}. With partitions, once a lane has given this consumer
     * {@value #TASKS_PER_LANE} tasks in a row, the outcome takes nothing and the next lanes are asked first.
     */
    private Next next(Lane from, LuaScript script, List<String> keyList, List<String> args) {
        boolean turn = lanes.size() > 1 && "1".equals(args.get(0)) && !"".equals(args.get(1))
                && takenInLane >= TASKS_PER_LANE;
        if (turn) {
            args.set(0, "0");
        }
        List<?> reply = (List<?>) withConnection(from, jedis -> script.run(jedis, keyList, args));
        boolean applied = ((Long) reply.get(0)) == 1;
        Took took = switch (((Long) reply.get(1)).intValue()) {
            case 1 -> Took.TAKEN;
            case 2 -> Took.EMPTY;
            case 3 -> Took.PAUSED;
            default -> Took.NOT_ASKED;
        };
        String entry = took == Took.TAKEN ? (String) reply.get(2) : null;
        from.held = entry;
        if (took == Took.TAKEN) {
            takenInLane = from == lane ? takenInLane + 1 : 1;
            lane = from;
        }
        if (turn) {
            Next taken;
            try {
                taken = takeFrom(lanes.indexOf(from) + 1);
            } catch (QueueUnavailableException e) {
                return new Next(applied, Took.EMPTY, null); // recorded; the take is the caller's next call
            }
            // A new run of tasks, also when the others were empty and it is this lane's again.
            takenInLane = 1;
            return new Next(applied, taken.took(), taken.entry());
        }
        return new Next(applied, took, entry);
    }

    private List<String> outcomeKeys(Lane in, Instant now, String... more) {
        RedisKeys keys = in.keys;
        List<String> list = new ArrayList<>(7 + more.length);
        list.addAll(List.of(in.processing, keys.ready(), keys.paused(), keys.consumer(consumerId), keys.events(),
                keys.statsTotal(), keys.statsMinute(minute(now))));
        list.addAll(List.of(more));
        return list;
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
     * Runs a command on this consumer's connection in {@code lane}, opening one if need be. An outage (see
     * {@link RedisFailures}) closes the connection and becomes a {@link QueueUnavailableException}; the caller waits
     * and calls again.
     */
    private <T> T withConnection(Lane in, Function<Jedis, T> command) {
        Jedis jedis = in.connection;
        if (jedis == null) {
            jedis = open(in);
        }
        try {
            return command.apply(jedis);
        } catch (JedisException e) {
            if (RedisFailures.isOutage(e)) {
                close(in);
                throw new QueueUnavailableException(e);
            }
            throw e;
        }
    }

    /**
     * A new connection: the consumer registers (so that a reaper finds its list even before the first heartbeat)
     * and puts back whatever a lost reply left on its list, except the task it runs; only then may it take tasks.
     */
    private Jedis open(Lane in) {
        if (closedForGood) {
            throw new IllegalStateException("consumer " + consumerId + " was cut off at shutdown");
        }
        Jedis opened;
        try {
            opened = endpoint.openConnection("taskq-consumer:" + consumerId, in.keys.ready());
        } catch (JedisException e) {
            throw RedisFailures.isOutage(e) ? new QueueUnavailableException(e) : e;
        }
        try {
            opened.psetex(in.keys.heartbeat(consumerId), heartbeatTtl.toMillis(), "alive");
            opened.sadd(in.keys.consumers(), consumerId);
            TaskMoves.heldBy(opened, in.keys, consumerId, true, false, in.held);
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
            in.connection = opened;
        }
        return opened;
    }

    /**
     * Puts whatever this consumer holds back at the front of the queue: after an unexpected error while processing
     * it, so that it runs again (its attempts are counted; out of them, it is dead-lettered).
     */
    public void putBack() {
        Lane current = lane; // only the lane of the run holds anything of this consumer's
        withConnection(current, jedis -> TaskMoves.heldBy(jedis, current.keys, consumerId, true, false, null));
        current.held = null;
    }

    /**
     * Takes over the entry another loop of this consumer id was running (a stuck loop given up on), so that an
     * outcome can be recorded for it from here: in the lane whose list holds it.
     */
    public void adopt(String entry) {
        // Held in every lane first: a connection opened to look keeps it, wherever it is, on its list.
        lanes.forEach(each -> each.held = entry);
        for (Lane each : lanes) {
            if (lanes.size() == 1 || withConnection(each, jedis -> jedis.lpos(each.processing, entry)) != null) {
                lane = each;
                break;
            }
        }
        lanes.forEach(each -> each.held = each == lane ? entry : null);
    }

    /** Forgets which entry this consumer runs: its next connection puts everything on its list back. */
    public void forgetHeld() {
        lanes.forEach(each -> each.held = null);
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

    /** Closes the connections; safe from another thread, where it also unblocks a pending {@link #takeBlocking}. */
    @Override
    public void close() {
        lanes.forEach(this::close);
    }

    private void close(Lane in) {
        Jedis jedis = in.connection;
        in.connection = null;
        if (jedis != null) {
            jedis.close();
        }
    }
}
