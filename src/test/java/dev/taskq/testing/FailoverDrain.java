package dev.taskq.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployer;

/**
 * Submissions over HTTP, one every 20 ms, while Redis' master changes (killed, or handed over): each answer must be
 * 202, or 503 with Retry-After; every 202 must be mailed, each address under one Message-ID. Used by the tests of
 * a Sentinel group and of a cluster.
 */
public final class FailoverDrain {

    /** What changes the master; it returns once the new one serves. */
    public interface Switch {
        void run() throws Exception;
    }

    private FailoverDrain() {
    }

    /** What changes the master of a group of Redis processes. */
    public interface GroupSwitch<G> {
        void run(G group) throws Exception;
    }

    /**
     * Starts the group, deploys {@code deployment} (an unmanaged Arquillian deployment that names it), drains
     * through {@code switchMaster} as {@link #drainThrough(Http, int, Switch)}, prints its figures after
     * {@code label}, then undeploys and stops the group.
     */
    public static <G extends AutoCloseable> void drainThrough(String label, Deployer deployer, String deployment,
                                                              int submissions, Callable<G> group,
                                                              GroupSwitch<G> switchMaster) throws Exception {
        try (G redis = group.call()) {
            deployer.deploy(deployment);
            try {
                Http http = new Http(Deployments.url(deployment));
                System.out.println(label + ": " + drainThrough(http, submissions, () -> switchMaster.run(redis)));
            } finally {
                deployer.undeploy(deployment);
            }
        }
    }

    /**
     * Submits {@code submissions} times through {@code http}, runs {@code switchMaster} once a fifth are mailed, and
     * checks the outcome; returns a line of figures for the test's output.
     */
    public static String drainThrough(Http http, int submissions, Switch switchMaster) throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        List<String> wrong = new CopyOnWriteArrayList<>();
        Thread submitting = new Thread(() -> submit(http, domain, submissions, accepted, refused, wrong),
                "test-submit");
        submitting.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> mails(domain).size() >= submissions / 5);

        switchMaster.run();

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
        assertTrue(accepted.size() > submissions / 5, "submissions were accepted: " + accepted.size());
        return submissions + " submissions, " + accepted.size() + " accepted (202), " + refused.get()
                + " refused (503), " + mails(domain).size() + " mails, " + copies + " second copies";
    }

    private static void submit(Http http, String domain, int submissions, Set<String> accepted,
                               AtomicInteger refused, List<String> wrong) {
        for (int i = 0; i < submissions; i++) {
            String address = "f" + i + "@" + domain;
            try {
                HttpResponse<String> answer = http.postJson("api/submissions", Json.createObjectBuilder()
                        .add("name", "Failover").add("email", address).add("message", "Failover").build().toString());
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
