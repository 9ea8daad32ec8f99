package io.sfsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The benchmark itself, small: its figures are consistent and it leaves no scratch files behind. */
class BenchmarkTest {

    @Test
    void aSmallBulkRunPrintsConsistentFiguresAndCleansUp() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = scratchDirs(tmp);
        Map<String, Object> out = new Benchmark().run(new Benchmark.Settings("bulk", 2500, 0, 0, Path.of("config"),
                Path.of("routes")));
        assertThat(out).containsKeys("records", "seconds", "records_per_s", "api_calls", "api_calls_per_1000",
                "peak_heap_mb");
        assertThat(out.get("status")).isEqualTo("SUCCEEDED");
        assertThat(out.get("records")).isEqualTo(2500);
        assertThat(out.get("outcome").toString()).startsWith("2500 created");
        long calls = ((Number) out.get("api_calls")).longValue();
        assertThat(((Number) out.get("api_calls_per_1000")).doubleValue()).isEqualTo(calls * 1000.0 / 2500);
        // one 2,500-row batch through one Bulk API job: the run's opening call, a lookup, the job's own calls
        assertThat(calls).isBetween(7L, 15L);
        // what the emulator counted is what the run reports
        assertThat(((Number) out.get("salesforce_counted_api_calls")).longValue()).isEqualTo(calls);
        assertThat(scratchDirs(tmp)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void anIdleRunCostsOneCallAndHasNoPerRecordFigures() throws Exception {
        Map<String, Object> out = new Benchmark().run(new Benchmark.Settings("idle", 300, 0, 0, Path.of("config"),
                Path.of("routes")));
        assertThat(out.get("records")).isEqualTo(0);
        assertThat(out.get("api_calls")).isEqualTo(1);
        assertThat(out.get("salesforce_counted_api_calls")).isEqualTo(1L);
        assertThat(out).containsEntry("api_calls_per_1000", null).containsEntry("records_per_s", null);
        assertThat(Benchmark.json(out)).contains("\"api_calls_per_1000\": null");
    }

    @Test
    void onPostgresTheSourceIsAThrowawayDatabaseDroppedAfterwards() throws Exception {
        try (var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
            String server = pg.getJdbcUrl("postgres", "postgres");
            Map<String, Object> out = new Benchmark().run(new Benchmark.Settings("idle", 300, 0, 0, Path.of("config"),
                    Path.of("routes"), false, server));
            assertThat(out).containsEntry("source", "PostgreSQL").containsEntry("records", 0);
            assertThat(out.get("salesforce_counted_api_calls")).isEqualTo(1L);
            try (var c = java.sql.DriverManager.getConnection(server, "postgres", "");
                    var rs = c.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_database WHERE datname LIKE 'sfsync_bench_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("benchmark databases left on the server").isZero();
            }
        }
    }

    private static List<Path> scratchDirs(Path tmp) throws Exception {
        try (var s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("sfsync-bench")).toList();
        }
    }
}
