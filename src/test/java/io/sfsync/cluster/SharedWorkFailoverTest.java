package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two `sfsync serve` processes share one run's backlog, and die: first the instance that is not running the
 * job, with a unit claimed (kill -9 mid-unit: its lease runs out, the unit is claimed again and redone), then
 * the instance running the job (kill -9 mid-run: a third instance's workers finish its units, its next run
 * takes the job over). Salesforce, counted on its own, holds every person once — the same records as one
 * instance alone makes of the same data — and every record sfsync made is linked to its row.
 */
class SharedWorkFailoverTest {
    private static final int PEOPLE = 1200;

    @Test
    void workersAndTheRunsOwnInstanceDieMidRunAndNothingIsLostOrDuplicated(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = SharedWorkTest.database(pg, "shared", PEOPLE);
            DataSource alone = SharedWorkTest.database(pg, "alone", PEOPLE);
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(150).build().start();
            SalesforceEmulator sfAlone = SalesforceEmulator.builder().build().start();
            List<Process> processes = new ArrayList<>();
            try {
                Path config = SharedWorkTest.config(dir, 20);
                try (SfsyncRuntime one = SharedWorkTest.runtime(config, pg, "alone", sfAlone, false)) {
                    one.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                }
                String url = pg.getJdbcUrl("postgres", "shared");
                Path logA = dir.resolve("a.log");
                Path logB = dir.resolve("b.log");
                Process a = ServeProcess.start(config, url, sf, logA);
                Process b = ServeProcess.start(config, url, sf, logB);
                processes.add(a);
                processes.add(b);
                String apiA = ServeProcess.apiUrl(logA);
                ServeProcess.apiUrl(logB);
                // the run fires on a; b's workers take units of it
                var reply = HttpClient.newHttpClient().sendAsync(ServeProcess.post(apiA + "/api/jobs/people/run"),
                        HttpResponse.BodyHandlers.ofString());
                String bHolder = "%(pid " + b.pid() + ",%";
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state = 'CLAIMED' AND claimed_by LIKE '"
                        + bHolder + "'") > 0 && ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state = 'DONE'") >= 3, 60);
                long claimedByB = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state = 'CLAIMED' AND claimed_by LIKE '"
                        + bHolder + "'");
                b.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // a worker dies mid-unit
                long units = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE part = 0");
                // its units are claimed again once their lease (5 s) runs out, and redone
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE claims > 1") >= claimedByB, 60);
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state = 'DONE' AND part = 0") >= units / 2, 120);
                a.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the run's own instance dies mid-run
                assertThat(reply.isDone() && !reply.isCompletedExceptionally()).as("the run was still going when a died")
                        .isFalse();
                long doneAtKill = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state = 'DONE'");
                assertThat(doneAtKill).isLessThan(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work"));
                // a third instance: its workers finish the dead run's units, then its own run takes the job over
                Path logC = dir.resolve("c.log");
                Process c = ServeProcess.start(config, url, sf, logC);
                processes.add(c);
                String apiC = ServeProcess.apiUrl(logC);
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state <> 'DONE'") == 0, 120);
                HttpResponse<String> run = HttpClient.newHttpClient().send(ServeProcess.post(apiC + "/api/jobs/people/run"),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
                assertThat(run.body()).as(run.body()).containsPattern("\"status\" ?: ?\"(SUCCEEDED|PARTIAL)\"");
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE id = 1 AND status = 'ABORTED'"))
                        .as("the dead instance's run, closed by the run that took over").isEqualTo(1);
                assertThat(ServeProcess.countSoFar(ds, "SELECT api_calls FROM sync_run WHERE id = 1"))
                        .as("the dead run's calls: at least those of its units").isGreaterThanOrEqualTo(
                                ServeProcess.countSoFar(ds, "SELECT SUM(api_calls) FROM sync_work WHERE run_id = 1"));

                // every row once per run in sync_log; every source row accounted for
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM (SELECT run_id, source_key FROM sync_log GROUP BY run_id,"
                        + " source_key HAVING COUNT(*) > 1) d")).as("a row logged twice in one run").isZero();
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT source_key) FROM sync_log WHERE job = 'people'")).isEqualTo(PEOPLE);
                // Salesforce on its own: no person or company twice, every record linked, the same as one instance
                assertThat(SharedWorkTest.duplicates(sf, "Contact", "Email")).isEmpty();
                assertThat(SharedWorkTest.duplicates(sf, "Account", "Name")).isEmpty();
                Map<String, Integer> records = SharedWorkTest.records(sf);
                assertThat(records).isEqualTo(SharedWorkTest.records(sfAlone));
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people' AND sobject = 'Contact'"))
                        .as("Contacts linked").isEqualTo((long) records.get("Contact"));
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'people'"))
                        .isEqualTo(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people'"));
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                sf.stop();
                sfAlone.stop();
            }
        }
    }






}
