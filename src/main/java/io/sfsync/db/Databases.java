package io.sfsync.db;

import javax.sql.DataSource;

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

    /** Creates or upgrades sfsync's own tables. */
    public static void migrateSyncTables(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/sync").table("sfsync_schema_history")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    /** Creates the demo source schema (company, person, touchpoint). */
    public static void migrateDemoSource(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/demo").table("sfsync_demo_schema_history")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }
}
