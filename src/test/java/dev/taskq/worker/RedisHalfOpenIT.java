package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TcpProxy;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Redis connection that goes half-open (the peer vanishes without FIN or RST, as when a host dies or a failover
 * moves an address) is noticed within seconds: the consumers open new connections and take tasks again.
 */
@Tag("core") // on every real server in CI (see .ci/run)
@TaskqIT
class RedisHalfOpenIT {

    private static final String PREFIX = "halfopen";
    private static final RedisKeys KEYS = new RedisKeys(PREFIX);
    private static TcpProxy proxy;

    @Deployment(testable = false)
    static WebArchive deployment() {
        try {
            proxy = new TcpProxy(TestServers.get().redisPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Deployments.war(PREFIX, "redis://127.0.0.1:" + proxy.port(), "taskq.key-prefix=" + PREFIX + "\n");
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @Test
    void consumersTakeTasksAgainWithinTenSecondsAfterTheirConnectionsWentHalfOpen() {
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort())) {
            String before = UUID.randomUUID() + "@example.com";
            push(redis, before);
            await().atMost(Duration.ofSeconds(30)).until(() -> Mailbox.to(before).size() == 1);

            // Every connection open now (consumers blocked in BLMOVE, the pool, the events subscription) goes
            // silent for good; connections opened from now on work.
            proxy.blackHole();
            String after = UUID.randomUUID() + "@example.com";
            push(redis, after);

            await().atMost(Duration.ofSeconds(10)).until(() -> Mailbox.to(after).size() == 1);
            assertEquals(1, Mailbox.to(after).size());
        }
    }

    private static void push(Jedis redis, String email) {
        Task task = Task.create("confirmation-mail", TestTasks.mail("Half", email, "open"));
        redis.hset(KEYS.task(task.id()), Map.of("id", task.id(), "type", task.type(), "status", "queued",
                "attempts", "0", "createdAt", task.createdAt().toString()));
        redis.lpush(KEYS.ready(), TaskCodec.encode(task));
    }
}
