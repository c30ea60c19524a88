package dev.taskq.storage;

import jakarta.resource.ResourceException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that is not there (no connection, connection lost, pool exhausted) from a statement that
 * failed. Decided on the cause chain: the JDBC connection exception types, SQLState class 08 (connection
 * exception), PostgreSQL's 57P01–57P03 (shut down / cannot connect now) and 53300 (too many connections), a refused
 * socket, or the connector's own ResourceException (how the servers' pools report that no connection could be had).
 */
final class DatabaseOutage {

    private DatabaseOutage() {
    }

    static boolean isOutage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && isOutageState(sql.getSQLState())) {
                return true;
            }
            if (cause instanceof ResourceException || cause.getClass().getName().endsWith(".PoolingException")) {
                return true;
            }
        }
        return false;
    }

    static boolean isOutageState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300"));
    }
}
