package dev.taskq.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second application server in a process of its own, for tests about processes: Payara Micro (the jar the build
 * copied to target/servers/) running the packaged WAR, configured as README tells operators — the mail session from
 * server-config/payara/create-mail-session.asadmin, the settings from the environment.
 */
public final class PayaraMicroServer implements AutoCloseable {

    private static final Path JAR = Path.of("target", "servers", "payara-micro.jar");

    private static final Path MAIL_SESSION = Path.of("server-config/payara/create-mail-session.asadmin");

    private final Process process;
    private final int port;
    private final Path log;

    private PayaraMicroServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it with these settings (environment variables such as TASKQ_KEY_PREFIX) and waits until it serves. */
    public static PayaraMicroServer start(String name, Map<String, String> settings) {
        return start(name, settings, List.of(), List.of());
    }

    /**
     * As {@link #start(String, Map)}, with more post-boot command files run after the mail session's (Micro takes
     * one file: they are joined into target/NAME-postboot.asadmin) and jars for its class path ({@code --addLibs},
     * e.g. a JDBC driver).
     */
    public static PayaraMicroServer start(String name, Map<String, String> settings, List<Path> morePostBootFiles,
                                          List<Path> libraries) {
        return start(name, settings, MAIL_SESSION, morePostBootFiles, libraries, List.of());
    }

    /**
     * As {@link #start(String, Map)}, with the mail session made by {@code mailSessionFile} instead of the plain
     * file (e.g. what server-config/payara/configure.sh printed) and more options for Micro's JVM (e.g. a trust store).
     */
    public static PayaraMicroServer start(String name, Map<String, String> settings, Path mailSessionFile,
                                          List<String> jvmOptions) {
        return start(name, settings, mailSessionFile, List.of(), List.of(), jvmOptions);
    }

    /**
     * Payara Micro running {@code war} (not the packaged one, e.g. the benchmark's) with exactly this environment:
     * the Redis and SMTP server are the caller's, not {@link TestServers}'.
     */
    public static PayaraMicroServer startWar(String name, File war, Map<String, String> environment) {
        return start(name, war, environment, MAIL_SESSION, List.of(), List.of(), List.of());
    }

    private static PayaraMicroServer start(String name, Map<String, String> settings, Path mailSessionFile,
                                           List<Path> morePostBootFiles, List<Path> libraries,
                                           List<String> jvmOptions) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("REDIS_URL", TestServers.get().redisUrl(),
                "SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", String.valueOf(TestServers.get().greenMail().getSmtp().getPort()),
                "MAIL_FROM", TestServers.MAIL_FROM));
        environment.putAll(settings);
        return start(name, new File("target/taskq.war"), environment, mailSessionFile, morePostBootFiles, libraries,
                jvmOptions);
    }

    private static PayaraMicroServer start(String name, File war, Map<String, String> environment,
                                           Path mailSessionFile, List<Path> morePostBootFiles, List<Path> libraries,
                                           List<String> jvmOptions) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the tests with ./mvnw verify");
        }
        int port = TestServers.freePort();
        Path log = Path.of("target", name + "-payara-micro.log");
        Path postBoot = mailSessionFile;
        if (!morePostBootFiles.isEmpty()) {
            try {
                StringBuilder joined = new StringBuilder(Files.readString(postBoot));
                for (Path file : morePostBootFiles) {
                    joined.append('\n').append(Files.readString(file));
                }
                postBoot = Files.writeString(Path.of("target", name + "-postboot.asadmin"), joined);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString(), "--nocluster", "--port", String.valueOf(port),
                "--postbootcommandfile", postBoot.toString()));
        for (Path library : libraries) {
            command.addAll(List.of("--addLibs", library.toAbsolutePath().toString()));
        }
        command.addAll(List.of("--deploy", war.getAbsolutePath(), "--contextroot", "/"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            PayaraMicroServer server = new PayaraMicroServer(builder.start(), port, log);
            // Micro answers 404 before the WAR is deployed: wait for the form page itself.
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !server.process.isAlive() || server.formAnswers());
            if (!server.process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited at start; see " + log);
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Everything the process wrote (its server log included). */
    public String log() throws IOException {
        return new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** SIGKILL: the process ends at once, without running any shutdown code. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private boolean formAnswers() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(baseUri()).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
