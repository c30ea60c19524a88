package dev.taskq.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.commands.ScriptingKeyCommands;
import redis.clients.jedis.exceptions.JedisDataException;

/** Runs {@code scripts/enqueue.lua} for one {@link EnqueueRequest} and reads its numbered result code. */
final class EnqueueScript {

    private static final LuaScript SCRIPT = LuaScript.load("enqueue");
    /** How long an Idempotency-Key is remembered (draft-ietf-httpapi-idempotency-key-header suggests 24 h). */
    static final Duration IDEMPOTENCY_TTL = Duration.ofHours(24);
    static final Duration STATS_MINUTE_TTL = Duration.ofHours(25);

    private EnqueueScript() {
    }

    /** How long an enqueue waits for its replicas ({@code WAIT}) before it is refused as not confirmed. */
    static final long REPLICA_WAIT_MILLIS = 1000;

    /**
     * @param backlogCap most tasks that may wait (ready, retrying, parked); 0 = no cap
     * @throws redis.clients.jedis.exceptions.JedisException when Redis did not answer (applied or not: unknown)
     */
    static EnqueueOutcome run(ScriptingKeyCommands redis, RedisKeys keys, EnqueueRequest request, int backlogCap,
                              Instant now) {
        return run(redis, keys, request, true, backlogCap, now);
    }

    /** As {@link #run(ScriptingKeyCommands, RedisKeys, EnqueueRequest, int, Instant)}; {@code quotas} as below. */
    static EnqueueOutcome run(ScriptingKeyCommands redis, RedisKeys keys, EnqueueRequest request, boolean quotas,
                              int backlogCap, Instant now) {
        Call call = call(keys, request, request.tasks(), quotas ? request.quotas() : List.of(), backlogCap, now);
        return outcome(SCRIPT.run(redis, call.keys(), call.args()), request);
    }

    /**
     * As {@link #run}, then waits until {@code replicas} replicas have the tasks: an accepted request is
     * acknowledged only then, so a master that dies after answering loses no acknowledged task. {@code quotas}
     * false leaves the request's quotas to {@link #admit} (a partitioned queue).
     *
     * @throws JedisDataException NOREPLICAS when fewer replicas confirmed within {@value #REPLICA_WAIT_MILLIS} ms
     *                            (the tasks are on the master and may yet be run: the caller cannot promise either)
     */
    static EnqueueOutcome runAndWait(UnifiedJedis redis, RedisKeys keys, EnqueueRequest request, boolean quotas,
                                     int backlogCap, Instant now, int replicas) {
        if (replicas == 0) {
            return run(redis, keys, request, quotas, backlogCap, now);
        }
        Call call = call(keys, request, request.tasks(), quotas ? request.quotas() : List.of(), backlogCap, now);
        LuaScript.Replicated result = SCRIPT.runAndWait(redis, call.keys(), call.args(), replicas, REPLICA_WAIT_MILLIS);
        EnqueueOutcome outcome = outcome(result.reply(), request);
        if (outcome instanceof EnqueueOutcome.Accepted && result.replicas() < replicas) {
            throw new JedisDataException("NOREPLICAS " + result.replicas() + " of " + replicas
                    + " replicas confirmed the enqueue");
        }
        return outcome;
    }

    /**
     * A partitioned queue's first step: the request's quotas, checked and counted in the first partition (where
     * every quota counter lives); {@link EnqueueOutcome.Accepted} (with no id) when none is used up.
     */
    static EnqueueOutcome admit(ScriptingKeyCommands redis, RedisKeys firstPartition, EnqueueRequest request,
                                Instant now) {
        Call call = call(firstPartition, null, List.of(), request.quotas(), 0, now);
        return outcome(SCRIPT.run(redis, call.keys(), call.args()), request);
    }

    /**
     * What an idempotency key already stored in {@code keys}' partition answers (a replay, or a key reused with
     * another request), if anything: looked at before {@link #admit}, so that a replay counts against no quota.
     */
    static Optional<EnqueueOutcome> seen(JedisCommands redis, RedisKeys keys, EnqueueRequest request) {
        List<String> seen = redis.hmget(keys.idempotency(request.idempotencyDigest()), "fingerprint", "id");
        if (seen.get(0) == null) {
            return Optional.empty();
        }
        return Optional.of(seen.get(0).equals(request.fingerprint())
                ? new EnqueueOutcome.Replayed(seen.get(1)) : new EnqueueOutcome.KeyReused());
    }

    private record Call(List<String> keys, List<String> args) {
    }

    /** The script's keys and arguments; {@code request} null for an admission (no task, no idempotency key). */
    private static Call call(RedisKeys keys, EnqueueRequest request, List<Task> tasks, List<Quota> quotas,
                             int backlogCap, Instant now) {
        String digest = request == null ? null : request.idempotencyDigest();
        List<String> keyList = new ArrayList<>(5 + quotas.size() + tasks.size());
        keyList.add(keys.ready());
        keyList.add(keys.events());
        keyList.add(keys.statsTotal());
        keyList.add(keys.statsMinute(now.getEpochSecond() / 60));
        // Unused without a key, but a script's keys must be named up front: any key of the queue's slot will do.
        keyList.add(keys.idempotency(digest == null ? "-" : digest));
        List<String> args = new ArrayList<>(7 + 2 * quotas.size() + 5 * tasks.size());
        args.add(String.valueOf(backlogCap));
        args.add(String.valueOf(IDEMPOTENCY_TTL.toSeconds()));
        args.add(String.valueOf(STATS_MINUTE_TTL.toSeconds()));
        args.add(digest == null ? "0" : "1");
        args.add(digest == null ? "" : request.fingerprint());
        args.add(String.valueOf(quotas.size()));
        for (Quota quota : quotas) {
            keyList.add(quota.key());
            args.add(String.valueOf(quota.max()));
            args.add(String.valueOf(quota.window().toMillis()));
        }
        args.add(String.valueOf(tasks.size()));
        for (Task task : tasks) {
            keyList.add(keys.task(task.id()));
            args.add(task.id());
            args.add(task.type());
            args.add(task.createdAt().toString());
            args.add(TaskCodec.encode(task));
            args.add(TaskEvents.stateChanged(task.id(), TaskState.QUEUED, now));
        }
        // What counts against the backlog cap besides the ready list: retries waiting, and tasks of these types
        // parked while their service is down (where a backlog grows during an outage).
        List<String> waiting = new ArrayList<>();
        if (backlogCap > 0) {
            waiting.add(keys.delayed());
            tasks.stream().map(Task::type).distinct().forEach(type -> waiting.add(keys.parked(type)));
        }
        keyList.addAll(waiting);
        args.add(String.valueOf(waiting.size()));
        return new Call(keyList, args);
    }

    private static EnqueueOutcome outcome(Object result, EnqueueRequest request) {
        List<Quota> quotas = request.quotas();
        List<?> reply = (List<?>) result;
        int code = ((Long) reply.get(0)).intValue();
        Object value = reply.get(1);
        return switch (code) {
            case 0 -> new EnqueueOutcome.Accepted((String) value);
            case 1 -> new EnqueueOutcome.Replayed((String) value);
            case 2 -> new EnqueueOutcome.KeyReused();
            case 3 -> new EnqueueOutcome.BacklogFull();
            default -> new EnqueueOutcome.QuotaReached(quotas.get(code - 5), Duration.ofMillis((Long) value));
        };
    }
}
