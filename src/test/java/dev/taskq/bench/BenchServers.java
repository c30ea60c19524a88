package dev.taskq.bench;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.taskq.testing.AsadminFile;
import dev.taskq.testing.EmbeddedPayara;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.embeddable.GlassFish;
import org.glassfish.embeddable.GlassFishProperties;
import org.glassfish.embeddable.GlassFishRuntime;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * Everything the benchmark runs against, on loopback in this JVM (as the dev server does): a redis-server from
 * embedded-redis, GreenMail's SMTP server, and embedded Payara with the mail session {@code mail/taskq}.
 */
final class BenchServers implements AutoCloseable {

    static final String MAIL_FROM = "taskq-bench@example.com";
    private static final String APP_NAME = "taskq-bench";

    private final Path workDirectory;
    private final int httpPort;
    private final int redisPort = TestServers.freePort();
    private final RedisServer redis;
    private final GreenMail greenMail;
    private final GlassFish glassFish;
    private final AtomicLong deliveries = new AtomicLong();
    private final Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
    private boolean deployed;

    BenchServers(Path workDirectory, int httpPort) throws Exception {
        this.workDirectory = workDirectory;
        this.httpPort = httpPort;
        Path redisDirectory = workDirectory.resolve("redis");
        Files.createDirectories(redisDirectory);
        // No snapshots: a background save forking in the middle of a measurement would only add noise.
        redis = RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(redisDirectory.toFile()))
                .port(redisPort)
                .bind("127.0.0.1")
                .setting("dir " + redisDirectory.toAbsolutePath())
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        greenMail = new GreenMail(new ServerSetup(TestServers.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        // Counts every mail and notes when the SMTP server accepted it (before it answers 250 to the DATA).
        UserManager users = greenMail.getUserManager();
        MessageDeliveryHandler store = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, recipient) -> {
            deliveredAt.put(recipient.getEmail(), System.nanoTime());
            deliveries.incrementAndGet();
            return store.handle(message, recipient);
        });

        GlassFishProperties properties = new GlassFishProperties();
        properties.setPort("http-listener", httpPort);
        // Not the default 8181: the benchmark can run beside a server of one's own.
        properties.setPort("https-listener", freePort());
        glassFish = GlassFishRuntime.bootstrap().newGlassFish(properties);
        glassFish.start();
        run("set-hazelcast-configuration", "--enabled=false", "--dynamic=true");
        // The operators' mail session file, pointed at this GreenMail (its ${ENV=…} references read these).
        System.setProperty("SMTP_HOST", "127.0.0.1");
        System.setProperty("SMTP_PORT", String.valueOf(smtpPort()));
        System.setProperty("MAIL_FROM", MAIL_FROM);
        EmbeddedPayara.run(glassFish.getCommandRunner(), AsadminFile.read(AsadminFile.MAIL_SESSION, System::getProperty));
    }

    String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Jedis redis() {
        return new Jedis("127.0.0.1", redisPort);
    }

    int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    GreenMail greenMail() {
        return greenMail;
    }

    /** How many mails (recipients) the SMTP server accepted since it started. */
    long deliveries() {
        return deliveries.get();
    }

    /** {@link System#nanoTime()} when the SMTP server last accepted a mail for {@code address}, or null. */
    Long deliveredAt(String address) {
        return deliveredAt.get(address);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/";
    }

    /** Deploys the packaged WAR plus the benchmark classes, with these settings besides the Redis URL. */
    void deploy(Path packagedWar, String settings) throws Exception {
        undeploy();
        File war = BenchDeployment.write(packagedWar, workDirectory,
                "redis.url=" + redisUrl() + "\n" + settings);
        glassFish.getDeployer().deploy(war, "--name=" + APP_NAME, "--contextroot=/");
        deployed = true;
    }

    /**
     * A second server on the same Redis and SMTP server: Payara Micro, in a process of its own, running the benchmark
     * WAR with these settings. The caller stops it before {@link #undeploy()} empties Redis.
     */
    PayaraMicroServer startSecondServer(Path packagedWar, String settings) throws IOException {
        Path directory = Files.createDirectories(workDirectory.resolve("second-server"));
        File war = BenchDeployment.write(packagedWar, directory, "redis.url=" + redisUrl() + "\n" + settings);
        return PayaraMicroServer.startWar("bench-second", war, Map.of("SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", String.valueOf(smtpPort()), "MAIL_FROM", MAIL_FROM));
    }

    /** Undeploys (the consumers stop and return what they hold) and empties Redis and the mailbox. */
    void undeploy() throws Exception {
        if (deployed) {
            glassFish.getDeployer().undeploy(APP_NAME);
            deployed = false;
        }
        try (Jedis jedis = redis()) {
            jedis.flushAll();
        }
        greenMail.purgeEmailFromAllMailboxes();
        deliveredAt.clear();
    }

    private void run(String command, String... arguments) throws Exception {
        EmbeddedPayara.run(glassFish.getCommandRunner(), command, List.of(arguments));
    }

    @Override
    public void close() {
        try {
            glassFish.stop();
            glassFish.dispose();
        } catch (Exception e) {
            System.err.println("Stopping Payara: " + e);
        }
        greenMail.stop();
        try {
            redis.stop();
        } catch (IOException e) {
            System.err.println("Stopping redis-server: " + e);
        }
    }
}
