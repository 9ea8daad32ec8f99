package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.db.Databases;
import io.sfsync.demo.DemoData;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two serving sfsync instances on one PostgreSQL share one run's backlog: the run that fires on one cuts it
 * into units, both instances' workers claim them. Checked against Salesforce's side, counted independently:
 * every person exactly once, no Account twice, and the same outcome counts as one instance alone reaches
 * on a copy of the same data.
 */
class SharedWorkTest {
    private static final int PEOPLE = 900;

    @Test
    void twoInstancesShareOneRunsBacklogAndSalesforceGetsEveryPersonOnce(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource shared = database(pg, "shared");
            DataSource alone = database(pg, "alone");
            SalesforceEmulator sfShared = SalesforceEmulator.builder().latencyMs(30).build().start();
            SalesforceEmulator sfAlone = SalesforceEmulator.builder().latencyMs(30).build().start();
            try {
                Path config = config(dir);
                Map<String, Long> aloneCounts;
                try (SfsyncRuntime one = runtime(config, pg, "alone", sfAlone, false)) {
                    RunContext run = one.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    aloneCounts = actions(alone, run.runId());
                }
                assertThat(count(alone, "SELECT COUNT(*) FROM sync_work")).as("one instance, sharing off").isZero();

                try (SfsyncRuntime a = runtime(config, pg, "shared", sfShared, true);
                        SfsyncRuntime b = runtime(config, pg, "shared", sfShared, true)) {
                    RunContext run = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    long id = run.runId();
                    assertThat(run.status()).isIn("SUCCEEDED", "PARTIAL");
                    long units = count(shared, "SELECT COUNT(DISTINCT seq) FROM sync_work WHERE run_id = " + id);
                    assertThat(units).as("units of 50 rows").isGreaterThanOrEqualTo(PEOPLE / 50);
                    assertThat(count(shared, "SELECT COUNT(*) FROM sync_work WHERE run_id = " + id + " AND state <> 'DONE'"))
                            .isZero();
                    // every row exactly once in the run's log, and the run's counts are the log's
                    assertThat(count(shared, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + id)).isEqualTo(PEOPLE);
                    assertThat(count(shared, "SELECT COUNT(DISTINCT source_key) FROM sync_log WHERE run_id = " + id))
                            .isEqualTo(PEOPLE);
                    assertThat(count(shared, "SELECT attempted FROM sync_run WHERE id = " + id)).isEqualTo(PEOPLE);
                    assertThat(run.counts().attempted()).isEqualTo(PEOPLE);
                    Map<String, Long> sharedCounts = actions(shared, id);
                    assertThat(sharedCounts).as("outcomes shared vs one instance").isEqualTo(aloneCounts);
                    // both instances worked units (the run's own instance and the other one)
                    assertThat(count(shared, "SELECT COUNT(DISTINCT claimed_by) FROM sync_work WHERE run_id = " + id))
                            .as("instances that worked units").isEqualTo(2);
                    // /api/cluster (its model, as served): the units and who worked them
                    Map<String, Object> cluster = new io.sfsync.api.SyncApi(b).cluster();
                    assertThat(cluster.get("sharesWork")).isEqualTo(true);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> listed = (List<Map<String, Object>>) cluster.get("units");
                    assertThat(listed).hasSize((int) count(shared, "SELECT COUNT(*) FROM sync_work"));
                    assertThat(listed).allSatisfy(u -> assertThat(u.get("state")).isEqualTo("DONE"));
                    assertThat(listed.stream().map(u -> u.get("claimedBy")).distinct().toList())
                            .contains(a.worker(), b.worker());
                    // each instance's metrics count the rows it recorded: together, every row of the run
                    double rows = 0;
                    for (SfsyncRuntime rt : List.of(a, b)) {
                        var c = rt.meterRegistry().find("sfsync_work_rows").tag("job", "people").counter();
                        assertThat(c).as("sfsync_work_rows of an instance that worked units").isNotNull();
                        assertThat(c.count()).isPositive();
                        rows += c.count();
                    }
                    assertThat(rows).isEqualTo((double) count(shared, "SELECT SUM(rows_recorded) FROM sync_work WHERE run_id = " + id));
                    // the watermark is at the last row: a second run reads nothing
                    RunContext again = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(again.counts().attempted()).isZero();
                    // one record per link: no two rows were linked to one record by the shared run
                    assertThat(count(shared, "SELECT COUNT(*) FROM sync_link WHERE job = 'people'"))
                            .isEqualTo(count(shared, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people'"));
                    // every row touched, none changed: a shared re-read whose units skip their calls (NO_CHANGE); rows
                    // of one email in two units now match the one record, as in one instance's batches
                    try (Connection c = shared.getConnection(); Statement st = c.createStatement()) {
                        st.executeUpdate("UPDATE person SET updated_at = CURRENT_TIMESTAMP");
                        st.executeUpdate("UPDATE company SET updated_at = CURRENT_TIMESTAMP");
                    }
                    RunContext touched = b.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    long touchedUnits = count(shared, "SELECT COUNT(DISTINCT seq) FROM sync_work WHERE run_id = "
                            + touched.runId());
                    assertThat(touched.counts().attempted()).isEqualTo(PEOPLE);
                    assertThat(touched.counts().created()).isZero();
                    assertThat(touchedUnits).isGreaterThanOrEqualTo(PEOPLE / 50);
                    assertThat(touched.apiCalls()).as("calls of a re-read of " + touchedUnits + " units finding nothing new")
                            .isLessThan((int) touchedUnits / 2);
                }
                // Salesforce, counted on its own: the same records, no email twice, no account twice
                assertThat(duplicates(sfAlone, "Account", "Name")).as("one instance's accounts").isEmpty();
                assertThat(duplicates(sfShared, "Account", "Name")).as("shared run's accounts").isEmpty();
                assertThat(records(sfShared)).isEqualTo(records(sfAlone));
                assertThat(duplicates(sfShared, "Contact", "Email")).isEmpty();
                assertThat(duplicates(sfShared, "Lead", "Email")).isEmpty();
                assertThat(duplicates(sfShared, "Account", "Name")).isEmpty();
            } finally {
                sfShared.stop();
                sfAlone.stop();
            }
        }
    }

    static DataSource database(EmbeddedPostgres pg, String name) throws Exception {
        return database(pg, name, PEOPLE);
    }

    static DataSource database(EmbeddedPostgres pg, String name, int people) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        DataSource ds = pg.getDatabase("postgres", name);
        Databases.migrateDemoSource(ds);
        DemoData.generate(ds, people, 7);
        return ds;
    }

    /** The shipped configuration with people created as Contacts in batches of 50, no schedule. */
    static Path config(Path dir) throws Exception {
        return config(dir, 50);
    }

    /** The shipped configuration with people created as Contacts (accounts too) in batches of this size, no schedule. */
    static Path config(Path dir, int batchSize) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("application.properties"), Files.readString(Path.of("config/application.properties"))
                + "\ncamel.server.port = 0\nsfsync.hawtio.enabled = false\ncamel.main.jmx-enabled = false\n"
                + "sfsync.limits.watch = false\nsfsync.cluster.enabled = false\nsfsync.cluster.unit-lease-seconds = 5\n"
                + "sfsync.cluster.work-poll-ms = 100\ncamel.main.routes-reload-enabled = false\n");
        String yaml = Files.readString(Path.of("config/sync.yaml"))
                .replace("every: 10m ", "schedule: \"0 0 3 1 1 ?\" ").replace("every: 15m", "schedule: \"0 0 3 1 1 ?\"")
                .replace("    createAs: Lead\n", "    createAs: Contact\n    batchSize: " + batchSize + "\n");
        assertThat(yaml).contains("batchSize: " + batchSize);
        Files.writeString(config.resolve("sync.yaml"), yaml);
        return config;
    }

    static SfsyncRuntime runtime(Path config, EmbeddedPostgres pg, String db, SalesforceEmulator sf, boolean share) {
        return runtime(config, pg, db, sf, share, Map.of());
    }

    static SfsyncRuntime runtime(Path config, EmbeddedPostgres pg, String db, SalesforceEmulator sf, boolean share,
            Map<String, String> more) {
        Map<String, String> o = new HashMap<>();
        o.put("sfsync.source.url", pg.getJdbcUrl("postgres", db));
        o.put("sfsync.source.user", "postgres");
        o.put("sfsync.cluster.share-work", String.valueOf(share));
        o.put("env.SFSYNC_SF_LOGIN_URL", sf.loginUrl());
        o.put("env.SFSYNC_SF_CLIENT_ID", sf.credentials().clientId());
        o.put("camel.component.salesforce.clientId", sf.credentials().clientId());
        o.put("camel.component.salesforce.clientSecret", sf.credentials().clientSecret());
        o.putAll(more);
        return SfsyncRuntime.start(new SfsyncRuntime.Options(config, Path.of("routes"), false, false, true, o));
    }

    static Map<String, Long> actions(DataSource ds, long runId) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT action, COALESCE(reason, ''), COUNT(*) FROM sync_log WHERE run_id = " + runId
                        + " GROUP BY action, reason")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    /** How many records of each object the org holds. */
    static Map<String, Integer> records(SalesforceEmulator sf) {
        Map<String, Integer> out = new TreeMap<>();
        for (String o : List.of("Contact", "Lead", "Account")) {
            out.put(o, sf.org().snapshot().getOrDefault(o, List.of()).size());
        }
        return out;
    }

    /** Values of a field that more than one record of the object has. */
    static List<String> duplicates(SalesforceEmulator sf, String object, String field) {
        Map<String, Integer> seen = new HashMap<>();
        for (Map<String, Object> r : sf.org().snapshot().getOrDefault(object, List.of())) {
            Object v = r.get(field);
            if (v != null) {
                seen.merge(v.toString().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
            }
        }
        return seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    static String dump(DataSource ds, String sql) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                sb.append('\n');
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getString(i)).append(" | ");
                }
            }
        }
        return sb.toString();
    }

    static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
