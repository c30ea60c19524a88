package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * each answer 202 or 503 with Retry-After, every 202 mailed under one Message-ID ({@link FailoverDrain}).
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
