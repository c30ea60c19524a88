package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.Task;
import dev.taskq.testing.AlwaysFailingHandler;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.FailoverDrain;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisClusterGroup;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.Submissions;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import dev.taskq.testing.TestUsers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The application on a Redis Cluster of three masters with a replica each (REDIS_CLUSTER, TASKQ_REDIS_MIN_REPLICAS=1):
 * the queue's keys on the one master that serves their hash tag, a task's events reaching {@code ?wait} through the
 * cluster's pub/sub, and 500 submissions while that master is SIGKILLed or handed over with {@code CLUSTER FAILOVER}:
 * each answer 202 or 503 with Retry-After, every 202 mailed under one Message-ID ({@link FailoverDrain}). Then the
 * queue in three partitions (TASKQ_QUEUE_PARTITIONS=3): tasks on all three masters, limits and idempotency keys kept
 * across them, the overview adding them up, and the same drain while one partition's master is SIGKILLed.
 */
@TaskqIT
@Tag("slow") // a failover per test: on embedded Payara and Payara Server only (see pom.xml)
class ClusterIT {

    private static final int SUBMISSIONS = 500;
    private static final int MAX_ATTEMPTS = 3;
    /** The queue's hash tag, taskq's default prefix: every key of the queue hashes to its slot. */
    private static final String TAG = "{taskq}";
    /** Fixed before the deployment is built: its settings name the nodes. */
    private static final List<Integer> PORTS = TestServers.freePorts(6);

    @Deployment(name = "cluster", managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.war("cluster", "redis://127.0.0.1:" + PORTS.get(0),
                        "redis.cluster=" + RedisClusterGroup.nodeList(PORTS) + "\ntaskq.redis.min-replicas=1\n"
                                + "taskq.max-attempts=" + MAX_ATTEMPTS + "\ntaskq.retry.base-delay-ms=300\n")
                .addClass(AlwaysFailingHandler.class);
    }

    /** The same queue in three partitions (TASKQ_QUEUE_PARTITIONS=3), one per master; at most 1 mail per address. */
    @Deployment(name = "cluster-partitions", managed = false, testable = false)
    static WebArchive partitioned() {
        return Deployments.war("cluster-partitions", "redis://127.0.0.1:" + PORTS.get(0),
                "redis.cluster=" + RedisClusterGroup.nodeList(PORTS) + "\ntaskq.redis.min-replicas=1\n"
                        + "taskq.queue.partitions=3\ntaskq.limit.recipient-per-hour=1\n");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void submissionsAreMailedTheirEventsReachAWaitAndTheQueueLivesOnOneMaster() throws Exception {
        try (RedisClusterGroup cluster = new RedisClusterGroup(PORTS)) {
            deployer.deploy("cluster");
            try {
                Http http = new Http(Deployments.url("cluster"));
                String domain = UUID.randomUUID() + ".example.com";
                for (int i = 0; i < 5; i++) {
                    Submissions.submit(http, "c" + i + "@" + domain);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.countToDomain(domain) == 5);

                // A task that fails until it is dead: the wait's answer comes from the events of its retries.
                int queueMaster = cluster.masterPortOf(TAG);
                Task failing;
                try (Jedis master = cluster.connect(queueMaster)) {
                    failing = TestTasks.push(master, RedisProbe.PREFIX + "ready", AlwaysFailingHandler.TYPE, Map.of());
                }
                HttpResponse<String> waited = http.get("api/tasks/" + failing.id() + "?wait=30");
                JsonObject record = Json.createReader(new StringReader(waited.body())).readObject();

                long otherMastersKeys = 0;
                for (int port : PORTS) {
                    try (Jedis node = cluster.connect(port)) {
                        if (port != queueMaster && node.info("replication").contains("role:master")) {
                            otherMastersKeys += node.dbSize();
                        }
                    }
                }
                long queueKeys;
                try (Jedis master = cluster.connect(queueMaster)) {
                    queueKeys = master.keys(TAG + ":*").size();
                }
                long keysOutsideTheTag = otherMastersKeys;
                assertAll(
                        () -> assertEquals(200, waited.statusCode(), waited.body()),
                        () -> assertEquals("dead", record.getString("status"), record.toString()),
                        () -> assertEquals(MAX_ATTEMPTS, record.getInt("attempts"), record.toString()),
                        () -> assertFalse(queueKeys == 0, "the queue's keys are on the master of " + TAG),
                        () -> assertEquals(0, keysOutsideTheTag, "no key on the other masters"));
            } finally {
                deployer.undeploy("cluster");
            }
        }
    }

    @Test
    void withThreePartitionsTasksLandOnAllThreeMastersAndAreMailedOnceWithLimitsAndKeysKeptAcrossThem()
            throws Exception {
        List<RedisKeys> partitions = RedisKeys.partitions("taskq", 3);
        try (RedisClusterGroup cluster = new RedisClusterGroup(PORTS)) {
            deployer.deploy("cluster-partitions");
            try {
                Http http = new Http(Deployments.url("cluster-partitions"));
                String domain = UUID.randomUUID() + ".example.com";
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    ids.add(idOf(Submissions.submit(http, "p" + i + "@" + domain)));
                }
                // The recipient limit is counted in the first partition, wherever the tasks go: a second mail to
                // an address is refused, whichever partition it would have landed in.
                List<Integer> again = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    again.add(http.postJson("api/submissions", Json.createObjectBuilder().add("name", "Ann")
                            .add("email", "p" + i + "@" + domain).add("message", "Again").build().toString())
                            .statusCode());
                }
                // An Idempotency-Key decides the partition: ten sends of one request make one task.
                byte[] keyed = Json.createObjectBuilder().add("name", "Ida").add("email", "keyed@" + domain)
                        .add("message", "Once").build().toString().getBytes(StandardCharsets.UTF_8);
                String key = "\"" + UUID.randomUUID() + "\"";
                Set<String> keyedIds = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> answer = http.post("api/submissions", "application/json", keyed,
                            "Idempotency-Key", key);
                    assertEquals(202, answer.statusCode(), answer.body());
                    keyedIds.add(idOf(URI.create(answer.headers().firstValue("Location").orElseThrow())));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> Mailbox.countToDomain(domain) == 61);

                Map<Integer, Integer> recordsByMaster = new TreeMap<>();
                long succeededInRedis = 0;
                for (RedisKeys partition : partitions) {
                    int port = cluster.masterPortOf(partition.ready());
                    try (Jedis master = cluster.connect(port)) {
                        for (String id : ids) {
                            if (master.exists(partition.task(id))) {
                                recordsByMaster.merge(port, 1, Integer::sum);
                            }
                        }
                        for (Map.Entry<String, String> field : master.hgetAll(partition.statsTotal()).entrySet()) {
                            if (field.getKey().startsWith("succeeded:")) {
                                succeededInRedis += Long.parseLong(field.getValue());
                            }
                        }
                    }
                }
                JsonObject overview = Json.createReader(new StringReader(new Http(Deployments.url("cluster-partitions"))
                        .as(TestUsers.ADMIN.name(), TestUsers.ADMIN.password()).get("api/admin/overview").body()))
                        .readObject();
                JsonObject status = Submissions.status(http, http.resolve("api/tasks/" + ids.get(59)));
                long succeeded = succeededInRedis;
                assertAll(
                        () -> assertEquals(3, recordsByMaster.size(), "records on three masters: " + recordsByMaster),
                        () -> assertEquals(60, recordsByMaster.values().stream().mapToInt(n -> n).sum()),
                        () -> assertEquals(List.of(429, 429, 429, 429, 429, 429, 429, 429, 429, 429), again),
                        () -> assertEquals(1, keyedIds.size(), "one task for one key: " + keyedIds),
                        () -> assertEquals(1, Mailbox.to("keyed@" + domain).size()),
                        () -> assertEquals(61, Mailbox.countToDomain(domain), "one mail per address"),
                        () -> assertEquals("succeeded", status.getString("status"), status.toString()),
                        () -> assertEquals(succeeded, overview.getJsonNumber("succeeded24h").longValue(),
                                "the overview adds up the partitions: " + overview),
                        () -> assertEquals(0, overview.getJsonNumber("queued").longValue(), overview.toString()));
            } finally {
                deployer.undeploy("cluster-partitions");
            }
        }
    }

    @Test
    void withThreePartitionsSubmissionsWhileOneOfTheirMastersIsKilledAreEitherMailedOnceOrRefusedWith503()
            throws Exception {
        String secondPartition = RedisKeys.partitions("taskq", 3).get(1).ready();
        FailoverDrain.drainThrough("ClusterIT partitions", deployer, "cluster-partitions", SUBMISSIONS,
                () -> new RedisClusterGroup(PORTS), cluster -> cluster.killMasterOf(secondPartition));
    }

    private static String idOf(URI task) {
        String path = task.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void submissionsWhileTheQueuesMasterIsKilledAreEitherMailedOnceOrRefusedWith503() throws Exception {
        drainThrough(cluster -> cluster.killMasterOf(TAG));
    }

    @Test
    void submissionsDuringAPlannedFailoverAreEitherMailedOnceOrRefusedWith503() throws Exception {
        drainThrough(cluster -> cluster.failOverMasterOf(TAG));
    }

    private void drainThrough(FailoverDrain.GroupSwitch<RedisClusterGroup> switchMaster) throws Exception {
        FailoverDrain.drainThrough("ClusterIT", deployer, "cluster", SUBMISSIONS, () -> new RedisClusterGroup(PORTS),
                switchMaster);
    }
}
