package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;
import redis.embedded.core.ExecutableProvider;

/**
 * The real servers the integration tests run against, started once per JVM: a redis-server (from Maven Central,
 * via embedded-redis) and GreenMail's SMTP server. Their ports come from the environment the build gives the test
 * JVM and, through it, the application server ({@code REDIS_URL}, {@code SMTP_PORT}: ports Maven reserved, see
 * pom.xml); without them (a test started from an IDE) free ports are taken and published as system properties, which
 * embedded Payara's mail session reads instead (see {@link AsadminFile}).
 *
 * <p>With REDIS_CLUSTER (the {@code redis-cluster} profile) it is a Redis Cluster on those ports instead
 * ({@link RedisClusterGroup}), and the tests' probes use the master that serves {@code {taskq}}.
 *
 * <p>With a {@code rediss://} REDIS_URL (the {@code redis-tls} profile of pom.xml) the redis-server serves TLS on that
 * URL's port, asks for a client certificate there, and knows the URL's user through README's {@code ACL SETUSER} line
 * ({@value #ACL_FILE}); the tests' own probes use a plain port ({@code taskq.test.redis.plain-port}) as the default
 * user.
 */
public final class TestServers {

    /** The From address of the test mail session: the MAIL_FROM that pom.xml gives the servers. */
    public static final String MAIL_FROM = "taskq-test@example.com";

    /** The line README gives operators for taskq's ACL user; {@code CHANGE-ME} stands for the password. */
    public static final String ACL_FILE = "server-config/redis/acl-setuser.redis";

    /** How long GreenMail may take to bind its port (its own default, 2 s, was outlasted on a busy CI machine). */
    private static final Duration SMTP_STARTUP = Duration.ofSeconds(10);

    private static TestServers instance;

    /** Null unless the redis-cluster profile is on; then {@link #redis} is null. */
    private final RedisClusterGroup cluster;
    private final RedisServer redis;
    private final int redisPort;
    private final String appRedisUrl;
    private final ServerSetup smtpSetup;
    private final GreenMail greenMail;

    private TestServers() throws IOException {
        String redisUrl = System.getenv("REDIS_URL");
        String clusterNodes = System.getenv("REDIS_CLUSTER");
        if (clusterNodes != null) {
            // The redis-cluster profile: the application is given the nodes; the tests look into the master that
            // serves the default prefix's hash tag.
            List<Integer> ports = Arrays.stream(clusterNodes.split(","))
                    .map(node -> Integer.parseInt(node.substring(node.lastIndexOf(':') + 1))).toList();
            cluster = new RedisClusterGroup(ports);
            redis = null;
            redisPort = cluster.masterPortOf("{taskq}");
            appRedisUrl = redisUrl;
        } else if (redisUrl != null && redisUrl.startsWith("rediss://")) {
            cluster = null;
            URI uri = URI.create(redisUrl);
            redisPort = Integer.parseInt(System.getProperty("taskq.test.redis.plain-port"));
            try {
                redis = startTlsRedis(redisPort, uri.getPort(), Path.of("target", "redis-" + redisPort),
                        TestCa.get().pemFilesFor(uri.getHost()), true);
                // What REDIS_TLS_TRUSTSTORE and REDIS_TLS_KEYSTORE name (see pom.xml), made before any deployment.
                TestCa.get().trustStore();
                TestCa.get().clientKeyStore("taskq");
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            String[] user = uri.getUserInfo().split(":", 2);
            createAclUser(redisPort, user[0], user[1]);
            appRedisUrl = redisUrl;
        } else {
            cluster = null;
            redisPort = redisUrl != null ? URI.create(redisUrl).getPort() : freePort();
            redis = startRedis(redisPort);
            appRedisUrl = "redis://127.0.0.1:" + redisPort;
        }
        String smtpPort = System.getenv("SMTP_PORT");
        smtpSetup = new ServerSetup(smtpPort != null ? Integer.parseInt(smtpPort) : freePort(), "127.0.0.1",
                ServerSetup.PROTOCOL_SMTP);
        smtpSetup.setServerStartupTimeout(SMTP_STARTUP.toMillis());
        greenMail = new GreenMail(smtpSetup);
        greenMail.start();
        if (smtpPort == null) {
            System.setProperty("SMTP_HOST", "127.0.0.1");
            System.setProperty("SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()));
            System.setProperty("MAIL_FROM", MAIL_FROM);
        }
    }

    /** Starts the servers on first use. */
    public static synchronized TestServers get() {
        if (instance == null) {
            try {
                instance = new TestServers();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "test-servers-stop"));
        }
        return instance;
    }

    /** The Redis URL the application is given (TLS and the ACL user with the redis-tls profile). */
    public String redisUrl() {
        return appRedisUrl;
    }

    /** The plain port the tests look into Redis through, as the default user. */
    public int redisPort() {
        return redisPort;
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    /**
     * Starts GreenMail again on its port after a test stopped it (an outage, or a scripted server in its place).
     * Every later test needs it, and on a busy machine binding can outlast GreenMail's own wait: it tries again
     * for a minute.
     */
    public void startGreenMailAgain() {
        await("GreenMail listening again on " + smtpSetup.getPort()).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> {
                    greenMail.stop();
                    greenMail.start();
                    return true;
                });
    }

    /** A redis-server on the given port, working in target/redis-PORT; the caller stops it. */
    public static RedisServer startRedis(int port) throws IOException {
        return startRedis(port, Path.of("target", "redis-" + port));
    }

    /** A redis-server on the given port, with its binary and data files in {@code directory}. */
    public static RedisServer startRedis(int port, Path directory) throws IOException {
        return startRedis(port, directory, false);
    }

    /**
     * A redis-server whose data files live in {@code directory}; with {@code appendOnly}, every write is synced to
     * its append-only file, so a restart on the same directory finds everything acknowledged before the stop.
     */
    public static RedisServer startRedis(int port, Path directory, boolean appendOnly) throws IOException {
        RedisServer server = onLoopback(port, directory)
                .settingIf(appendOnly, "appendonly yes")
                .settingIf(appendOnly, "appendfsync always")
                .build();
        server.start();
        return server;
    }

    /**
     * A redis-server on a plain port and a TLS port, serving the certificate and key in {@code pem} and verifying
     * client certificates against their CA; with {@code clientCertificates} a client must show one on the TLS port.
     */
    public static RedisServer startTlsRedis(int port, int tlsPort, Path directory, TestCa.PemFiles pem,
                                            boolean clientCertificates) throws IOException {
        RedisServer server = onLoopback(port, directory)
                .setting("tls-port " + tlsPort)
                .setting("tls-cert-file " + pem.certificate())
                .setting("tls-key-file " + pem.key())
                .setting("tls-ca-cert-file " + pem.ca())
                .setting("tls-auth-clients " + (clientCertificates ? "yes" : "no"))
                .build();
        server.start();
        return server;
    }

    /** A redis-server (embedded-redis' binary) on 127.0.0.1:{@code port}, binary and data files in {@code directory}. */
    private static RedisServerBuilder onLoopback(int port, Path directory) throws IOException {
        Files.createDirectories(directory);
        return RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(directory.toFile()))
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + directory.toAbsolutePath());
    }

    /** Runs README's ACL SETUSER line ({@value #ACL_FILE}) on the Redis at {@code port}, with this user and password. */
    public static void createAclUser(int port, String user, String password) throws IOException {
        String line = Files.readString(Path.of(ACL_FILE)).strip()
                .replace("SETUSER taskq ", "SETUSER " + user + " ")
                .replace(">CHANGE-ME", ">" + password);
        String[] words = line.split(" ");
        try (Jedis admin = new Jedis("127.0.0.1", port)) {
            admin.sendCommand(Protocol.Command.ACL, Arrays.copyOfRange(words, 1, words.length));
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} distinct free ports. */
    public static List<Integer> freePorts(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = freePort();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private void stop() {
        greenMail.stop();
        try {
            if (cluster != null) {
                cluster.close();
            } else {
                redis.stop();
            }
        } catch (IOException e) {
            // The JVM is exiting; nothing more to do.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
