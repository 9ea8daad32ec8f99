package io.sfsync.db;

import javax.sql.DataSource;

import java.util.List;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Connection pools and schema migrations. The sync tables are migrated by Flyway from
 * classpath:db/sync (history table sfsync_schema_history), so they can live in the source
 * database without touching its own migrations.
 */
public final class Databases {
    private Databases() {
    }

    /** A pooled DataSource; the password comes from the caller (environment), never from a file. */
    public static HikariDataSource pool(String name, String url, String user, String password, int maxSize) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("sfsync-" + name);
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(maxSize);
        c.setMinimumIdle(1);
        c.setAutoCommit(true);
        return new HikariDataSource(c);
    }

    /**
     * Whether a database error means the connection went away (a restart, a failover, a pool that
     * could not reconnect in time) rather than that the statement is wrong: worth waiting and trying
     * again. SQLState class 08 is a connection exception; 57P01–57P03 are PostgreSQL shutting down or
     * starting up; 90067 is H2's broken connection.
     */
    public static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("90067")) {
                    return true;
                }
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    /** Flyway's history table of sfsync's own tables, and of the demo source schema. */
    static final String SYNC_HISTORY = "sfsync_schema_history";
    static final String DEMO_HISTORY = "sfsync_demo_schema_history";

    /**
     * Migrations whose comments were reworded after they shipped: the SQL is the same, but Flyway's
     * checksum covers the comments too. A database migrated with the old text has its checksum moved to
     * the new one — only from that exact old value — so validation still catches any other difference.
     * Each entry: history table, version, checksum of the old text, checksum of the current text.
     */
    static final List<Object[]> REWORDED = List.of(
            new Object[] {SYNC_HISTORY, "1", -1645800352, 2036908493},
            new Object[] {DEMO_HISTORY, "1", -2016961713, -564518983});

    /** Creates or upgrades sfsync's own tables. */
    public static void migrateSyncTables(DataSource ds) {
        migrate(ds, "classpath:db/sync", SYNC_HISTORY);
    }

    /** Creates the demo source schema (company, person, touchpoint). */
    public static void migrateDemoSource(DataSource ds) {
        migrate(ds, "classpath:db/demo", DEMO_HISTORY);
    }

    private static void migrate(DataSource ds, String location, String history) {
        acceptRewordedComments(ds, history);
        Flyway.configure().dataSource(ds).locations(location).table(history)
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    private static void acceptRewordedComments(DataSource ds, String history) {
        for (Object[] r : REWORDED) {
            if (!r[0].equals(history)) {
                continue;
            }
            try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                    "UPDATE \"" + history + "\" SET \"checksum\" = ? WHERE \"version\" = ? AND \"checksum\" = ?")) {
                ps.setInt(1, (Integer) r[3]);
                ps.setString(2, (String) r[1]);
                ps.setInt(3, (Integer) r[2]);
                ps.executeUpdate();
            } catch (java.sql.SQLException noHistoryYet) {
                // a database never migrated has no history table: Flyway creates it with the current checksums
            }
        }
    }
}
