package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.emulator.control.Faults;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two instances share a run while Salesforce misbehaves: lost responses after a commit, dropped connections,
 * 5xx answers, lock errors. Nothing is created twice, every row is logged once per run, and once Salesforce
 * behaves the job's next run ends with the same records as one instance makes of the same data undisturbed.
 */
class SharedWorkFaultsTest {

    @Test
    void faultsDuringASharedRunLoseNothingAndDuplicateNothing(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = SharedWorkTest.database(pg, "faults", 600);
            SharedWorkTest.database(pg, "calm", 600);
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(20).build().start();
            SalesforceEmulator calm = SalesforceEmulator.builder().build().start();
            try {
                Path config = SharedWorkTest.config(dir, 25);
                try (SfsyncRuntime one = SharedWorkTest.runtime(config, pg, "calm", calm, false)) {
                    one.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                }
                sf.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 0.15, 6, "composite$", "POST"));
                sf.faults().add(new Faults.Rule(Faults.Kind.DROP_CONNECTION, 0.1, 4, "composite$", "POST"));
                sf.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 0.1, 4, null, null));
                sf.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 0.02, 20, "composite$", "POST"));
                try (SfsyncRuntime a = SharedWorkTest.runtime(config, pg, "faults", sf, true);
                        SfsyncRuntime b = SharedWorkTest.runtime(config, pg, "faults", sf, true)) {
                    RunContext first = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM (SELECT source_key FROM sync_log WHERE run_id = "
                            + first.runId() + " GROUP BY source_key HAVING COUNT(*) > 1) d")).as("a row logged twice").isZero();
                    assertThat(SharedWorkTest.duplicates(sf, "Contact", "Email")).isEmpty();
                    assertThat(SharedWorkTest.duplicates(sf, "Account", "Name")).isEmpty();
                    sf.faults().clear();
                    // what waited (pending, stopped units) goes now; then nothing is left to do
                    for (int i = 0; i < 3; i++) {
                        a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    }
                    RunContext last = b.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(last.counts().pending()).isZero();
                }
                Map<String, Integer> records = SharedWorkTest.records(sf);
                assertThat(records).as("the same records as one undisturbed instance").isEqualTo(SharedWorkTest.records(calm));
                assertThat(SharedWorkTest.duplicates(sf, "Contact", "Email")).isEmpty();
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people'"
                        + " AND sobject = 'Contact'")).isEqualTo((long) records.get("Contact"));
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM (SELECT run_id, source_key FROM sync_log GROUP BY"
                        + " run_id, source_key HAVING COUNT(*) > 1) d")).as("a row logged twice in a run").isZero();
            } finally {
                sf.stop();
                calm.stop();
            }
        }
    }
}
