package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

/** What every sync-table repository shares: statements tried again while the database comes back. */
final class SqlSupport {
    /** How long a store operation waits for the database to come back (a restart, a failover). */
    private static final long RECONNECT_FOR_MS = 60_000;

    private final DataSource ds;

    SqlSupport(DataSource ds) {
        this.ds = ds;
    }

    /** Work against the database that may be tried again as a whole. */
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    int update(String sql, Object... params) {
        return retrying("update the sync tables", () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Runs the work; when the connection fails (the database restarts), waits with backoff and runs it
     * again — each attempt is its own transaction, so nothing is half-written — for up to a minute.
     * Any other failure is not retried.
     */
    <T> T retrying(String what, SqlWork<T> work) {
        long giveUpAt = System.currentTimeMillis() + RECONNECT_FOR_MS;
        long backoff = 250;
        while (true) {
            try {
                return work.run();
            } catch (SQLException | RuntimeException e) {
                if (!io.sfsync.db.Databases.isConnectionFailure(e) || System.currentTimeMillis() > giveUpAt) {
                    if (e instanceof SyncStore.SyncStoreException || e instanceof SyncStore.LinkConflictException) {
                        throw (RuntimeException) e;
                    }
                    if (e instanceof SQLException sql) {
                        throw new SyncStore.SyncStoreException("cannot " + what, sql);
                    }
                    throw (RuntimeException) e;
                }
                org.slf4j.LoggerFactory.getLogger(SyncStore.class).warn(
                        "The sync database connection failed ({}); trying to {} again in {} ms", e.getMessage(), what, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SyncStore.SyncStoreException("interrupted while waiting to " + what, new SQLException(ie));
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: nothing was committed
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
