package dev.taskq.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * SubmissionStore's queries through JPA (the EclipseLink that embedded Payara brings) on a real PostgreSQL, without
 * an application server: insert once, paging by cursor, search with LIKE's wildcards taken literally, erasure by
 * address, and the retention's delete of old rows of each kind.
 */
@Tag("server-independent") // no application server (JPA from embedded Payara's class path): default build only
class PostgresQueriesIT {

    static PostgresCluster postgres;
    static SubmissionStore store;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PostgresCluster.installedBin() != null || Boolean.getBoolean("taskq.test.require-postgres"),
                "PostgreSQL is not installed (apt-get install postgresql): skipped");
        postgres = PostgresCluster.start();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.jdbcUrl());
        dataSource.setUser(PostgresCluster.USER);
        dataSource.setPassword(PostgresCluster.PASSWORD);
        store = SubmissionStore.on(dataSource);
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void rowsAreStoredOncePagedSearchedErasedAndExpired() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        List<StoredSubmission> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(new StoredSubmission("id-" + i, "Zoë " + i, "p" + i + "@example.com", "100% sure_" + i,
                    now.minus(Duration.ofMinutes(i)), false));
        }
        rows.add(new StoredSubmission("old", "Old", "old@example.com", "from last year", now.minus(Duration.ofDays(400)),
                false));
        rows.add(new StoredSubmission("bot-new", "Bot", "bot@example.com", "buy", now.minus(Duration.ofDays(1)), true));
        rows.add(new StoredSubmission("bot-old", "Bot", "bot@example.com", "buy", now.minus(Duration.ofDays(8)), true));
        rows.add(new StoredSubmission("twice-1", "Ann", "Ann@Example.com", "a", now.minus(Duration.ofHours(2)), false));
        rows.add(new StoredSubmission("twice-2", "Ann", "ann@example.com", "b", now.minus(Duration.ofHours(3)), false));
        for (StoredSubmission row : rows) {
            assertTrue(store.insertIfAbsent(row), row.id());
        }
        assertFalse(store.insertIfAbsent(rows.get(0)), "a second insert finds the row");

        // Newest first, 3 per page, through the cursor.
        List<String> seen = new ArrayList<>();
        SubmissionStore.Cursor cursor = null;
        do {
            List<StoredSubmission> page = store.page(false, "sure", cursor, 3);
            page.forEach(row -> seen.add(row.id()));
            StoredSubmission last = page.isEmpty() ? null : page.get(page.size() - 1);
            cursor = page.size() < 3 ? null : new SubmissionStore.Cursor(last.receivedAt(), last.id());
        } while (cursor != null);
        assertEquals(List.of("id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6"), seen);
        assertEquals("Zoë 3", store.find("id-3").orElseThrow().name());
        // % and _ are literal: "sure%" (a wildcard would match all 7) matches nothing, "% sure_1" only id-1,
        // and the search ignores case.
        assertEquals(List.of(), store.page(false, "sure%", null, 50));
        assertEquals(List.of("id-1"), store.page(false, "% SURE_1", null, 50).stream().map(StoredSubmission::id).toList());
        assertEquals(List.of("id-4"), store.page(false, "ZOË 4", null, 50).stream().map(StoredSubmission::id).toList());
        assertEquals(List.of("bot-new", "bot-old"),
                store.page(true, null, null, 50).stream().map(StoredSubmission::id).toList());

        assertEquals(2, store.idsByEmail("ANN@example.com").size());
        assertEquals(2, store.deleteByEmail("ANN@example.com"));

        // The retention: a year for messages, a week for spam.
        assertEquals(1, store.deleteReceivedBefore(false, now.minus(Duration.ofDays(365))));
        assertEquals(1, store.deleteReceivedBefore(true, now.minus(Duration.ofDays(7))));
        assertTrue(store.find("old").isEmpty());
        assertTrue(store.find("bot-old").isEmpty());
        assertTrue(store.find("bot-new").isPresent());
        assertTrue(store.delete("id-6"));
        assertFalse(store.delete("id-6"));
    }
}
