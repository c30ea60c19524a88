package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server (embedded-redis' binary) in a process this test controls, for tests that must SIGKILL it: a
 * master, a replica or a Sentinel on 127.0.0.1, its files and log under its directory.
 */
public final class RedisProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** A data node; {@code replicaOf} is the master's port, or 0 for a master. */
    public static RedisProcess node(Path directory, int port, int replicaOf) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", directory.toAbsolutePath().toString(), "--save", "", "--appendonly", "no"));
        if (replicaOf > 0) {
            arguments.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(replicaOf)));
        }
        return start(directory, port, null, arguments);
    }

    /**
     * A Redis Cluster node, not yet part of a cluster; its cluster state is kept in its directory, so that started
     * again there it rejoins the cluster it was in. A node unheard of for 2 s is presumed failed.
     */
    public static RedisProcess clusterNode(Path directory, int port) throws IOException {
        return start(directory, port, null, List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", directory.toAbsolutePath().toString(), "--save", "", "--appendonly", "no",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
    }

    /**
     * A Sentinel watching the master at {@code masterPort} as {@code masterName}: quorum 2, the master presumed
     * down after 1 s of silence.
     */
    public static RedisProcess sentinel(Path directory, int port, String masterName, int masterPort)
            throws IOException {
        Files.createDirectories(directory);
        Path config = Files.writeString(directory.resolve("sentinel.conf"), "port " + port + "\nbind 127.0.0.1\n"
                + "dir " + directory.toAbsolutePath() + "\n"
                + "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2\n"
                + "sentinel down-after-milliseconds " + masterName + " 1000\n"
                + "sentinel failover-timeout " + masterName + " 10000\n");
        return start(directory, port, config, List.of("--sentinel"));
    }

    private static RedisProcess start(Path directory, int port, Path config, List<String> arguments)
            throws IOException {
        Files.createDirectories(directory);
        List<String> command = new ArrayList<>();
        command.add(ExecutableProvider.newJarResourceProvider(directory.toFile()).get().getAbsolutePath());
        if (config != null) {
            command.add(config.toAbsolutePath().toString());
        }
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis-" + port + ".log").toFile()).start();
        RedisProcess redis = new RedisProcess(process, port);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(redis::answers);
        return redis;
    }

    public int port() {
        return port;
    }

    public Jedis connect() {
        return new Jedis("127.0.0.1", port);
    }

    private boolean answers() {
        try (Jedis jedis = connect()) {
            return "PONG".equals(jedis.ping());
        }
    }

    /** SIGKILL: the process ends at once, without writing anything more. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
