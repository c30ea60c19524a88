package dev.taskq.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.ScriptingKeyCommands;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script kept as a file, {@code src/main/resources/dev/taskq/queue/scripts/<name>.lua} (its KEYS and ARGV
 * documented at its top). It is run by its SHA-1 ({@code EVALSHA}), so the text crosses the network only when Redis
 * does not know it yet (first use, or after a restart or {@code SCRIPT FLUSH}); then {@code EVAL} sends it and Redis
 * caches it again. A line {@code -- #include <name>} is replaced by {@code scripts/include/<name>.lua}, so scripts
 * can share functions.
 */
public final class LuaScript {

    private static final String INCLUDE = "-- #include ";

    private final String name;
    private final String source;
    private final String sha1;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** Reads the script {@code scripts/<name>.lua} next to this class. */
    public static LuaScript load(String name) {
        String source = read("scripts/" + name + ".lua").lines()
                .map(line -> line.startsWith(INCLUDE) ? read("scripts/include/" + line.substring(INCLUDE.length()).strip()
                        + ".lua") : line)
                .collect(Collectors.joining("\n", "", "\n"));
        return new LuaScript(name, source);
    }

    private static String read(String path) {
        try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + path + " is missing from the WAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script on a connection or a pooled client. */
    public Object run(ScriptingKeyCommands redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    /** A script's reply, and how many replicas had its writes when {@code WAIT} returned. */
    public record Replicated(Object reply, long replicas) {
    }

    /**
     * Runs the script and then {@code WAIT} on the same connection (a pipeline of the two): {@code WAIT} does nothing
     * inside a script, and on another connection it would wait for that connection's writes.
     */
    public Replicated runAndWait(UnifiedJedis redis, List<String> keys, List<String> args, int replicas,
                                 long timeoutMillis) {
        try {
            return pipelinedRunAndWait(redis, keys, args, replicas, timeoutMillis);
        } catch (JedisMovedDataException e) {
            if (!(redis instanceof RedisClusterClient cluster)) {
                throw e;
            }
            // A cluster's pipeline does not follow MOVED (the slot is served elsewhere now, after a failover):
            // the script did not run. Read the slots again and send it once more.
            cluster.refreshClusterTopology();
            return pipelinedRunAndWait(redis, keys, args, replicas, timeoutMillis);
        }
    }

    private Replicated pipelinedRunAndWait(UnifiedJedis redis, List<String> keys, List<String> args, int replicas,
                                           long timeoutMillis) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<Object> reply = pipeline.evalsha(sha1, keys, args);
            Response<Long> confirmed = pipeline.waitReplicas(keys.get(0), replicas, timeoutMillis);
            pipeline.sync();
            try {
                return new Replicated(RedisFailures.reply(reply), RedisFailures.reply(confirmed));
            } catch (JedisNoScriptException e) {
                // Not run: send the text below.
            }
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<Object> reply = pipeline.eval(source, keys, args);
            Response<Long> confirmed = pipeline.waitReplicas(keys.get(0), replicas, timeoutMillis);
            pipeline.sync();
            return new Replicated(RedisFailures.reply(reply), RedisFailures.reply(confirmed));
        }
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
