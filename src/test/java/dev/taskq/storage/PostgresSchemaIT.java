package dev.taskq.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The schema migrations and the outage classification against a real PostgreSQL, without an application server:
 * two servers migrating at once apply each version once; a stopped database is an outage, both for a new
 * connection and for one that was open.
 */
@Tag("server-independent") // no application server: runs in the default build only (see pom.xml)
class PostgresSchemaIT {

    @Test
    void twoServersMigratingAtOnceApplyEachVersionOnceAndAStoppedDatabaseIsAnOutage() throws Exception {
        assumeTrue(PostgresCluster.installedBin() != null || Boolean.getBoolean("taskq.test.require-postgres"),
                "PostgreSQL is not installed (apt-get install postgresql): skipped");
        try (PostgresCluster postgres = PostgresCluster.start()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(postgres.jdbcUrl());
            dataSource.setUser(PostgresCluster.USER);
            dataSource.setPassword(PostgresCluster.PASSWORD);

            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> migrate(dataSource));
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> migrate(dataSource));
            first.get();
            second.get();
            SchemaMigrations.apply(dataSource); // and again later: nothing to do
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet versions = statement.executeQuery("SELECT version, name FROM taskq_schema_version")) {
                assertTrue(versions.next());
                assertEquals(1, versions.getInt(1));
                assertEquals("1-submissions", versions.getString(2));
                assertTrue(!versions.next(), "one row per version");
            }

            Connection open = dataSource.getConnection();
            postgres.stopServer();
            SQLException lost = assertThrows(SQLException.class,
                    () -> open.createStatement().execute("SELECT 1"));
            assertTrue(DatabaseOutage.isOutage(lost), lost.getSQLState() + " " + lost);
            SQLException refused = assertThrows(SQLException.class, dataSource::getConnection);
            assertTrue(DatabaseOutage.isOutage(refused), refused.getSQLState() + " " + refused);
            open.close();
        }
    }

    private static void migrate(PGSimpleDataSource dataSource) {
        try {
            SchemaMigrations.apply(dataSource);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
