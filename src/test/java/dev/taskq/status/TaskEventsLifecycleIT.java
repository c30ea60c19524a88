package dev.taskq.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.queue.TaskEventSubscription;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.SseClient;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
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
import redis.embedded.RedisServer;

/** The server's one events subscription: it comes back after a Redis restart, and it is gone after undeploy. */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class TaskEventsLifecycleIT {

    private static final int OWN_REDIS_PORT = TestServers.freePort();

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "events-undeploy", managed = false, testable = false)
    static WebArchive undeployed() {
        return Deployments.war("events-undeploy", TestServers.get().redisUrl());
    }

    @Deployment(name = "events-redis-restart", managed = false, testable = false)
    static WebArchive redisRestart() {
        return Deployments.war("events-redis-restart", "redis://127.0.0.1:" + OWN_REDIS_PORT);
    }

    @Test
    void undeployClosesTheSubscriptionAndEveryStream() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            deployer.deploy("events-undeploy");
            Task task = TaskEventsIT.parked(redis);
            try (SseClient events = SseClient.open(new Http(Deployments.url("events-undeploy"))
                    .resolve("api/tasks/" + task.id() + "/events"))) {
                assertEquals("queued", events.next().status());
                TaskEventsIT.awaitSubscribed(redis);
                assertEquals(1, redis.clientsNamed(TaskEventSubscription.NAME));

                deployer.undeploy("events-undeploy");

                await().atMost(Duration.ofSeconds(30)).until(() -> redis.clientsNamed("taskq-") == 0);
                assertNull(events.next(), "the stream was ended");
            } finally {
                redis.jedis().del(RedisProbe.PREFIX + "task:" + task.id());
            }
        }
    }

    /** Looks at the server's threads, so only where the server runs in the test JVM. */
    @Test
    @Tag("embedded")
    void undeployEndsTheSubscriptionThread() throws Exception {
        try (RedisProbe redis = new RedisProbe()) {
            deployer.deploy("events-undeploy");
            Task task = TaskEventsIT.parked(redis);
            try (SseClient events = SseClient.open(new Http(Deployments.url("events-undeploy"))
                    .resolve("api/tasks/" + task.id() + "/events"))) {
                assertEquals("queued", events.next().status());
                TaskEventsIT.awaitSubscribed(redis);
                assertEquals(List.of(TaskEventSubscription.NAME), eventThreads());

                deployer.undeploy("events-undeploy");

                assertEquals(List.of(), eventThreads(), "event threads after undeploy");
            } finally {
                redis.jedis().del(RedisProbe.PREFIX + "task:" + task.id());
            }
        }
    }

    @Test
    void aStreamOpenWhileRedisRestartsStillSeesTheTaskFinish() throws Exception {
        RedisServer ownRedis = TestServers.startRedis(OWN_REDIS_PORT);
        deployer.deploy("events-redis-restart");
        try {
            String email = UUID.randomUUID() + "@example.com";
            Task task = Task.create("confirmation-mail", TestTasks.mail("Restart", email, "Still there?"));
            Map<String, String> record = Map.of("id", task.id(), "type", task.type(), "status", "queued",
                    "attempts", "0", "createdAt", task.createdAt().toString());
            try (RedisProbe redis = new RedisProbe(OWN_REDIS_PORT)) {
                redis.jedis().hset(RedisProbe.PREFIX + "task:" + task.id(), record);
            }
            try (SseClient events = SseClient.open(new Http(Deployments.url("events-redis-restart"))
                    .resolve("api/tasks/" + task.id() + "/events"))) {
                assertEquals("queued", events.next().status());
                try (RedisProbe redis = new RedisProbe(OWN_REDIS_PORT)) {
                    TaskEventsIT.awaitSubscribed(redis);
                }

                ownRedis.stop();
                ownRedis = TestServers.startRedis(OWN_REDIS_PORT);

                try (RedisProbe redis = new RedisProbe(OWN_REDIS_PORT)) {
                    redis.jedis().hset(RedisProbe.PREFIX + "task:" + task.id(), record);
                    TaskEventsIT.awaitSubscribed(redis);
                    // Only now does the task enter the queue: its progress must reach the stream opened before.
                    redis.jedis().lpush(RedisProbe.PREFIX + "ready", TaskCodec.encode(task));

                    List<SseClient.Event> rest = events.untilEnd();
                    assertTrue(!rest.isEmpty(), "events after the restart");
                    assertEquals("succeeded", rest.get(rest.size() - 1).status(), rest.toString());
                    assertEquals(1, Mailbox.await(email, 1).size());
                }
            }
        } finally {
            deployer.undeploy("events-redis-restart");
            ownRedis.stop();
        }
    }

    private static List<String> eventThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith(TaskEventSubscription.NAME))
                .toList();
    }
}
