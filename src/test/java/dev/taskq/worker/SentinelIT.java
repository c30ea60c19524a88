package dev.taskq.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.SentinelGroup;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.Json;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The application behind Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, TASKQ_REDIS_MIN_REPLICAS=1): 500
 * submissions over HTTP while the master is SIGKILLed, or handed over with SENTINEL FAILOVER. Each answer is 202 or
 * 503 with Retry-After, never anything else; every 202 is mailed, each with one Message-ID.
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

    private interface Switch {
        void run(SentinelGroup redis) throws Exception;
    }

    private void drainThrough(Switch switchMaster) throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        try (SentinelGroup redis = new SentinelGroup(PORTS)) {
            deployer.deploy("sentinel");
            try {
                Http http = new Http(Deployments.url("sentinel"));
                Set<String> accepted = ConcurrentHashMap.newKeySet();
                AtomicInteger refused = new AtomicInteger();
                List<String> wrong = new CopyOnWriteArrayList<>();
                Thread submitting = new Thread(() -> submit(http, domain, accepted, refused, wrong), "test-submit");
                submitting.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> mails(domain).size() >= SUBMISSIONS / 5);

                switchMaster.run(redis);

                submitting.join(Duration.ofMinutes(3).toMillis());
                assertEquals(List.of(), wrong, "every answer was 202, or 503 with Retry-After");
                await().atMost(Duration.ofSeconds(90)).until(() -> recipients(domain).containsAll(accepted));
                Map<String, List<String>> ids = new ConcurrentHashMap<>();
                for (MimeMessage mail : mails(domain)) {
                    ids.computeIfAbsent(mail.getAllRecipients()[0].toString(), key -> new ArrayList<>())
                            .add(mail.getMessageID());
                }
                long copies = 0;
                for (String address : accepted) {
                    assertEquals(1, ids.get(address).stream().distinct().count(), "one Message-ID: " + address);
                    copies += ids.get(address).size() - 1;
                }
                assertTrue(accepted.size() > SUBMISSIONS / 5, "submissions were accepted: " + accepted.size());
                System.out.println("SentinelIT: " + SUBMISSIONS + " submissions, " + accepted.size() + " accepted (202), "
                        + refused.get() + " refused (503), " + mails(domain).size() + " mails, " + copies
                        + " second copies");
            } finally {
                deployer.undeploy("sentinel");
            }
        }
    }

    private static void submit(Http http, String domain, Set<String> accepted, AtomicInteger refused,
                               List<String> wrong) {
        for (int i = 0; i < SUBMISSIONS; i++) {
            String address = "f" + i + "@" + domain;
            try {
                HttpResponse<String> answer = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "Failover").add("email", address).add("message", "Sentinel").build().toString());
                if (answer.statusCode() == 202) {
                    accepted.add(address);
                } else if (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()) {
                    refused.incrementAndGet();
                } else {
                    wrong.add(answer.statusCode() + " " + answer.body());
                }
                Thread.sleep(20);
            } catch (Exception e) {
                wrong.add(e.toString());
            }
        }
    }

    private static Set<String> recipients(String domain) throws MessagingException {
        Set<String> recipients = new HashSet<>();
        for (MimeMessage mail : mails(domain)) {
            recipients.add(mail.getAllRecipients()[0].toString());
        }
        return recipients;
    }

    private static List<MimeMessage> mails(String domain) {
        return List.of(TestServers.get().greenMail().getReceivedMessagesForDomain(domain));
    }
}
