package io.sfsync.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.camel.component.quartz.QuartzComponent;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz's clustered JDBC job store on the sync database when it is PostgreSQL: every instance's Quartz
 * shares the triggers in the QRTZ_ tables, so each job fires once across the cluster, and an instance
 * that stops checking in has its firings recovered by another after the check-in interval. Quartz's own
 * PostgreSQL DDL (shipped in its jar) creates the tables, through Flyway with a history table of its own.
 * H2 and single instances keep Quartz's in-memory store.
 */
public final class ClusteredQuartz {
    /** The Quartz scheduler name: the same on every instance (it is the cluster's name in the QRTZ_ tables). */
    public static final String SCHEDULER = "sfsync";
    private static final String HISTORY = "sfsync_quartz_schema_history";

    private ClusteredQuartz() {
    }

    /** Whether the sync database is PostgreSQL (the clustered store needs it). */
    public static boolean supports(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /** An instance of the cluster as Quartz's table keeps it: its id, when it last checked in, how often it does. */
    public record Instance(String id, java.time.Instant lastCheckin, long checkinIntervalMs) {
    }

    /** The instances that have checked in (those gone stay until another instance recovers their firings). */
    public static java.util.List<Instance> instances(DataSource ds) {
        java.util.List<Instance> out = new java.util.ArrayList<>();
        try (Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                // the sync database holds one cluster: sfsync's
                "SELECT instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state ORDER BY instance_name")) {
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Instance(rs.getString(1), java.time.Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the cluster's instances: " + e.getMessage(), e);
        }
        return out;
    }

    /** Creates Quartz's tables once (Quartz's tables_postgres.sql, without its DROP statements). */
    public static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).table(HISTORY).locations("classpath:db/none")
                .failOnMissingLocations(false).javaMigrations(new V1__quartz_tables())
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    /**
     * The quartz component of a clustered instance: JobStoreTX with the PostgreSQL delegate on the sync
     * database's pool, instance ids AUTO, checking in every {@code checkinMs}.
     */
    public static QuartzComponent component(DataSource ds, long checkinMs, int threads) {
        // Quartz looks its data source up by name in a JVM-wide registry: one name per pool
        String name = "sfsync-" + Integer.toHexString(System.identityHashCode(ds));
        DBConnectionManager.getInstance().addConnectionProvider(name, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return ds.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool is the runtime's: closed with it
            }

            @Override
            public void initialize() {
                // nothing to set up
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinMs));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        // the scheduler as an MBean: Hawtio's Quartz view shows the cluster's triggers and this instance's id
        p.setProperty("org.quartz.scheduler.jmx.export", "true");
        QuartzComponent quartz = new QuartzComponent();
        quartz.setPrefixInstanceName(false); // the cluster's name is the same on every instance: sfsync
        quartz.setProperties(new java.util.HashMap<>(p));
        return quartz;
    }

    /** Quartz's own PostgreSQL tables, from the DDL in its jar (Flyway reads version 1 from the class name). */
    @SuppressWarnings("checkstyle:TypeName")
    static final class V1__quartz_tables extends BaseJavaMigration {
        @Override
        public Integer getChecksum() {
            return ddl().hashCode();
        }

        @Override
        public void migrate(Context context) throws Exception {
            try (Statement st = context.getConnection().createStatement()) {
                for (String statement : ddl().split(";")) {
                    String sql = statement.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n")
                            .trim();
                    String upper = sql.toUpperCase(java.util.Locale.ROOT);
                    if (sql.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                        continue; // never drop: the tables are created once, and Flyway holds the transaction
                    }
                    st.execute(sql);
                }
            }
        }

        private static String ddl() {
            try (InputStream in = org.quartz.impl.jdbcjobstore.JobStoreSupport.class
                    .getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
                if (in == null) {
                    throw new IllegalStateException("Quartz's tables_postgres.sql is not on the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read Quartz's tables_postgres.sql: " + e.getMessage(), e);
            }
        }
    }
}
