package io.sfsync.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/**
 * Migrations whose comments were reworded after they shipped: a database migrated with the old text
 * still migrates, and any other difference is still refused by Flyway's validation. On H2 and PostgreSQL.
 */
class RewordedMigrationsTest {

    private static DataSource h2(String name) {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static int checksum(DataSource ds, String history, String version) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT \"checksum\" FROM \"" + history + "\" WHERE \"version\" = '" + version + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void setChecksum(DataSource ds, String history, String version, int value) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE \"" + history + "\" SET \"checksum\" = " + value + " WHERE \"version\" = '" + version + "'");
        }
    }

    private static void migrateBoth(DataSource ds) {
        Databases.migrateSyncTables(ds);
        Databases.migrateDemoSource(ds);
    }

    private static void check(DataSource ds) throws Exception {
        migrateBoth(ds);
        for (Object[] r : Databases.REWORDED) {
            String history = (String) r[0];
            String version = (String) r[1];
            // the listed current checksum is what the migration's text gives today
            assertThat(checksum(ds, history, version)).isEqualTo(r[3]);
            // a database migrated before the rewording migrates on, its checksum moved to the current one
            setChecksum(ds, history, version, (Integer) r[2]);
            migrateBoth(ds);
            assertThat(checksum(ds, history, version)).isEqualTo(r[3]);
            // any other difference is still caught
            setChecksum(ds, history, version, 12345);
            assertThatThrownBy(() -> migrateBoth(ds)).hasMessageContaining("checksum");
            setChecksum(ds, history, version, (Integer) r[3]);
        }
    }

    @Test
    void onH2() throws Exception {
        check(h2("reworded"));
    }

    @Test
    void onPostgres() throws Exception {
        try (var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
            check(pg.getPostgresDatabase());
        }
    }
}
