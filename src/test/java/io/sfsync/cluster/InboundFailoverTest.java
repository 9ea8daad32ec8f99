package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.db.Databases;
import io.sfsync.emulator.SalesforceEmulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Salesforce → source on a cluster: the `sfsync serve` process polling Salesforce into the shared PostgreSQL
 * dies (kill -9) mid-run, a page half written; another instance's run takes the job over from the cursor the
 * last committed page left and finishes it. The source, counted on its own, holds every Contact and Account
 * of the org once, every one linked once, and no record is logged as created twice.
 */
class InboundFailoverTest {
    private static final int CONTACTS = 1500;
    private static final int ACCOUNTS = 40;

    @Test
    void thePollingInstanceDiesMidRunAndTheNextInstanceFinishesWithNothingLostOrDoubled(@TempDir Path dir)
            throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = emptySource(pg); // the tables, empty: everything comes from Salesforce
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(100).build().start();
            seed(sf);
            List<Process> processes = new ArrayList<>();
            try {
                Path config = pagesOf50(dir);
                String url = pg.getJdbcUrl("postgres", "inbound");
                Path logA = dir.resolve("a.log");
                Process a = ServeProcess.start(config, url, sf, logA);
                processes.add(a);
                String apiA = ServeProcess.apiUrl(logA);
                var reply = HttpClient.newHttpClient().sendAsync(ServeProcess.post(apiA + "/api/jobs/crm/run"),
                        HttpResponse.BodyHandlers.ofString());
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_log WHERE job = 'crm' AND sobject = 'Contact'") >= 600, 90);
                a.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // mid-run, mid-page
                assertThat(reply.isDone() && !reply.isCompletedExceptionally()).as("the run was still going").isFalse();
                long loggedAtKill = SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE job = 'crm' AND sobject = 'Contact'");
                assertThat(loggedAtKill).isBetween(600L, CONTACTS - 1L);

                Path logB = dir.resolve("b.log");
                Process b = ServeProcess.start(config, url, sf, logB);
                processes.add(b);
                String apiB = ServeProcess.apiUrl(logB);
                long callsBefore = sf.calls().total();
                HttpResponse<String> run = HttpClient.newHttpClient().send(ServeProcess.post(apiB + "/api/jobs/crm/run"),
                        HttpResponse.BodyHandlers.ofString());
                long callsOfB = sf.calls().total() - callsBefore;
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
                assertThat(run.body()).containsPattern("\"status\" ?: ?\"(SUCCEEDED|PARTIAL)\"");
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_run WHERE job = 'crm' AND status = 'ABORTED'"))
                        .as("the dead instance's run, closed by the run that took over").isEqualTo(1);
                // it went on from the cursor of the last page A committed: a page of 50 a call for what was left
                // (and a few calls of its own), not the 30 pages of a run from the start
                assertThat(callsOfB).as(callsOfB + " calls, " + loggedAtKill + " Contacts logged before")
                        .isLessThanOrEqualTo((CONTACTS - loggedAtKill) / 50 + 6).isLessThan(CONTACTS / 50);

                assertSourceHoldsTheOrgOnce(ds);
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                sf.stop();
            }
        }
    }

    @Test
    void aWorkerDiesHoldingAPollPageAndThePageIsAppliedOnceByAnother(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = emptySource(pg);
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(100).build().start();
            seed(sf);
            List<Process> processes = new ArrayList<>();
            try {
                Path config = pagesOf50(dir);
                String url = pg.getJdbcUrl("postgres", "inbound");
                Path logA = dir.resolve("a.log");
                Path logB = dir.resolve("b.log");
                Process a = ServeProcess.start(config, url, sf, logA);
                Process b = ServeProcess.start(config, url, sf, logB);
                processes.add(a);
                processes.add(b);
                String apiA = ServeProcess.apiUrl(logA);
                ServeProcess.apiUrl(logB);
                // the run fires on a and polls; b's workers apply pages of it
                var reply = HttpClient.newHttpClient().sendAsync(ServeProcess.post(apiA + "/api/jobs/crm/run"),
                        HttpResponse.BodyHandlers.ofString());
                String bHolder = "%(pid " + b.pid() + ",%";
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN'"
                        + " AND state = 'CLAIMED' AND claimed_by LIKE '" + bHolder + "'") > 0, 90);
                long held = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND state = 'CLAIMED'"
                        + " AND claimed_by LIKE '" + bHolder + "'");
                b.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // a worker dies holding a page
                HttpResponse<String> run = reply.get(180, TimeUnit.SECONDS);
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
                assertThat(run.body()).containsPattern("\"status\" ?: ?\"SUCCEEDED\"");
                assertThat(held).isPositive();
                // its pages were claimed again once their lease (5 s) ran out, and applied
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND claims > 1"))
                        .as("pages claimed again (b held " + held + ")").isGreaterThanOrEqualTo(held);
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_work WHERE state <> 'DONE'")).isZero();
                // every record once in the run's log, the run's counts the log's
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_log WHERE job = 'crm'"))
                        .isEqualTo(CONTACTS + ACCOUNTS).isEqualTo(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id)"
                                + " FROM sync_log WHERE job = 'crm'"));
                assertThat(ServeProcess.countSoFar(ds, "SELECT attempted FROM sync_run WHERE job = 'crm'"))
                        .isEqualTo(CONTACTS + ACCOUNTS);
                assertSourceHoldsTheOrgOnce(ds);
                // the cursors stand after the last page: a second run finds nothing
                HttpResponse<String> again = HttpClient.newHttpClient().send(ServeProcess.post(apiA + "/api/jobs/crm/run"),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(again.body()).containsPattern("\"apiCalls\" ?: ?1\\b");
                assertThat(ServeProcess.countSoFar(ds, "SELECT attempted FROM sync_run WHERE id = (SELECT MAX(id) FROM sync_run)"))
                        .isZero();
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                sf.stop();
            }
        }
    }

    /** The source's tables in a database of their own, empty: everything comes from Salesforce. */
    private static DataSource emptySource(EmbeddedPostgres pg) throws Exception {
        try (var c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
            st.execute("CREATE DATABASE inbound");
        }
        DataSource ds = pg.getDatabase("postgres", "inbound");
        Databases.migrateDemoSource(ds);
        return ds;
    }

    /** The shipped configuration with the crm job polling pages of 50, every change at once, no Bulk first load. */
    static Path pagesOf50(Path dir) throws Exception {
        Path config = SharedWorkTest.config(dir, 20);
        Path yaml = config.resolve("sync.yaml");
        String inbound = Files.readString(yaml).replace("      settleSeconds: 5 ",
                "      settleSeconds: 0\n      pageSize: 50\n      bulkFirstLoad: false ");
        assertThat(inbound).contains("pageSize: 50");
        Files.writeString(yaml, inbound);
        return config;
    }

    /** The source on its own: each record of the org once, each linked once, none logged as created twice. */
    private static void assertSourceHoldsTheOrgOnce(DataSource ds) {
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM person")).isEqualTo(CONTACTS);
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT email) FROM person")).isEqualTo(CONTACTS);
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM company")).isEqualTo(ACCOUNTS);
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM person WHERE company_id IS NULL"))
                .as("Contacts without their company").isZero();
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'crm' AND sobject = 'Contact'"))
                .isEqualTo(CONTACTS);
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'crm' AND sobject = 'Contact'"))
                .isEqualTo(CONTACTS);
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM (SELECT sf_id FROM sync_log WHERE job = 'crm' AND action = 'CREATED'"
                + " GROUP BY sf_id HAVING COUNT(*) > 1) d")).as("a record created twice").isZero();
        assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_log WHERE job = 'crm' AND sobject = 'Contact'"))
                .as("every Contact logged").isEqualTo(CONTACTS);
    }

    /** The org: Accounts, and Contacts spread over them, each with its own email. */
    private static void seed(SalesforceEmulator sf) {
        List<Map<String, Object>> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(new HashMap<>(Map.of("_ref", "a" + i, "Name", "Company " + i, "BillingCity", "Town " + i)));
        }
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            contacts.add(new HashMap<>(Map.of("FirstName", "First" + i, "LastName", "Last" + i, "Email",
                    "person" + i + "@inbound.example", "AccountId", "@a" + (i % ACCOUNTS))));
        }
        sf.seed(Map.of("Account", accounts, "Contact", contacts)); // parents first
    }

}
