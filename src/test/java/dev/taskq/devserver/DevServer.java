package dev.taskq.devserver;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.taskq.testing.AsadminFile;
import dev.taskq.testing.Deployments;
import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import dev.taskq.testing.EmbeddedPayara;
import dev.taskq.testing.TestServers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.glassfish.embeddable.GlassFish;
import org.glassfish.embeddable.GlassFishProperties;
import org.glassfish.embeddable.GlassFishRuntime;
import redis.embedded.RedisServer;

/**
 * Runs the packaged WAR on embedded Payara at http://localhost:8080/ for trying it out
 * ({@code ./mvnw -Prun package}). Unless {@code REDIS_URL} is set it starts a redis-server; unless
 * {@code SMTP_HOST} is set it starts an SMTP server (GreenMail) and prints every mail it receives.
 * Ctrl-C stops all of them.
 */
public final class DevServer {

    /** Run in order on Ctrl-C: the last thing started stops first. */
    private final List<Runnable> stopActions = new ArrayList<>();
    private int embeddedSmtpPort;

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: DevServer <path to taskq.war>");
            System.exit(2);
        }
        DevServer server = new DevServer();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "dev-server-stop"));
        server.start(Path.of(args[0]));
    }

    private void start(Path war) throws Exception {
        int httpPort = Integer.parseInt(env("HTTP_PORT", "8080"));
        String redis = startRedisUnlessConfigured();
        String smtp = startSmtpUnlessConfigured();

        GlassFishProperties properties = new GlassFishProperties();
        properties.setPort("http-listener", httpPort);
        GlassFish glassFish = GlassFishRuntime.bootstrap().newGlassFish(properties);
        glassFish.start();
        stopActions.add(0, () -> stopQuietly(glassFish));
        // One server, no cluster: no need for Hazelcast's network discovery.
        run(glassFish, "set-hazelcast-configuration", "--enabled=false", "--dynamic=true");
        createMailSession(glassFish);
        glassFish.getDeployer().deploy(forEmbeddedPayara(war), "--name=taskq", "--contextroot=/");

        System.out.printf("%n  taskq is running on http://localhost:%d/%n  Redis: %s%n  SMTP:  %s%n"
                + "  Press Ctrl-C to stop.%n%n", httpPort, redis, smtp);
    }

    /** A copy of the WAR that loads its own classes first (see {@link Deployments#childFirst}). */
    private File forEmbeddedPayara(Path war) throws IOException {
        Path copy = Files.createTempFile("taskq-dev-", ".war");
        stopActions.add(() -> deleteQuietly(copy));
        Deployments.childFirst(ShrinkWrap.createFromZipFile(WebArchive.class, war.toFile()))
                .as(ZipExporter.class).exportTo(copy.toFile(), true);
        return copy.toFile();
    }

    private String startRedisUnlessConfigured() throws IOException {
        String configured = System.getenv("REDIS_URL");
        if (configured != null && !configured.isBlank()) {
            return "REDIS_URL from the environment";
        }
        int port = TestServers.freePort();
        Path directory = Files.createTempDirectory("taskq-redis-");
        RedisServer redis = TestServers.startRedis(port, directory);
        stopActions.add(0, () -> {
            stopQuietly(redis);
            deleteQuietly(directory);
        });
        // The application reads it through MicroProfile Config (a system property outranks its default).
        System.setProperty("redis.url", "redis://127.0.0.1:" + port);
        return "embedded redis-server on 127.0.0.1:" + port;
    }

    private String startSmtpUnlessConfigured() {
        if (System.getenv("SMTP_HOST") != null) {
            return System.getenv("SMTP_HOST") + ":" + env("SMTP_PORT", "25") + " from the environment";
        }
        GreenMail greenMail = new GreenMail(new ServerSetup(TestServers.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        embeddedSmtpPort = greenMail.getSmtp().getPort();
        stopActions.add(0, greenMail::stop);
        Thread printer = new Thread(() -> printMails(greenMail), "dev-server-mail-printer");
        printer.setDaemon(true);
        printer.start();
        return "embedded SMTP server on 127.0.0.1:" + embeddedSmtpPort
                + " (received mails are printed here)";
    }

    /**
     * The mail session from the operators' file (server-config/payara/create-mail-session.asadmin, or with SMTP
     * authentication what configure.sh prints), its ${ENV=…} references filled from the environment, else from the
     * system properties set here for the embedded SMTP server.
     */
    private void createMailSession(GlassFish glassFish) throws Exception {
        if (System.getenv("SMTP_HOST") == null) {
            System.setProperty("SMTP_HOST", "127.0.0.1");
            System.setProperty("SMTP_PORT", String.valueOf(embeddedSmtpPort));
        }
        if (System.getenv("MAIL_FROM") == null) {
            System.setProperty("MAIL_FROM", "taskq@localhost");
        }
        Path file = AsadminFile.MAIL_SESSION;
        if (!env("SMTP_USER", "").isEmpty()) {
            file = Files.createTempFile("taskq-mail-", ".asadmin");
            Process configure = new ProcessBuilder("sh", "server-config/payara/configure.sh")
                    .redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (configure.waitFor() != 0) {
                throw new IllegalStateException("server-config/payara/configure.sh failed");
            }
        }
        EmbeddedPayara.run(glassFish.getCommandRunner(), file);
    }

    private static void run(GlassFish glassFish, String command, String... arguments) throws Exception {
        EmbeddedPayara.run(glassFish.getCommandRunner(), command, List.of(arguments));
    }

    private static void printMails(GreenMail greenMail) {
        int printed = 0;
        while (true) {
            MimeMessage[] received = greenMail.getReceivedMessages();
            for (; printed < received.length; printed++) {
                System.out.println(describe(printed + 1, received[printed]));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String describe(int number, MimeMessage mail) {
        try {
            String to = Arrays.stream(mail.getAllRecipients()).map(Object::toString).collect(Collectors.joining(", "));
            return "---- mail #" + number + " ----\nFrom: " + Arrays.toString(mail.getFrom()) + "\nTo: " + to
                    + "\nSubject: " + mail.getSubject() + "\nMessage-ID: " + mail.getMessageID() + "\n\n"
                    + dev.taskq.testing.Mailbox.text(mail) + "\n(and an HTML alternative)"
                    + "\n---- end of mail #" + number + " ----";
        } catch (MessagingException e) {
            return "---- mail #" + number + ": unreadable (" + e.getMessage() + ") ----";
        }
    }

    private void stop() {
        stopActions.forEach(Runnable::run);
        System.out.println("taskq dev server stopped.");
    }

    private static void stopQuietly(GlassFish glassFish) {
        try {
            glassFish.stop();
            glassFish.dispose();
        } catch (Exception e) {
            System.err.println("Stopping Payara: " + e);
        }
    }

    private static void stopQuietly(RedisServer redis) {
        try {
            redis.stop();
        } catch (IOException e) {
            System.err.println("Stopping redis-server: " + e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Removing " + directory + ": " + e);
        }
    }
}
