package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import redis.clients.jedis.Pipeline;

/**
 * A server process killed with SIGKILL while its consumers hold tasks loses none: another server on the same Redis
 * takes them over once their leases expire, and a mail sent a second time is the same message (same Message-ID).
 */
@TaskqIT
@Tag("slow") // about a minute of outage or restart: on embedded Payara and Payara Server only (see pom.xml)
class ServerKillIT {

    private static final String PREFIX = "killtest";
    private static final RedisKeys KEYS = new RedisKeys(PREFIX);
    private static final int TASKS = 3000;

    /** The survivor, deployed on the embedded server only after the other server was killed. */
    @Deployment(name = "survivor", managed = false, testable = false)
    static WebArchive survivor() {
        return Deployments.war("survivor", TestServers.get().redisUrl(), "taskq.key-prefix=" + PREFIX + "\n");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void everyTaskIsMailedAfterAServerHoldingTasksWasKilledAndCopiesKeepTheirMessageId() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort());
             PayaraMicroServer victim = PayaraMicroServer.start("victim",
                     Map.of("TASKQ_KEY_PREFIX", PREFIX, "TASKQ_CONSUMERS", "3"))) {
            List<String> addresses = push(redis, domain);
            await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(domain).size() >= 50);

            victim.kill();
            long held = redis.smembers(KEYS.consumers()).stream()
                    .mapToLong(consumer -> redis.llen(KEYS.processing(consumer))).sum();
            assertTrue(held > 0, "the killed server's consumers held tasks");
            assertTrue(redis.llen(KEYS.ready()) > 0, "tasks were still waiting");

            deployer.deploy("survivor");
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> mailsTo(domain).size() >= TASKS);
                Map<String, List<String>> idsByRecipient = new HashMap<>();
                for (MimeMessage mail : mailsTo(domain)) {
                    idsByRecipient.computeIfAbsent(recipient(mail), key -> new ArrayList<>()).add(mail.getMessageID());
                }
                assertEquals(TASKS, idsByRecipient.size(), "every task was mailed");
                long copies = 0;
                for (String address : addresses) {
                    List<String> ids = idsByRecipient.get(address);
                    assertEquals(1, ids.stream().distinct().count(), "one Message-ID per task: " + ids);
                    copies += ids.size() - 1;
                }
                System.out.println("ServerKillIT: " + TASKS + " tasks, " + held + " held at the kill, "
                        + mailsTo(domain).size() + " mails, " + copies + " second copies");
                for (String consumer : redis.smembers(KEYS.consumers())) {
                    assertEquals(0, redis.llen(KEYS.processing(consumer)), "nothing left held by " + consumer);
                }
            } finally {
                deployer.undeploy("survivor");
            }
        }
    }

    private static List<String> push(Jedis redis, String domain) {
        List<String> addresses = new ArrayList<>();
        try (Pipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < TASKS; i++) {
                String address = "k" + i + "@" + domain;
                addresses.add(address);
                Task task = Task.create("confirmation-mail", TestTasks.mail("Kill " + i, address, "kill -9"));
                pipeline.hset(KEYS.task(task.id()), Map.of("id", task.id(), "type", task.type(),
                        "status", "queued", "attempts", "0", "createdAt", task.createdAt().toString()));
                pipeline.lpush(KEYS.ready(), TaskCodec.encode(task));
            }
            pipeline.sync();
        }
        return addresses;
    }

    private static List<MimeMessage> mailsTo(String domain) {
        return List.of(TestServers.get().greenMail().getReceivedMessagesForDomain(domain));
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
