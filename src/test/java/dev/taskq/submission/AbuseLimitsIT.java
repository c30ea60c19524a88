package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TaskStatusPoller;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import jakarta.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The per-recipient and per-client limits, with the defaults' orders of magnitude (3 per hour to one address, 20
 * per hour from one client): exactly the limit gets through, the rest is refused with 429 and Retry-After, and
 * exactly that many mails go out. One deployment believes X-Forwarded-For from this host (so each test can be its
 * own client), the other believes no proxy.
 */
@TaskqIT
class AbuseLimitsIT {

    private static final int PER_RECIPIENT = 3;
    private static final int PER_CLIENT = 20;
    private static final String LIMITS = "taskq.limit.recipient-per-hour=" + PER_RECIPIENT
            + "\ntaskq.limit.recipient-per-day=10\ntaskq.limit.client-per-hour=" + PER_CLIENT + "\n";

    @Deployment(name = "proxied", testable = false)
    static WebArchive proxied() {
        return Deployments.war("limits-proxied", TestServers.get().redisUrl(),
                "taskq.key-prefix=limitsp\n" + LIMITS + "taskq.client.trusted-proxies=" + thisHost() + "\n");
    }

    /**
     * The addresses the test's requests may come from, as proxies: loopback, and this host's own IPv4 addresses
     * (Payara Micro's adapter gives the host's address, not localhost, as the deployment's URL).
     */
    private static String thisHost() {
        List<String> proxies = new ArrayList<>(List.of("127.0.0.1/32", "::1"));
        try {
            for (NetworkInterface face : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(face.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        proxies.add(address.getHostAddress() + "/32");
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(", ", proxies);
    }

    @Deployment(name = "direct", testable = false)
    static WebArchive direct() {
        return Deployments.war("limits-direct", TestServers.get().redisUrl(), "taskq.key-prefix=limitsd\n" + LIMITS);
    }

    @ArquillianResource
    @OperateOnDeployment("proxied")
    URL proxied;

    @ArquillianResource
    @OperateOnDeployment("direct")
    URL direct;

    @Test
    void fiftySubmissionsToOneAddressGetExactlyTheLimitThroughAndThatManyMails() throws Exception {
        Http http = new Http(proxied);
        String client = randomClient();
        String email = UUID.randomUUID() + "@example.com";
        List<URI> accepted = new ArrayList<>();
        java.util.Set<String> acceptedAddresses = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        int refused = 0;
        for (int i = 0; i < 50; i++) {
            // The same mailbox written in different ways counts as one.
            String written = i % 2 == 0 ? email : email.toUpperCase().replace("@", "+" + i + "@");
            HttpResponse<String> response = submit(http, client, "Ann " + i, written);
            if (response.statusCode() == 202) {
                accepted.add(URI.create(response.headers().firstValue("Location").orElseThrow()));
                acceptedAddresses.add(written);
            } else {
                assertRefused(response, "to this address");
                refused++;
            }
        }
        assertEquals(PER_RECIPIENT, accepted.size());
        assertEquals(50 - PER_RECIPIENT, refused);
        for (URI task : accepted) {
            assertEquals("succeeded", TaskStatusPoller.awaitFinal(http, task).getString("status"));
        }
        // Every task is final, so every mail it made has arrived: exactly that many, over the spellings used.
        int mails = acceptedAddresses.stream().mapToInt(address -> Mailbox.to(address).size()).sum();
        assertEquals(PER_RECIPIENT, mails, "exactly that many mails to " + acceptedAddresses);
    }

    @Test
    void oneClientSendingToFiftyAddressesHitsTheClientLimit() throws Exception {
        Http http = new Http(proxied);
        String client = randomClient();
        String domain = UUID.randomUUID() + ".example.com";
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = submit(http, client, "Bob " + i, "u" + i + "@" + domain);
            if (response.statusCode() == 202) {
                accepted++;
            } else {
                assertRefused(response, "from your network address");
            }
        }
        // Had the forwarded-for header been ignored, the other test's client would have shared this count.
        assertEquals(PER_CLIENT, accepted);
        String last = "u49@" + domain;
        assertEquals(0, Mailbox.to(last).size(), "a refused submission is not mailed");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> Mailbox.countToDomain(domain) == PER_CLIENT);
        try (RedisProbe redis = new RedisProbe()) {
            // The store tasks (issue 15) run beside the mails: wait for them too.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> redis.jedis().llen("{limitsp}:ready") == 0);
        }
        assertEquals(PER_CLIENT, Mailbox.countToDomain(domain));
    }

    @Test
    void aForwardedForHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        Http http = new Http(direct);
        String domain = UUID.randomUUID() + ".example.com";
        int accepted = 0;
        for (int i = 0; i < PER_CLIENT + 5; i++) {
            // A new forged client address each time: it must not buy a fresh count.
            HttpResponse<String> response = submit(http, randomClient(), "Eve " + i, "e" + i + "@" + domain);
            if (response.statusCode() == 202) {
                accepted++;
            } else {
                assertRefused(response, "from your network address");
            }
        }
        assertEquals(PER_CLIENT, accepted);
    }

    private static HttpResponse<String> submit(Http http, String client, String name, String email)
            throws Exception {
        return http.post("api/submissions", "application/json",
                SubmissionApiIT.json(name, email, "Hello").getBytes(StandardCharsets.UTF_8),
                "X-Forwarded-For", client);
    }

    private static void assertRefused(HttpResponse<String> response, String why) {
        assertEquals(429, response.statusCode(), response.body());
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        JsonObject problem = SubmissionApiIT.parse(response.body());
        assertAll(
                () -> assertEquals("application/problem+json",
                        response.headers().firstValue("Content-Type").orElseThrow()),
                () -> assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter),
                () -> assertEquals(429, problem.getInt("status")),
                () -> assertTrue(problem.getString("detail").contains(why), problem.toString()));
    }

    /**
     * An X-Forwarded-For value of two hops: a forged one on the left, the client on the right (from 198.18.0.0/15,
     * different on each call but for a 1 in 65,000 chance).
     */
    private static String randomClient() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "203.0." + random.nextInt(113, 114) + "." + random.nextInt(1, 255) + ", 198.18."
                + random.nextInt(0, 255) + "." + random.nextInt(1, 255);
    }
}
