package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * A master, a replica and three Sentinels, each a redis-server process of its own on 127.0.0.1, ready once the
 * replica is in sync and every Sentinel knows the replica and the other two. For tests that kill or hand over the
 * master.
 */
public final class SentinelGroup implements AutoCloseable {

    public static final String MASTER = "taskq-master";

    private final Path directory = Path.of("target", "sentinel-" + UUID.randomUUID().toString().substring(0, 8));
    private final List<RedisProcess> processes = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();
    private RedisProcess master;
    private final RedisProcess replica;

    /** On free ports. */
    public SentinelGroup() throws IOException {
        this(freePorts());
    }

    /** On these ports: the master's, the replica's, then the three Sentinels'. */
    public SentinelGroup(List<Integer> ports) throws IOException {
        int masterPort = ports.get(0);
        master = started(RedisProcess.node(directory.resolve("master"), masterPort, 0));
        replica = started(RedisProcess.node(directory.resolve("replica"), ports.get(1), masterPort));
        await().atMost(Duration.ofSeconds(20)).until(() -> linkUp(replica));
        for (int i = 0; i < 3; i++) {
            sentinels.add(started(RedisProcess.sentinel(directory.resolve("sentinel-" + i), ports.get(2 + i),
                    MASTER, masterPort)));
        }
        // Sentinels find the replica and each other through the master (hello messages every 2 s).
        for (RedisProcess sentinel : sentinels) {
            await().atMost(Duration.ofSeconds(30)).until(() -> knowsTheOthers(sentinel));
        }
    }

    /** Five free ports, for {@link #SentinelGroup(List)}. */
    public static List<Integer> freePorts() {
        return TestServers.freePorts(5);
    }

    /** The Sentinels on these ports ({@link #SentinelGroup(List)}) as REDIS_SENTINELS takes them. */
    public static String sentinelList(List<Integer> ports) {
        return String.join(",", ports.subList(2, 5).stream().map(port -> "127.0.0.1:" + port).toList());
    }

    /** The replica's port: the node the Sentinels promote when the master fails. */
    public int replicaPort() {
        return replica.port();
    }

    /** The Sentinels as REDIS_SENTINELS takes them. */
    public String sentinelList() {
        return String.join(",", sentinelPorts().stream().map(port -> "127.0.0.1:" + port).toList());
    }

    /** A connection to the master of now. */
    public Jedis connectMaster() {
        return master.connect();
    }

    public List<Integer> sentinelPorts() {
        return sentinels.stream().map(RedisProcess::port).toList();
    }

    /**
     * SIGKILLs the master, waits until the Sentinels promoted the replica, then starts the old master again, empty:
     * the Sentinels make it the new master's replica, so that writes waiting for one replica pass again.
     */
    public void killMaster() throws Exception {
        master.kill();
        awaitPromotion();
        master = started(RedisProcess.node(directory.resolve("master-again"), master.port(), 0));
    }

    /** A planned handover ({@code SENTINEL FAILOVER}), waited for until the replica is the master. */
    public void failOver() {
        try (Jedis sentinel = sentinels.get(0).connect()) {
            sentinel.sentinelFailover(MASTER);
        }
        awaitPromotion();
    }

    private void awaitPromotion() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Jedis sentinel = sentinels.get(0).connect()) {
                return sentinel.sentinelGetMasterAddrByName(MASTER).get(1).equals(String.valueOf(replica.port()));
            }
        });
    }

    private RedisProcess started(RedisProcess process) {
        processes.add(process);
        return process;
    }

    private static boolean linkUp(RedisProcess node) {
        try (Jedis jedis = node.connect()) {
            return jedis.info("replication").contains("master_link_status:up");
        }
    }

    private static boolean knowsTheOthers(RedisProcess sentinel) {
        try (Jedis jedis = sentinel.connect()) {
            Map<String, String> watched = jedis.sentinelMaster(MASTER);
            return "2".equals(watched.get("num-other-sentinels")) && "1".equals(watched.get("num-slaves"));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisProcess process : processes) {
            process.close();
        }
    }
}
