package dev.taskq.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.event.container.AfterStart;
import org.jboss.arquillian.container.spi.event.container.AfterStop;
import org.jboss.arquillian.container.spi.event.container.AfterUnDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeStart;
import org.jboss.arquillian.core.api.annotation.Observes;

/**
 * Prepares the application server of the run around Arquillian's start and stop, only with what README gives
 * operators: the server-config/ scripts (mail session) and the servers' own user tools. The server's settings
 * (REDIS_URL, SMTP_HOST, SMTP_PORT, MAIL_FROM) are in the environment it inherits from the test JVM (see pom.xml).
 *
 * <ul>
 *   <li>embedded Payara: after boot, the asadmin file and create-file-user through its CommandRunner;</li>
 *   <li>Payara Server: {@code asadmin start-domain} before Arquillian's remote adapter connects, then
 *       {@code asadmin multimode --file} and {@code create-file-user}; {@code stop-domain} at the end;</li>
 *   <li>Payara Micro: a post-boot command file = the operators' file + the test users, given to every Micro process
 *       the managed adapter starts (arquillian.xml);</li>
 *   <li>WildFly: {@code add-user.sh -a} before the managed adapter starts it, {@code jboss-cli.sh --file} after.</li>
 * </ul>
 */
public class ServerSetup {

    /** What Payara Micro runs at boot (arquillian.xml's extraMicroOptions names it). */
    static final Path MICRO_POST_BOOT = Path.of("target", "test-micro-post-boot.asadmin");
    static final Path WILDFLY_MAIL_SESSION = Path.of("server-config", "wildfly", "create-mail-session.cli");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(ServerSetup.class.getName());

    public void beforeStart(@Observes BeforeStart event) throws Exception {
        TestServers.get(); // the server may connect to Redis and SMTP as soon as it runs
        switch (ServerKind.current()) {
            case PAYARA_SERVER -> {
                Runtime.getRuntime().addShutdownHook(new Thread(ServerSetup::stopPayaraServer, "stop-payara-domain"));
                run(asadmin("start-domain", "--timeout", "240", "domain1"));
            }
            case PAYARA_MICRO -> writeMicroPostBootFile();
            case WILDFLY -> {
                for (TestUsers.User user : TestUsers.ALL) {
                    addWildFlyUser(user);
                }
            }
            case PAYARA_EMBEDDED -> {
            }
        }
    }

    public void afterStart(@Observes AfterStart event) throws Exception {
        switch (ServerKind.current()) {
            case PAYARA_EMBEDDED -> EmbeddedPayara.configureForTests();
            case PAYARA_SERVER -> {
                String out = run(asadmin("multimode", "--file", AsadminFile.MAIL_SESSION.toAbsolutePath().toString()));
                check(out.contains("Mail Resource mail/taskq created."), "mail session not created: " + out);
                for (TestUsers.User user : TestUsers.ALL) {
                    runAllowingFailure(asadmin("delete-file-user", user.name()));
                    List<String> create = asadmin("create-file-user", "--groups", user.group(), user.name());
                    create.addAll(1, List.of("--passwordfile", TestUsers.passwordFile(user).toString()));
                    run(create);
                }
            }
            case WILDFLY -> {
                Result result = WildFlyCli.run("--file=" + WILDFLY_MAIL_SESSION.toAbsolutePath());
                check(result.exitCode == 0, WILDFLY_MAIL_SESSION + " exited with " + result.exitCode + ": "
                        + result.output);
            }
            case PAYARA_MICRO -> {
            }
        }
    }

    /**
     * Payara Micro's adapter starts one process per deployment but, with two deployments in one class, stopped only
     * one of them at undeploy: the other ran on after the tests (seen with MailRateIT and AbuseLimitsIT). So the
     * harness ends the process that serves the undeployed archive, if it is still there.
     */
    public void afterUndeploy(@Observes AfterUnDeploy event) {
        if (ServerKind.current() != ServerKind.PAYARA_MICRO) {
            return;
        }
        String war = "/deployments/" + event.getDeployment().getArchive().getName();
        ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains(war)).orElse(false))
                .forEach(ProcessHandle::destroy);
    }

    public void afterStop(@Observes AfterStop event) {
        if (ServerKind.current() == ServerKind.PAYARA_SERVER) {
            stopPayaraServer();
        }
    }

    private static void writeMicroPostBootFile() throws IOException {
        StringBuilder file = new StringBuilder(Files.readString(AsadminFile.MAIL_SESSION)).append('\n')
                .append("# Test users (file realm), added by the test harness.\n");
        for (TestUsers.User user : TestUsers.ALL) {
            file.append("create-file-user --groups ").append(user.group()).append(" --passwordfile ")
                    .append(TestUsers.passwordFile(user)).append(' ').append(user.name()).append('\n');
        }
        Files.writeString(MICRO_POST_BOOT, file);
    }

    private static void addWildFlyUser(TestUsers.User user) throws Exception {
        List<String> command = List.of(ServerKind.WILDFLY.home().resolve("bin/add-user.sh").toString(), "-a", "-s",
                "-u", user.name(), "-p", user.password(), "-g", user.group());
        Result result = execute(command);
        // The distribution under target/ is kept between runs: a user added by an earlier run is already there.
        check(result.exitCode == 0 || result.output.contains("already exists"), command + ": " + result.output);
    }

    private static void stopPayaraServer() {
        try {
            runAllowingFailure(asadmin("stop-domain", "domain1"));
        } catch (Exception e) {
            LOG.warning("stop-domain: " + e);
        }
    }

    private static List<String> asadmin(String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                ServerKind.PAYARA_SERVER.home().resolve("bin/asadmin").toString(), "--interactive=false"));
        command.addAll(List.of(arguments));
        return command;
    }

    /** A command's exit code and output (stdout and stderr). */
    public record Result(int exitCode, String output) {
    }

    /** Runs a command (in the test JVM's environment); fails unless it exits with 0. Returns its output. */
    private static String run(List<String> command) throws Exception {
        Result result = execute(command);
        check(result.exitCode == 0, command + " exited with " + result.exitCode + ": " + result.output);
        return result.output;
    }

    private static void runAllowingFailure(List<String> command) throws Exception {
        execute(command);
    }

    /** Runs a command (in the test JVM's environment), whatever its exit code. */
    static Result execute(List<String> command) throws Exception {
        Path log = Files.createTempFile(Files.createDirectories(Path.of("target")), "server-setup-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + TIMEOUT);
            }
            String output = Files.readString(log);
            LOG.info(String.join(" ", command) + "\n" + output);
            return new Result(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

}
