package dev.taskq.storage;

import dev.taskq.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL for the tests: Debian's server binaries ({@code apt-get install postgresql}), a cluster of its
 * own made with initdb under target/, listening on 127.0.0.1 on a free port, with password authentication over
 * TCP. PostgreSQL refuses to run as root, so when the build runs as root the cluster belongs to the
 * {@code postgres} user and every command runs through {@code runuser}.
 */
final class PostgresCluster implements AutoCloseable {

    static final String USER = "taskq";
    static final String PASSWORD = "taskq-test-pw";
    static final String DATABASE = "taskq";

    private final Path bin;
    private final Path directory;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresCluster(Path bin, Path directory, int port) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    }

    /** The newest installed server's bin directory, or null when PostgreSQL is not installed. */
    static Path installedBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (var versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max((a, b) -> Integer.compare(version(a), version(b))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Makes a new cluster and starts it; the caller closes it (stops it and deletes its files). */
    static PostgresCluster start() throws Exception {
        Path bin = installedBin();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql)");
        }
        int port = TestServers.freePort();
        Path directory = Path.of("target", "postgres-" + port).toAbsolutePath();
        PostgresCluster cluster = new PostgresCluster(bin, directory, port);
        cluster.init();
        cluster.startServer();
        return cluster;
    }

    int port() {
        return port;
    }

    /** The JDBC URL an operator would put in DB_URL. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    private void init() throws Exception {
        Files.createDirectories(directory);
        Path passwordFile = directory.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (asPostgresUser) {
            // The cluster's files must belong to the user the server runs as; target/ must be traversable.
            run(List.of("chown", "-R", "postgres:postgres", directory.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", directory.resolve("data").toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                "--locale=C.UTF-8"), true);
    }

    /** Starts (or restarts) the server on the same data and port. */
    void startServer() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-w", "-t", "60",
                "-l", directory.resolve("server.log").toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + directory
                        + " -c fsync=off", "start"), true);
        if (!databaseExists()) {
            run(List.of(bin.resolve("createdb").toString(), "-h", directory.toString(), "-p",
                    String.valueOf(port), "-U", USER, DATABASE), true);
        }
    }

    /** Stops the server at once (connections are cut), as an outage would. */
    void stopServer() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-w", "-m", "fast",
                "stop"), true);
    }

    private boolean databaseExists() {
        try (Connection ignored = connect()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer();
        } catch (Exception e) {
            // Already stopped.
        }
        try (var files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
        }
    }

    private void run(List<String> command, boolean asServerUser) throws Exception {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("taskq-pg", ".log");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + String.join(" ", full)
                        + "\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
