package dev.taskq.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The real servers the integration tests run against, started once per JVM: a redis-server (from Maven Central,
 * via embedded-redis) and GreenMail's SMTP server, each on a free port. Before the application server boots, it
 * writes the mail resource that points the application's mail session at GreenMail.
 */
public final class TestServers {

    public static final String MAIL_FROM = "taskq-test@example.com";
    static final Path RESOURCES_XML = Path.of("target", "test-glassfish-resources.xml");

    private static TestServers instance;

    private final RedisServer redis;
    private final int redisPort;
    private final GreenMail greenMail;

    private TestServers() throws IOException {
        redisPort = freePort();
        redis = startRedis(redisPort);
        greenMail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        writeMailResource(greenMail.getSmtp().getPort());
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

    private static void writeMailResource(int smtpPort) throws IOException {
        Files.createDirectories(RESOURCES_XML.getParent());
        Files.writeString(RESOURCES_XML, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE resources PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Resource Definitions//EN"
                        "http://glassfish.org/dtds/glassfish-resources_1_5.dtd">
                <resources>
                    <mail-resource jndi-name="mail/taskq" host="127.0.0.1" user="taskq" from="%s">
                        <property name="mail.smtp.port" value="%d"/>
                    </mail-resource>
                </resources>
                """.formatted(MAIL_FROM, smtpPort));
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
