package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A worker whose unit's lease runs out mid-batch (a stall longer than the lease) while another worker claims the
 * unit: the stale worker writes nothing more and logs nothing, the new claimer does the unit, and every row is
 * logged once in the run, every person once in Salesforce.
 */
class SharedWorkLeaseLapseTest {
    @Test
    void aStaleWorkersBatchIsNotLoggedTwice(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = SharedWorkTest.database(pg, "lapse", 400);
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(400).build().start();
            Path config = SharedWorkTest.config(dir, 50);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong stolen = new AtomicLong(-1);
            try (SfsyncRuntime a = SharedWorkTest.runtime(config, pg, "lapse", sf, true);
                    SfsyncRuntime b = SharedWorkTest.runtime(config, pg, "lapse", sf, true)) {
                Thread lapse = new Thread(() -> {
                    // once: a unit claimed and mid-batch (nothing recorded yet) is claimed by another worker, as when
                    // its worker stalled past its lease (a long pause) and a worker elsewhere took it; that other
                    // worker then stalls too, and its lease runs out in 3 s, for a live worker to take the unit again
                    while (!stop.get() && stolen.get() < 0) {
                        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                            var rs = st.executeQuery("SELECT id FROM sync_work WHERE state = 'CLAIMED' AND batches_recorded = 0"
                                    + " AND seq > 1 AND part = 0 AND claims = 1 ORDER BY id DESC LIMIT 1");
                            if (rs.next()) {
                                long id = rs.getLong(1);
                                Thread.sleep(300); // its lookup is under way
                                if (st.executeUpdate("UPDATE sync_work SET claim_token = 'taken-by-the-test', claimed_by ="
                                        + " 'a worker that stalls', claims = claims + 1, lease_until = CURRENT_TIMESTAMP"
                                        + " + INTERVAL '3 seconds' WHERE id = " + id + " AND batches_recorded = 0 AND claims = 1") == 1) {
                                    stolen.set(id);
                                }
                            }
                            Thread.sleep(20);
                        } catch (Exception e) {
                            // try again
                        }
                    }
                });
                lapse.start();
                RunContext run = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                stop.set(true);
                lapse.join();
                long id = run.runId();
                assertThat(stolen.get()).isPositive();
                assertThat(SharedWorkTest.count(ds, "SELECT claims FROM sync_work WHERE id = " + stolen.get()))
                        .as("claimed again after the stalled claim's lease ran out").isGreaterThanOrEqualTo(3);
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_work WHERE run_id = " + id
                        + " AND state <> 'DONE'")).isZero();
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + id))
                        .as("sync_log rows of the run").isEqualTo(
                                SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT source_key) FROM sync_log WHERE run_id = " + id));
                assertThat(SharedWorkTest.count(ds, "SELECT attempted FROM sync_run WHERE id = " + id)).isEqualTo(
                        SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + id));
                assertThat(run.counts().pending()).as("rows left pending by the stale worker").isZero();
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT source_key) FROM sync_log")).isEqualTo(400);
                assertThat(SharedWorkTest.duplicates(sf, "Contact", "Email")).isEmpty();
            } finally {
                stop.set(true);
                sf.stop();
            }
        }
    }
}
