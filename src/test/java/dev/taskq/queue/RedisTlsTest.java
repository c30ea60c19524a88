package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.TestCa;
import dev.taskq.testing.TestServers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.embedded.RedisServer;

/**
 * {@code rediss://} against real redis-servers with TLS on and certificates of a test CA: the certificate is verified
 * against the given trust store, host name included, a client certificate is shown when one is configured, and the
 * user README's {@code ACL SETUSER} line makes can do what taskq does and nothing else.
 */
class RedisTlsTest {

    private static final String PASSWORD = TestCa.PASSWORD;

    /** Serves a certificate for localhost and asks every client for a certificate. */
    private static RedisServer localhost;
    private static int localhostPort;
    private static int localhostTlsPort;
    /** Serves a certificate for other.example.com: right CA, wrong host. */
    private static RedisServer otherHost;
    private static int otherHostTlsPort;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startRedis() throws Exception {
        TestCa ca = TestCa.get();
        localhostPort = TestServers.freePort();
        localhostTlsPort = TestServers.freePort();
        localhost = TestServers.startTlsRedis(localhostPort, localhostTlsPort,
                Path.of("target", "redis-tls-" + localhostPort), ca.pemFilesFor("localhost"), true);
        TestServers.createAclUser(localhostPort, "taskq", "s3cret-acl");
        int otherPort = TestServers.freePort();
        otherHostTlsPort = TestServers.freePort();
        otherHost = TestServers.startTlsRedis(otherPort, otherHostTlsPort,
                Path.of("target", "redis-tls-" + otherPort), ca.pemFilesFor("other.example.com"), false);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        localhost.stop();
        otherHost.stop();
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger(RedisTls.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger(RedisTls.class.getName()).removeHandler(capture);
    }

    @Test
    void theTrustStoresCaAndAClientCertificateGiveAVerifiedConnectionAsTheAclUser() throws Exception {
        RedisEndpoint endpoint = endpoint("rediss://taskq:s3cret-acl@localhost:" + localhostTlsPort, true, true);
        try (Jedis jedis = endpoint.openConnection("taskq-test", "probe");
             UnifiedJedis pool = endpoint.pooledClient("taskq-test-pool", 2, 1);
             Jedis admin = new Jedis("127.0.0.1", localhostPort)) {
            assertEquals("PONG", jedis.ping());
            assertEquals("PONG", pool.ping());
            assertTrue(admin.clientList().lines().anyMatch(client -> client.contains(" name=taskq-test ")
                    && client.contains(" user=taskq ")), "logged in as the ACL user, named");
        }
    }

    @Test
    void withoutAClientCertificateAServerThatAsksForOneRefusesTheConnection() throws Exception {
        RedisEndpoint endpoint = endpoint("rediss://taskq:s3cret-acl@localhost:" + localhostTlsPort, true, false);
        assertThrows(JedisConnectionException.class, () -> endpoint.openConnection("taskq-test", "probe").ping());
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedWithOneLogLine() throws Exception {
        // A certificate that passes first, so that this test sees the next refusal logged whatever ran before.
        try (Jedis good = endpoint("rediss://taskq:s3cret-acl@localhost:" + localhostTlsPort, true, true)
                .openConnection("taskq-test", "probe")) {
            good.ping();
        }
        RedisEndpoint endpoint = endpoint("rediss://localhost:" + otherHostTlsPort, true, false);
        for (int attempt = 0; attempt < 3; attempt++) {
            JedisConnectionException refused = assertThrows(JedisConnectionException.class,
                    () -> endpoint.openConnection("taskq-test", "probe"));
            assertTrue(causes(refused).contains("No subject alternative DNS name matching localhost"),
                    causes(refused));
        }
        try (UnifiedJedis pool = endpoint.pooledClient("taskq-test-pool", 2, 1)) {
            assertThrows(JedisConnectionException.class, pool::ping);
        }
        List<LogRecord> refusals = logged.stream().filter(record -> record.getLevel() == Level.SEVERE).toList();
        assertEquals(1, refusals.size(), "one line for four refused connections: " + messages(refusals));
        String line = refusals.get(0).getMessage();
        assertTrue(line.startsWith("Refused the TLS certificate of Redis at localhost:" + otherHostTlsPort
                + " (subject CN=other.example.com): No subject alternative DNS name matching localhost found. Nothing"
                + " is sent to this Redis"), line);
    }

    @Test
    void withoutATrustStoreTheJvmsOwnDoesNotTrustATestCa() {
        RedisEndpoint endpoint = new RedisEndpoint(URI.create("rediss://localhost:" + otherHostTlsPort));
        JedisConnectionException refused = assertThrows(JedisConnectionException.class,
                () -> endpoint.openConnection("taskq-test", "probe"));
        assertTrue(causes(refused).contains("PKIX path building failed"), causes(refused));
    }

    @Test
    void theAclUserCanReachNoOtherKeysChannelsOrCommands() throws Exception {
        RedisEndpoint endpoint = endpoint("rediss://taskq:s3cret-acl@localhost:" + localhostTlsPort, true, true);
        try (Jedis jedis = endpoint.openConnection("taskq-test", "probe")) {
            jedis.set("{taskq}:acl-test", "allowed");
            assertEquals("allowed", jedis.get("{taskq}:acl-test"));
            assertThrows(JedisAccessControlException.class, () -> jedis.get("{other}:key"));
            assertThrows(JedisAccessControlException.class, () -> jedis.keys("*"));
            assertThrows(JedisAccessControlException.class, jedis::flushAll);
            assertThrows(JedisAccessControlException.class, () -> jedis.configGet("*"));
            assertThrows(JedisAccessControlException.class, () -> jedis.publish("{taskq}:other-channel", "x"));
            // Inside a script the same rules hold.
            JedisDataException fromScript = assertThrows(JedisDataException.class,
                    () -> jedis.eval("return redis.call('get', KEYS[1])", List.of("{other}:key"), List.of()));
            assertTrue(fromScript.getMessage().contains("permission"), fromScript.getMessage());
        }
    }

    @Test
    void readmeGivesTheAclLineTheTestsUse() throws Exception {
        String line = Files.readString(Path.of(TestServers.ACL_FILE)).strip();
        assertTrue(Files.readString(Path.of("README.md")).contains(line), "README quotes " + TestServers.ACL_FILE);
    }

    private static RedisEndpoint endpoint(String url, boolean trustStore, boolean clientCertificate)
            throws Exception {
        TestCa ca = TestCa.get();
        Optional<String> password = Optional.of(PASSWORD);
        return new RedisEndpoint(URI.create(url), RedisTls.of(
                trustStore ? Optional.of(ca.trustStore()) : Optional.empty(), password,
                clientCertificate ? Optional.of(ca.clientKeyStore("taskq")) : Optional.empty(), password), null);
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            text.append(cause).append(" | ");
        }
        return text.toString();
    }

    private static List<String> messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::getMessage).toList();
    }
}
