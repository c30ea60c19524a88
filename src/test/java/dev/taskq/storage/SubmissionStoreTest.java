package dev.taskq.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of storing: cursors, LIKE escaping, telling an outage from a failed statement, the schema file. */
class SubmissionStoreTest {

    @Test
    void aCursorReadsBackAndGarbageIsRefused() {
        SubmissionStore.Cursor cursor = new SubmissionStore.Cursor(Instant.parse("2026-12-01T10:00:00.123Z"),
                "0f8fad5b-d9cb-469f-a165-70867728950e");
        assertEquals(cursor, SubmissionStore.Cursor.decode(cursor.encode()));
        for (String garbage : List.of("not-a-cursor", "%%%", "MTIz", "OmFiYw")) {
            assertThrows(IllegalArgumentException.class, () -> SubmissionStore.Cursor.decode(garbage), garbage);
        }
    }

    @Test
    void likeWildcardsInASearchAreLiteral() {
        assertEquals("100!% sure!_really!!", SubmissionStore.likeEscaped("100% sure_really!"));
    }

    @Test
    void connectionErrorsAreOutagesAndOtherErrorsAreNot() {
        assertTrue(DatabaseOutage.isOutage(new RuntimeException(new SQLException("refused", "08001"))));
        assertTrue(DatabaseOutage.isOutage(new SQLException("terminating connection", "57P01")));
        assertTrue(DatabaseOutage.isOutage(new SQLTransientConnectionException("pool exhausted")));
        assertTrue(DatabaseOutage.isOutage(new IllegalStateException(new ConnectException("Connection refused"))));
        assertTrue(DatabaseOutage.isOutage(new jakarta.resource.ResourceException("no managed connection")));
        assertFalse(DatabaseOutage.isOutage(new SQLException("duplicate key", "23505")));
        assertFalse(DatabaseOutage.isOutage(new SQLException("value too long", "22001")));
        assertFalse(DatabaseOutage.isOutage(new IllegalArgumentException("no 'name'")));
    }

    @Test
    void theSchemaFileSplitsIntoItsStatements() {
        List<String> statements = SchemaMigrations.statements("1-submissions");
        assertEquals(2, statements.size());
        assertTrue(statements.get(0).startsWith("CREATE TABLE taskq_submission"));
        assertTrue(statements.get(1).startsWith("CREATE INDEX"));
        assertTrue(statements.stream().noneMatch(sql -> sql.contains("--") || sql.endsWith(";")));
    }

    @Test
    void aSubmissionsTasksHaveStableIdsOfTheirOwn() {
        String submission = "0f8fad5b-d9cb-469f-a165-70867728950e";
        List<String> ids = SubmissionTasks.taskIds(submission);
        assertEquals(submission, ids.get(0));
        assertEquals(3, ids.stream().distinct().count());
        assertEquals(ids, SubmissionTasks.taskIds(submission));
        assertTrue(ids.get(1).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }
}
