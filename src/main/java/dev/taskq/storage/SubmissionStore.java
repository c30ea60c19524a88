package dev.taskq.storage;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The kept submissions, through JPA on the container's DataSource named by {@code TASKQ_DATASOURCE}.
 *
 * <p>Why an application-created EntityManagerFactory: a persistence.xml cannot read MicroProfile Config, so the unit
 * names no data source; the DataSource looked up here is handed to {@link Persistence#createEntityManagerFactory}
 * as {@code jakarta.persistence.nonJtaDataSource} (JPA's standard property, read by EclipseLink on Payara and
 * Hibernate on WildFly alike). Transactions are resource-local: one row per statement needs no JTA. The factory and
 * the schema are made on first use, so a deployment succeeds while the database is down.
 */
@ApplicationScoped
public class SubmissionStore {

    static final String UNIT = "taskq";

    @Inject
    StorageSettings settings;

    private DataSource dataSource;
    private volatile EntityManagerFactory factory;

    @PostConstruct
    void lookUp() {
        try {
            dataSource = (DataSource) new InitialContext().lookup(settings.dataSource());
        } catch (NamingException | ClassCastException e) {
            throw new IllegalStateException("taskq.datasource (TASKQ_DATASOURCE): no DataSource at JNDI name '"
                    + settings.dataSource() + "'", e);
        }
    }

    /** A store on this DataSource, outside the container (for tests of the queries against a real database). */
    static SubmissionStore on(DataSource dataSource) {
        SubmissionStore store = new SubmissionStore();
        store.dataSource = dataSource;
        return store;
    }

    @PreDestroy
    void close() {
        if (factory != null) {
            factory.close();
        }
    }

    /** A short query through the DataSource: returns normally when the database answers. */
    public void probe() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(5);
            statement.execute("SELECT 1");
        }
    }

    /** Stores the submission unless a row with its id is there already; true if this call stored it. */
    public boolean insertIfAbsent(StoredSubmission submission) {
        if (inTransaction(em -> em.find(StoredSubmission.class, submission.id())) != null) {
            return false;
        }
        try {
            inTransaction(em -> {
                em.persist(submission);
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            // A duplicate key: another consumer stored the same submission meanwhile (a redelivery). Anything else
            // goes up.
            if (find(submission.id()).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    public Optional<StoredSubmission> find(String id) {
        return Optional.ofNullable(inTransaction(em -> em.find(StoredSubmission.class, id)));
    }

    /**
     * Newest first, after {@code after} (exclusive) when given, of the kind asked for ({@code spam}), matching
     * {@code search} in name, address or message (case-insensitive) when given.
     */
    public List<StoredSubmission> page(boolean spam, String search, Cursor after, int limit) {
        StringBuilder jpql = new StringBuilder("SELECT s FROM StoredSubmission s WHERE s.kind = :kind");
        if (search != null) {
            jpql.append(" AND (LOWER(s.name) LIKE :q ESCAPE '!' OR LOWER(s.email) LIKE :q ESCAPE '!'"
                    + " OR LOWER(s.message) LIKE :q ESCAPE '!')");
        }
        if (after != null) {
            jpql.append(" AND (s.receivedAt < :at OR (s.receivedAt = :at AND s.id < :id))");
        }
        jpql.append(" ORDER BY s.receivedAt DESC, s.id DESC");
        return inTransaction(em -> {
            TypedQuery<StoredSubmission> query = em.createQuery(jpql.toString(), StoredSubmission.class)
                    .setParameter("kind", StoredSubmission.kind(spam))
                    .setMaxResults(limit);
            if (search != null) {
                query.setParameter("q", "%" + likeEscaped(search.toLowerCase(Locale.ROOT)) + "%");
            }
            if (after != null) {
                query.setParameter("at", StoredSubmission.utc(after.receivedAt())).setParameter("id", after.id());
            }
            return query.getResultList();
        });
    }

    /** Deletes one row; false when there was none. */
    public boolean delete(String id) {
        return inTransaction(em -> em.createQuery("DELETE FROM StoredSubmission s WHERE s.id = :id")
                .setParameter("id", id).executeUpdate()) > 0;
    }

    /** The ids of every row with this address (case-insensitive). */
    public List<String> idsByEmail(String email) {
        return inTransaction(em -> em.createQuery(
                        "SELECT s.id FROM StoredSubmission s WHERE LOWER(s.email) = :email", String.class)
                .setParameter("email", email.toLowerCase(Locale.ROOT)).getResultList());
    }

    /** Deletes every row with this address (case-insensitive); returns how many. */
    public int deleteByEmail(String email) {
        return inTransaction(em -> em.createQuery("DELETE FROM StoredSubmission s WHERE LOWER(s.email) = :email")
                .setParameter("email", email.toLowerCase(Locale.ROOT)).executeUpdate());
    }

    /** Deletes the rows of one kind received before {@code cutoff}; returns how many. */
    public int deleteReceivedBefore(boolean spam, Instant cutoff) {
        LocalDateTime before = StoredSubmission.utc(cutoff);
        return inTransaction(em -> em.createQuery(
                        "DELETE FROM StoredSubmission s WHERE s.kind = :kind AND s.receivedAt < :before")
                .setParameter("kind", StoredSubmission.kind(spam)).setParameter("before", before).executeUpdate());
    }

    /** Runs {@code work} in a transaction of its own; an unreachable database becomes a {@link DatabaseUnavailableException}. */
    private <T> T inTransaction(Function<EntityManager, T> work) {
        try {
            return inTransactionAsIs(work);
        } catch (RuntimeException e) {
            if (DatabaseOutage.isOutage(e)) {
                throw new DatabaseUnavailableException("database unreachable", e);
            }
            throw e;
        }
    }

    private <T> T inTransactionAsIs(Function<EntityManager, T> work) {
        EntityManager em = factory().createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            try {
                if (tx.isActive()) {
                    tx.rollback();
                }
            } catch (RuntimeException e) {
                // The connection is gone; the original error (if any) says why.
            }
            em.close();
        }
    }

    /** The factory, made (and the schema brought up to date) on first use; a failure is retried on the next use. */
    private EntityManagerFactory factory() {
        EntityManagerFactory made = factory;
        if (made != null) {
            return made;
        }
        synchronized (this) {
            if (factory == null) {
                try {
                    SchemaMigrations.apply(dataSource);
                } catch (SQLException e) {
                    if (DatabaseOutage.isOutage(e)) {
                        throw new DatabaseUnavailableException("database unreachable", e);
                    }
                    throw new IllegalStateException("Could not bring the database schema up to date", e);
                }
                factory = Persistence.createEntityManagerFactory(UNIT, Map.of(
                        "jakarta.persistence.nonJtaDataSource", dataSource,
                        "jakarta.persistence.transactionType", "RESOURCE_LOCAL"));
            }
            return factory;
        }
    }

    /** LIKE's wildcards in a search are taken literally ('!' is the escape character). */
    static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** Where a page ended: the last row's time and id; opaque to clients (base64url of "epochMillis:id"). */
    public record Cursor(Instant receivedAt, String id) {

        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((receivedAt.toEpochMilli() + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException when the text is not a cursor this class made */
        public static Cursor decode(String text) {
            String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 1 || colon == decoded.length() - 1 || decoded.length() > 80) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(decoded.substring(0, colon))),
                    decoded.substring(colon + 1));
        }
    }
}
