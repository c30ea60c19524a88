package dev.taskq.worker;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.FailoverDrain;
import dev.taskq.testing.SentinelGroup;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The application behind Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, TASKQ_REDIS_MIN_REPLICAS=1): 500
 * submissions over HTTP while the master is SIGKILLed, or handed over with SENTINEL FAILOVER. Each answer is 202 or
 * 503 with Retry-After, never anything else; every 202 is mailed, each with one Message-ID ({@link FailoverDrain}).
 */
@TaskqIT
@Tag("slow") // a minute of failover per test: on embedded Payara and Payara Server only (see pom.xml)
class SentinelIT {

    private static final int SUBMISSIONS = 500;
    /** Fixed before the deployment is built: its settings name the Sentinels. */
    private static final List<Integer> PORTS = SentinelGroup.freePorts();

    @Deployment(name = "sentinel", managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.war("sentinel", TestServers.get().redisUrl(), "redis.sentinels=" + SentinelGroup.sentinelList(PORTS) + "\n"
                + "redis.sentinel-master=" + SentinelGroup.MASTER + "\n"
                + "taskq.redis.min-replicas=1\ntaskq.key-prefix=sentinelit\n");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void submissionsWhileTheMasterIsKilledAreEitherMailedOnceOrRefusedWith503() throws Exception {
        drainThrough(SentinelGroup::killMaster);
    }

    @Test
    void submissionsDuringAPlannedFailoverAreEitherMailedOnceOrRefusedWith503() throws Exception {
        drainThrough(SentinelGroup::failOver);
    }

    private void drainThrough(FailoverDrain.GroupSwitch<SentinelGroup> switchMaster) throws Exception {
        FailoverDrain.drainThrough("SentinelIT", deployer, "sentinel", SUBMISSIONS, () -> new SentinelGroup(PORTS),
                switchMaster);
    }
}
