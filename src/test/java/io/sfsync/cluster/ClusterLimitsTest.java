package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two instances sharing a run hold the org's limits together, as Salesforce (the emulator) counts them:
 * calls in flight, calls per second, and the run's share of the daily API budget.
 */
class ClusterLimitsTest {
    static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** The test configuration, in batches of {@code batch}, with these lines added to its salesforce section. */
    private static Path config(Path dir, int batch, String salesforce) throws Exception {
        Path config = SharedWorkTest.config(dir, batch);
        Path yaml = config.resolve("sync.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("salesforce:\n", "salesforce:\n" + salesforce));
        return config;
    }

    private static int peakInFlight(Path dir, String db, int maxConcurrentCalls) throws Exception {
        SharedWorkTest.database(pg, db, 400);
        SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(150).build().start();
        // four workers an instance: eight units could be in flight at once, so the free run overlaps well past two
        Map<String, String> workers = Map.of("sfsync.cluster.workers", "4", "sfsync.source.pool-size", "12");
        try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir.resolve(db), 20, "  maxConcurrentCalls: "
                + maxConcurrentCalls + "\n"), pg, db, sf, true, workers);
                SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve(db).resolve("config"), pg, db, sf, true, workers)) {
            RunContext run = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            assertThat(run.status()).isIn("SUCCEEDED", "PARTIAL");
            assertThat(sf.limits().refusedConcurrent()).as("calls Salesforce refused as one too many at once").isZero();
            return sf.limits().peakInFlight();
        } finally {
            sf.stop();
        }
    }

    @Test
    void callsInFlightStayWithinMaxConcurrentCallsAcrossInstances(@TempDir Path dir) throws Exception {
        assertThat(peakInFlight(dir, "inflight_free", 25)).as("without a tight limit the units overlap").isGreaterThan(2);
        assertThat(peakInFlight(dir, "inflight_two", 2)).as("two at most across both instances").isLessThanOrEqualTo(2);
    }

    @Test
    void callsPerSecondHoldForTheCluster(@TempDir Path dir) throws Exception {
        SharedWorkTest.database(pg, "persecond", 300);
        SalesforceEmulator sf = SalesforceEmulator.builder().build().start();
        try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir, 10, "  maxCallsPerSecond: 5\n"), pg, "persecond", sf, true);
                SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "persecond", sf, true)) {
            long before = sf.calls().total();
            long start = System.nanoTime();
            RunContext run = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            long calls = sf.calls().total() - before;
            assertThat(run.status()).isIn("SUCCEEDED", "PARTIAL");
            assertThat(calls).as("enough calls to be held back").isGreaterThan(30);
            // at 5 a second for the two instances together (each alone would go at 5 a second of its own): the calls
            // span at least calls / 5 seconds of the clock, the first and the last of them maybe only just touched
            assertThat(seconds).as(calls + " calls in " + seconds + " s").isGreaterThan(calls / 5.0 - 2);
        } finally {
            sf.stop();
        }
    }

    @Test
    void theRunsShareOfTheDailyBudgetHoldsAcrossItsUnitsAndNothingIsLost(@TempDir Path dir) throws Exception {
        DataSource ds = SharedWorkTest.database(pg, "budget", 600);
        SalesforceEmulator sf = SalesforceEmulator.builder().dailyApiLimit(60).build().start();
        try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir, 20, ""), pg, "budget", sf, true);
                SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "budget", sf, true)) {
            long remaining = sf.limits().remaining();
            long before = sf.calls().total();
            RunContext run = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            long calls = sf.calls().total() - before;
            assertThat(run.status()).as(run.stopReason()).isEqualTo("PAUSED");
            // the run's share: half of what the org had left when it started, counted by Salesforce
            assertThat(calls).as("calls of the run, " + remaining + " remaining at its start").isLessThanOrEqualTo(remaining / 2);
            assertThat(run.apiCalls()).isEqualTo((int) calls);
            long logged = SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + run.runId());
            assertThat(logged).as("rows the paused run got to").isBetween(1L, 599L);
            // the next day (a bigger allowance): the rest, and every row once in Salesforce
            sf.limits().set(100_000L, 0L, null);
            RunContext rest = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            assertThat(rest.status()).isIn("SUCCEEDED", "PARTIAL");
            assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT source_key) FROM sync_log")).isEqualTo(600);
            assertThat(SharedWorkTest.duplicates(sf, "Contact", "Email")).isEmpty();
            assertThat(SharedWorkTest.duplicates(sf, "Account", "Name")).isEmpty();
        } finally {
            sf.stop();
        }
    }
}
