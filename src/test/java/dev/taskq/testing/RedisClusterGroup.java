package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of three masters with a replica each, six redis-server processes on 127.0.0.1, made the way
 * {@code redis-cli --cluster create} makes one (slots split in three, {@code CLUSTER MEET}, {@code CLUSTER
 * REPLICATE}) and ready once every node sees every slot served. For tests that kill or hand over a master.
 */
public final class RedisClusterGroup implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final Path directory = Path.of("target", "cluster-" + UUID.randomUUID().toString().substring(0, 8));
    private final List<Integer> ports;
    private final List<RedisProcess> nodes = new ArrayList<>();

    /** On these six ports: the three masters', then their replicas', in the same order. */
    public RedisClusterGroup(List<Integer> ports) throws IOException {
        this.ports = List.copyOf(ports);
        for (int port : ports) {
            nodes.add(RedisProcess.clusterNode(directory.resolve(String.valueOf(port)), port));
        }
        for (int i = 0; i < 3; i++) {
            int from = i * SLOTS / 3;
            int to = (i + 1) * SLOTS / 3;
            try (Jedis master = nodes.get(i).connect()) {
                master.clusterAddSlots(IntStream.range(from, to).toArray());
            }
        }
        try (Jedis first = nodes.get(0).connect()) {
            for (int port : ports.subList(1, ports.size())) {
                first.clusterMeet("127.0.0.1", port);
            }
        }
        for (RedisProcess node : nodes) {
            await().atMost(Duration.ofSeconds(30)).until(() -> info(node).contains("cluster_known_nodes:6"));
        }
        for (int i = 0; i < 3; i++) {
            String masterId;
            try (Jedis master = nodes.get(i).connect()) {
                masterId = master.clusterMyId();
            }
            try (Jedis replica = nodes.get(3 + i).connect()) {
                replica.clusterReplicate(masterId);
            }
        }
        for (RedisProcess node : nodes) {
            await().atMost(Duration.ofSeconds(30)).until(() -> info(node).contains("cluster_state:ok"));
        }
        for (int i = 0; i < 3; i++) {
            RedisProcess replica = nodes.get(3 + i);
            await().atMost(Duration.ofSeconds(30)).until(() -> linkUp(replica));
        }
    }

    /** The seed nodes as REDIS_CLUSTER takes them: every node. */
    public static String nodeList(List<Integer> ports) {
        return String.join(",", ports.stream().map(port -> "127.0.0.1:" + port).toList());
    }

    /** This cluster's nodes as REDIS_CLUSTER takes them. */
    public String nodes() {
        return nodeList(ports);
    }

    /** The port of the master serving {@code key}'s slot now, as the cluster sees it. */
    public int masterPortOf(String key) {
        try (Jedis any = aliveNode().connect()) {
            long slot = any.clusterKeySlot(key);
            for (String line : any.clusterNodes().split("\n")) {
                String[] fields = line.split(" ");
                if (!fields[2].contains("master") || fields[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < fields.length && !fields[i].startsWith("["); i++) { // [slot->-node]: migrating
                    String[] range = fields[i].split("-");
                    long from = Long.parseLong(range[0]);
                    long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        return Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
                    }
                }
            }
        }
        throw new IllegalStateException("no master serves the slot of " + key);
    }

    /** The port of the replica of the master serving {@code key}: the node that takes over when it fails. */
    public int replicaPortOf(String key) {
        // Masters and replicas pair up three ports apart, whichever of the two is the master now.
        return ports.get((ports.indexOf(masterPortOf(key)) + 3) % 6);
    }

    /** A connection to the node on {@code port}. */
    public Jedis connect(int port) {
        return node(port).connect();
    }

    /**
     * SIGKILLs the master serving {@code key}, waits until its replica took over (the cluster promotes it by
     * itself), then starts the killed node again, empty, in its directory: it rejoins as the new master's replica,
     * so that writes waiting for one replica pass again.
     */
    public void killMasterOf(String key) throws Exception {
        int port = masterPortOf(key);
        RedisProcess master = node(port);
        master.kill();
        awaitNewMaster(key, port);
        nodes.set(nodes.indexOf(master), RedisProcess.clusterNode(directory.resolve(String.valueOf(port)), port));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> linkUp(node(port)));
    }

    /** A planned handover ({@code CLUSTER FAILOVER} on the replica), waited for until the replica is the master. */
    public void failOverMasterOf(String key) {
        int port = masterPortOf(key);
        try (Jedis jedis = connect(replicaPortOf(key))) {
            jedis.clusterFailover();
        }
        awaitNewMaster(key, port);
    }

    private void awaitNewMaster(String key, int oldPort) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> masterPortOf(key) != oldPort && info(node(masterPortOf(key))).contains("cluster_state:ok"));
    }

    private RedisProcess node(int port) {
        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    private RedisProcess aliveNode() {
        for (RedisProcess node : nodes) {
            try (Jedis jedis = node.connect()) {
                jedis.ping();
                return node;
            } catch (RuntimeException e) {
                // killed: ask another
            }
        }
        throw new IllegalStateException("no cluster node answers");
    }

    private static String info(RedisProcess node) {
        try (Jedis jedis = node.connect()) {
            return jedis.clusterInfo();
        }
    }

    private static boolean linkUp(RedisProcess node) {
        try (Jedis jedis = node.connect()) {
            String replication = jedis.info("replication");
            return replication.contains("role:slave") && replication.contains("master_link_status:up");
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisProcess node : nodes) {
            node.close();
        }
    }
}
