package dev.taskq.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The real servers the integration tests run against, started once per JVM: a redis-server (from Maven Central,
 * via embedded-redis) and GreenMail's SMTP server. Their ports come from the environment the build gives the test
 * JVM and, through it, the application server ({@code REDIS_URL}, {@code SMTP_PORT}: ports Maven reserved, see
 * pom.xml); without them (a test started from an IDE) free ports are taken and published as system properties, which
 * embedded Payara's mail session reads instead (see {@link AsadminFile}).
 */
public final class TestServers {

    /** The From address of the test mail session: the MAIL_FROM that pom.xml gives the servers. */
    public static final String MAIL_FROM = "taskq-test@example.com";

    private static TestServers instance;

    private final RedisServer redis;
    private final int redisPort;
    private final GreenMail greenMail;

    private TestServers() throws IOException {
        String redisUrl = System.getenv("REDIS_URL");
        redisPort = redisUrl != null ? URI.create(redisUrl).getPort() : freePort();
        redis = startRedis(redisPort);
        String smtpPort = System.getenv("SMTP_PORT");
        greenMail = new GreenMail(new ServerSetup(smtpPort != null ? Integer.parseInt(smtpPort) : freePort(),
                "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
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

    public String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    public int redisPort() {
        return redisPort;
    }

    public GreenMail greenMail() {
        return greenMail;
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
        Files.createDirectories(directory);
        RedisServer server = RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(directory.toFile()))
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + directory.toAbsolutePath())
                .settingIf(appendOnly, "appendonly yes")
                .settingIf(appendOnly, "appendfsync always")
                .build();
        server.start();
        return server;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop() {
        greenMail.stop();
        try {
            redis.stop();
        } catch (IOException e) {
            // The JVM is exiting; nothing more to do.
        }
    }
}
