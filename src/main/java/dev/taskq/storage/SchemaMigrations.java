package dev.taskq.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the database schema up to date: each version is one SQL file, {@code schema/<version>-<name>.sql} next to
 * this class, applied once and recorded in {@code taskq_schema_version}. A version is claimed by inserting its row
 * first, in the same transaction as its statements: on PostgreSQL a second server starting at the same time waits
 * on that row and then finds the version applied.
 */
final class SchemaMigrations {

    /** Every version, in order. Add new files at the end; never change an applied one. */
    static final List<String> VERSIONS = List.of("1-submissions");

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    private SchemaMigrations() {
    }

    /** Applies the versions the database lacks. */
    static void apply(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS taskq_schema_version ("
                            + "version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
                            + " applied_at TIMESTAMP NOT NULL)");
                }
                connection.setAutoCommit(false);
                for (int i = 0; i < VERSIONS.size(); i++) {
                    applyOne(connection, i + 1, VERSIONS.get(i));
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void applyOne(Connection connection, int version, String name) throws SQLException {
        if (applied(connection, version)) {
            return;
        }
        try {
            try (PreparedStatement claim = connection.prepareStatement(
                    "INSERT INTO taskq_schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                claim.setInt(1, version);
                claim.setString(2, name);
                claim.setTimestamp(3, Timestamp.from(Instant.now()));
                claim.executeUpdate();
            }
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(name)) {
                    statement.execute(sql);
                }
            }
            connection.commit();
            LOG.info(() -> "Database schema: applied version " + version + " (" + name + ")");
        } catch (SQLException e) {
            connection.rollback();
            if (!applied(connection, version)) {
                throw e;
            }
            // Another server applied it meanwhile.
        }
    }

    private static boolean applied(Connection connection, int version) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM taskq_schema_version WHERE version = ?")) {
            query.setInt(1, version);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                boolean found = result.getInt(1) > 0;
                connection.commit();
                return found;
            }
        }
    }

    /** The file's statements: separated by ";" at a line end; "--" lines are comments. */
    static List<String> statements(String name) {
        String path = "schema/" + name + ".sql";
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema file " + path + " is missing from the WAR");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder withoutComments = new StringBuilder();
            text.lines().filter(line -> !line.strip().startsWith("--"))
                    .forEach(line -> withoutComments.append(line).append('\n'));
            return List.of(withoutComments.toString().split(";\\s*\\n")).stream()
                    .map(String::strip).filter(sql -> !sql.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
