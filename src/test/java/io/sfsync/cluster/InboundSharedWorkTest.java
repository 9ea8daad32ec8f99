package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.db.Databases;
import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.sync.RunContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Salesforce → source on two instances sharing one PostgreSQL: the run that fires on one polls, and both
 * instances' workers apply its poll pages. The same org and source given to one instance alone must end
 * the same: the same outcomes per action and reason, the same rows, links and calls, through a first load
 * (rows found by email, Contacts in pages after their Accounts') and a second run of edits, moves to
 * another Account, deletes, Lead conversions (the Lead and its Contact in different pages) and merges.
 * Counted on the source's side on its own: every record of the org once, every row linked once.
 */
class InboundSharedWorkTest {
    private static final int ACCOUNTS = 30;
    private static final int CONTACTS = 700;
    private static final int LEADS = 300;
    /** Source rows that exist before the first run; Contacts c0 … c39 find theirs by email. */
    private static final int EXISTING = 40;

    @Test
    void twoInstancesApplyOneInboundRunsPagesAndEndAsOneInstanceAlone(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource shared = database(pg, "shared");
            DataSource alone = database(pg, "alone");
            SalesforceEmulator sfShared = SalesforceEmulator.builder().latencyMs(20).build().start();
            SalesforceEmulator sfAlone = SalesforceEmulator.builder().latencyMs(20).build().start();
            try {
                Map<String, String> idsShared = seed(sfShared);
                Map<String, String> idsAlone = seed(sfAlone);
                Path config = config(dir);

                RunContext a1;
                RunContext a2;
                long aloneCalls1;
                long aloneCalls2;
                Map<String, Long> aloneSource1;
                Map<String, Long> aloneSource2;
                try (SfsyncRuntime one = SharedWorkTest.runtime(config, pg, "alone", sfAlone, false)) {
                    long before = sfAlone.calls().total();
                    a1 = one.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                    aloneCalls1 = sfAlone.calls().total() - before;
                    aloneSource1 = source(alone);
                    change(sfAlone, idsAlone);
                    before = sfAlone.calls().total();
                    a2 = one.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                    aloneCalls2 = sfAlone.calls().total() - before;
                    aloneSource2 = source(alone);
                }
                assertThat(SharedWorkTest.count(alone, "SELECT COUNT(*) FROM sync_work")).as("one instance, sharing off").isZero();
                assertThat(a1.status()).isEqualTo("SUCCEEDED");

                try (SfsyncRuntime a = SharedWorkTest.runtime(config, pg, "shared", sfShared, true);
                        SfsyncRuntime b = SharedWorkTest.runtime(config, pg, "shared", sfShared, true)) {
                    long before = sfShared.calls().total();
                    RunContext s1 = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                    long sharedCalls1 = sfShared.calls().total() - before;
                    assertThat(s1.status()).isEqualTo("SUCCEEDED");
                    long pages = SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND run_id = "
                            + s1.runId());
                    assertThat(pages).as("poll pages of 50 handed to the cluster").isGreaterThanOrEqualTo(CONTACTS / 50);
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE state <> 'DONE'")).isZero();
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(DISTINCT claimed_by) FROM sync_work WHERE run_id = "
                            + s1.runId())).as("instances that applied pages").isEqualTo(2);
                    assertThat(SharedWorkTest.actions(shared, s1.runId())).as("first load: outcomes shared vs alone")
                            .isEqualTo(SharedWorkTest.actions(alone, a1.runId()));
                    assertThat(s1.counts()).isEqualTo(a1.counts());
                    assertThat(sharedCalls1).as(sfShared.calls().snapshot() + " calls of the first load, shared vs alone (" + aloneCalls1 + ")")
                            .isEqualTo(aloneCalls1);
                    assertThat(s1.apiCalls()).isEqualTo(a1.apiCalls());
                    assertThat(source(shared)).as("the source after the first load, shared vs alone").isEqualTo(aloneSource1);

                    change(sfShared, idsShared);
                    before = sfShared.calls().total();
                    RunContext s2 = b.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                    long sharedCalls2 = sfShared.calls().total() - before;
                    assertThat(s2.status()).isEqualTo(a2.status());
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND run_id = "
                            + s2.runId())).as("the second run's pages").isGreaterThan(1);
                    assertThat(SharedWorkTest.actions(shared, s2.runId())).as("changes: outcomes shared vs alone")
                            .isEqualTo(SharedWorkTest.actions(alone, a2.runId()));
                    assertThat(sharedCalls2).as("calls of the second run, shared vs alone (" + aloneCalls2 + ")")
                            .isEqualTo(aloneCalls2);
                    assertThat(source(shared)).as("the source after the changes, shared vs alone").isEqualTo(aloneSource2);

                    // the cursors stand after the last page: the next run finds nothing
                    RunContext s3 = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(s3.counts().attempted()).isZero();
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE run_id = " + s3.runId()))
                            .as("a poll that finds one page or less is not shared").isZero();
                }
                // the source on its own against Salesforce's own count: every live record has one row, linked once
                int contacts = live(sfShared, "Contact").size();
                int leads = (int) live(sfShared, "Lead").stream().filter(l -> !Boolean.TRUE.equals(l.get("IsConverted"))).count();
                assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_link WHERE job = 'crm'"))
                        .isEqualTo(contacts + leads);
                assertThat(SharedWorkTest.count(shared, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'crm'"))
                        .isEqualTo(contacts + leads);
                assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM person p WHERE NOT sf_deleted AND NOT EXISTS"
                        + " (SELECT 1 FROM sync_link l WHERE l.job = 'crm' AND l.source_key = CAST(p.id AS VARCHAR))"))
                        .as("rows without a link, neither deleted in Salesforce nor a merge's loser")
                        .isEqualTo(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_log WHERE job = 'crm' AND action"
                                + " = 'UNLINKED' AND reason = 'MERGED'")).isEqualTo(5);
                assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM (SELECT sf_id FROM sync_log WHERE job = 'crm'"
                        + " AND action = 'CREATED' GROUP BY sf_id HAVING COUNT(*) > 1) d")).as("a record created twice").isZero();
                assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM company"))
                        .isEqualTo(live(sfShared, "Account").size());
            } finally {
                sfShared.stop();
                sfAlone.stop();
            }
        }
    }

    @Test
    void aTwoWayJobSharesItsPollPagesAndItsOutboundBacklogAndEndsAsOneInstanceAlone(@TempDir Path dir) throws Exception {
        int people = 600;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource shared = SharedWorkTest.database(pg, "shared", people);
            DataSource alone = SharedWorkTest.database(pg, "alone", people);
            SalesforceEmulator sfShared = SalesforceEmulator.builder().latencyMs(20).build().start();
            SalesforceEmulator sfAlone = SalesforceEmulator.builder().latencyMs(20).build().start();
            try {
                Path config = twoWayConfig(dir);
                Map<String, Long> aloneFirst;
                Map<String, Long> aloneSecond;
                long aloneCalls;
                try (SfsyncRuntime one = SharedWorkTest.runtime(config, pg, "alone", sfAlone, false)) {
                    RunContext first = one.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    aloneFirst = SharedWorkTest.actions(alone, first.runId());
                    editContacts(sfAlone);
                    long before = sfAlone.calls().total();
                    RunContext second = one.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    aloneCalls = sfAlone.calls().total() - before;
                    aloneSecond = SharedWorkTest.actions(alone, second.runId());
                }
                assertThat(aloneSecond).as("the second run took Salesforce's edits in").containsKey("UPDATED/");
                try (SfsyncRuntime a = SharedWorkTest.runtime(config, pg, "shared", sfShared, true);
                        SfsyncRuntime b = SharedWorkTest.runtime(config, pg, "shared", sfShared, true)) {
                    RunContext first = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(DISTINCT seq) FROM sync_work WHERE kind = 'OUT'"
                            + " AND run_id = " + first.runId())).as("the outbound half's units").isGreaterThan(1);
                    assertThat(SharedWorkTest.actions(shared, first.runId())).isEqualTo(aloneFirst);

                    editContacts(sfShared);
                    long before = sfShared.calls().total();
                    RunContext second = b.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    long sharedCalls = sfShared.calls().total() - before;
                    assertThat(second.status()).isEqualTo("SUCCEEDED");
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND run_id = "
                            + second.runId())).as("the inbound half's pages").isGreaterThan(1);
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM sync_work WHERE run_id = " + second.runId()
                            + " AND state <> 'DONE'")).isZero();
                    // Salesforce's edits came in; the rows they changed were not sent back (their echo is known)
                    assertThat(SharedWorkTest.actions(shared, second.runId())).isEqualTo(aloneSecond);
                    assertThat(sharedCalls).as("calls of the two-way run, shared vs alone (" + aloneCalls + ")")
                            .isLessThanOrEqualTo(aloneCalls);
                    assertThat(SharedWorkTest.count(shared, "SELECT COUNT(*) FROM person WHERE title LIKE 'From Salesforce %'"))
                            .isEqualTo(SharedWorkTest.count(alone, "SELECT COUNT(*) FROM person WHERE title LIKE 'From Salesforce %'"))
                            .isPositive();
                    RunContext third = a.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                    assertThat(third.counts().attempted()).as("nothing left either way").isZero();
                }
                assertThat(SharedWorkTest.records(sfShared)).isEqualTo(SharedWorkTest.records(sfAlone));
                assertThat(SharedWorkTest.duplicates(sfShared, "Contact", "Email")).isEmpty();
                assertThat(SharedWorkTest.duplicates(sfShared, "Account", "Name")).isEmpty();
            } finally {
                sfShared.stop();
                sfAlone.stop();
            }
        }
    }

    @Test
    void theRunsShareOfTheDailyBudgetHoldsForItsPagesAcrossInstancesAndTheNextRunGoesOn(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = database(pg, "budget");
            SalesforceEmulator sf = SalesforceEmulator.builder().dailyApiLimit(16).build().start();
            try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir), pg, "budget", sf, true);
                    SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "budget", sf, true)) {
                seed(sf);
                long remaining = sf.limits().remaining();
                long before = sf.calls().total();
                RunContext run = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                long calls = sf.calls().total() - before;
                assertThat(run.status()).as(run.stopReason()).isEqualTo("PAUSED");
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_work WHERE kind = 'IN' AND run_id = "
                        + run.runId())).as("pages handed to the cluster").isGreaterThan(1);
                // the run's share: half of what the org had left when it started, counted by Salesforce
                assertThat(calls).as("calls of the run, " + remaining + " remaining at its start").isLessThanOrEqualTo(remaining / 2);
                assertThat(run.apiCalls()).isEqualTo((int) calls);
                long logged = SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + run.runId());
                assertThat(logged).as("records the paused run got to").isBetween(1L, (long) ACCOUNTS + CONTACTS + LEADS - 1);
                assertThat(run.counts().attempted()).isEqualTo((int) logged);
                // the next day: the rest from where the finished pages left the cursors, every record once
                sf.limits().set(100_000L, 0L, null);
                RunContext rest = b.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(rest.status()).isEqualTo("SUCCEEDED");
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_log WHERE job = 'crm'"))
                        .isEqualTo(ACCOUNTS + CONTACTS + LEADS);
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM (SELECT sf_id FROM sync_log WHERE job = 'crm'"
                        + " AND action = 'CREATED' GROUP BY sf_id HAVING COUNT(*) > 1) d")).as("a record created twice").isZero();
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'crm'"))
                        .isEqualTo(CONTACTS + LEADS);
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM company")).isEqualTo(ACCOUNTS);
            } finally {
                sf.stop();
            }
        }
    }

    @Test
    void aPageClaimedAgainAfterAPartOfItWasRecordedIsFinishedWithEveryRecordOnce(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = database(pg, "reclaim");
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(20).build().start();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong(-1);
            try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir), pg, "reclaim", sf, true);
                    SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "reclaim", sf, true)) {
                Map<String, String> ids = seed(sf);
                // Contact c120's Id is held (as by a unit that never ends) in the first run: its page records its
                // other records and keeps c120 waiting
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO sync_work_key (run_id, match_key, unit_id) VALUES (1, 'i:" + ids.get("c120")
                            + "', -1)");
                }
                Thread lapse = new Thread(() -> {
                    // then as a worker's kill -9 leaves that page: a part recorded, the rest waiting, the lease lapsed
                    while (!stop.get() && taken.get() < 0) {
                        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                            var rs = st.executeQuery("SELECT id FROM sync_work WHERE kind = 'IN' AND state = 'CLAIMED'"
                                    + " AND batches_recorded >= 1 ORDER BY id LIMIT 1");
                            if (rs.next()) {
                                long id = rs.getLong(1);
                                if (st.executeUpdate("UPDATE sync_work SET claim_token = 'dead', claimed_by = 'a dead worker',"
                                        + " lease_until = CURRENT_TIMESTAMP - INTERVAL '1 seconds' WHERE id = " + id
                                        + " AND state = 'CLAIMED'") == 1) {
                                    taken.set(id);
                                    st.executeUpdate("DELETE FROM sync_work_key WHERE unit_id = -1");
                                }
                            }
                            Thread.sleep(5);
                        } catch (Exception e) {
                            // try again
                        }
                    }
                });
                lapse.start();
                RunContext run = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(run.runId()).isEqualTo(1);
                stop.set(true);
                lapse.join();
                assertThat(taken.get()).as("a page with a part recorded was taken from its worker").isPositive();
                assertThat(run.status()).as(run.stopReason()).isEqualTo("SUCCEEDED");
                assertThat(SharedWorkTest.count(ds, "SELECT claims FROM sync_work WHERE id = " + taken.get())).isGreaterThanOrEqualTo(2);
                long all = ACCOUNTS + CONTACTS + LEADS;
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + run.runId())).isEqualTo(all);
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_log WHERE run_id = " + run.runId()))
                        .isEqualTo(all);
                assertThat(run.counts().attempted()).isEqualTo((int) all);
                RunContext next = b.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(next.counts().attempted()).as("the cursors stand after the last page").isZero();
            } finally {
                stop.set(true);
                sf.stop();
            }
        }
    }

    @Test
    void aPollThatFailsMidRunKeepsTheCountsOfThePagesAppliedAndTheNextRunGoesOn(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = database(pg, "pollfails");
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(20).build().start();
            try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir), pg, "pollfails", sf, true);
                    SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "pollfails", sf, true)) {
                seed(sf);
                // every Composite call after the sixth fails: the poll, once a few pages are out
                sf.faults().add(new io.sfsync.emulator.control.Faults.Rule(io.sfsync.emulator.control.Faults.Kind.SERVER_ERROR,
                        1.0, -1, "composite", null, 6));
                RunContext run = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(run.status()).isEqualTo("FAILED");
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_work WHERE state IN ('OPEN', 'CLAIMED')"))
                        .as("pages nobody works").isZero();
                long logged = SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_log WHERE run_id = " + run.runId());
                assertThat(logged).as("records of the pages applied").isPositive();
                assertThat(SharedWorkTest.count(ds, "SELECT attempted FROM sync_run WHERE id = " + run.runId())).isEqualTo(logged);
                assertThat(run.counts().attempted()).isEqualTo((int) logged);
                sf.faults().clear();
                RunContext next = b.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(next.status()).isEqualTo("SUCCEEDED");
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_log WHERE job = 'crm'"))
                        .isEqualTo(ACCOUNTS + CONTACTS + LEADS);
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM (SELECT sf_id FROM sync_log WHERE job = 'crm'"
                        + " AND action = 'CREATED' GROUP BY sf_id HAVING COUNT(*) > 1) d")).as("a record created twice").isZero();
                assertThat(SharedWorkTest.count(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'crm'")).isEqualTo(CONTACTS + LEADS);
            } finally {
                sf.stop();
            }
        }
    }

    @Test
    void theShareHoldsWhenPagesReadAccountsById(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = database(pg, "lookups");
            SalesforceEmulator sf = SalesforceEmulator.builder().latencyMs(5).dailyApiLimit(80).build().start();
            try (SfsyncRuntime a = SharedWorkTest.runtime(config(dir), pg, "lookups", sf, true);
                    SfsyncRuntime b = SharedWorkTest.runtime(dir.resolve("config"), pg, "lookups", sf, true)) {
                // each Contact at an Account polled many pages later: pages read Accounts by Id
                List<Map<String, Object>> accounts = new ArrayList<>();
                List<Map<String, Object>> contacts = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    accounts.add(new HashMap<>(Map.of("_ref", "a" + i, "Name", "Company " + i)));
                    contacts.add(new HashMap<>(Map.of("LastName", "Last" + i, "Email", "c" + i + "@lookups.example",
                            "AccountId", "@a" + (1999 - i))));
                }
                sf.seed(Map.of("Account", accounts, "Contact", contacts));
                long remaining = sf.limits().remaining();
                long before = sf.calls().total();
                RunContext run = a.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
                long calls = sf.calls().total() - before;
                assertThat(calls).as("calls of the run (" + run.status() + "), " + remaining + " remaining at its start")
                        .isLessThanOrEqualTo(remaining / 2);
                assertThat(run.apiCalls()).isEqualTo((int) calls);
                assertThat(SharedWorkTest.count(ds, "SELECT api_calls FROM sync_run WHERE id = " + run.runId())).isEqualTo(calls);
            } finally {
                sf.stop();
            }
        }
    }

    /** The shipped people job made two-way: Contacts polled back (pages of 50), their columns both ways. */
    private static Path twoWayConfig(Path dir) throws Exception {
        Path config = SharedWorkTest.config(dir, 50);
        Path yaml = config.resolve("sync.yaml");
        String s = Files.readString(yaml);
        String people = "    direction: outbound\n    # the query leaves out";
        assertThat(s).containsPattern(people);
        s = s.replaceFirst(people, "    direction: both\n    inbound:\n      settleSeconds: 0\n      pageSize: 50\n"
                + "      bulkFirstLoad: false\n      objects:\n"
                + "        Contact: {table: person, key: id, changedAt: updated_at, newRows: skip}\n    # the query leaves out")
                .replace("Sfsync_Person_Id__c: {from: id}", "Sfsync_Person_Id__c: {from: id, direction: to_salesforce}");
        // Leads and Accounts are not polled back: the people job's fields of theirs only go out
        int crm = s.indexOf("\n  crm:");
        assertThat(crm).isPositive();
        StringBuilder out = new StringBuilder();
        String block = null;
        for (String line : s.substring(0, crm).split("\n", -1)) {
            if (line.matches("      (Lead|Contact|Account):\\s*")) {
                block = line.trim();
            } else if (!line.startsWith("        ")) {
                block = null;
            }
            if (block != null && !block.startsWith("Contact") && line.matches("        \\w+:\\s+\\{.*\\}\\s*(#.*)?")
                    && !line.contains("direction:")) {
                line = line.replaceFirst("\\}(\\s*(#.*)?)$", ", direction: to_salesforce}$1");
            }
            out.append(line).append('\n');
        }
        Files.writeString(yaml, out.substring(0, out.length() - 1) + s.substring(crm));
        return config;
    }

    /** Every third Contact's Title edited in Salesforce, by a user. */
    private static void editContacts(SalesforceEmulator sf) {
        List<Map<String, Object>> contacts = live(sf, "Contact");
        for (int i = 0; i < contacts.size(); i += 3) {
            edit(sf, "Contact", (String) contacts.get(i).get("Id"), Map.of("Title", "From Salesforce " + i));
        }
    }

    /** The records of an object in the org, not deleted (the recycle bin's left out). */
    private static List<Map<String, Object>> live(SalesforceEmulator sf, String object) {
        return sf.org().snapshot().getOrDefault(object, List.of()).stream()
                .filter(r -> !Boolean.TRUE.equals(r.get("IsDeleted"))).toList();
    }

    /** The rows, companies, links and conflicts of a database, counted (keys from sequences alike in both). */
    private static Map<String, Long> source(DataSource ds) throws Exception {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String sql : List.of("SELECT COUNT(*) FROM person", "SELECT COUNT(DISTINCT email) FROM person",
                "SELECT COUNT(*) FROM company", "SELECT COUNT(*) FROM person WHERE company_id IS NULL",
                "SELECT COUNT(*) FROM person WHERE sf_deleted", "SELECT COUNT(*) FROM person WHERE title = 'Changed twice'",
                "SELECT COUNT(*) FROM person WHERE title = 'Edited'", "SELECT COUNT(*) FROM person WHERE address_incomplete",
                "SELECT COUNT(*) FROM sync_link WHERE job = 'crm'", "SELECT COUNT(*) FROM sync_record_link WHERE job = 'crm'",
                "SELECT COUNT(*) FROM sync_link WHERE job = 'crm' AND sobject = 'Contact'",
                "SELECT COUNT(*) FROM sync_conflict WHERE job = 'crm'",
                "SELECT COALESCE(SUM(CAST(id AS BIGINT) * 7 + COALESCE(company_id, 0)), 0) FROM person")) {
            out.put(sql, SharedWorkTest.count(ds, sql));
        }
        return out;
    }

    private static DataSource database(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        DataSource ds = pg.getDatabase("postgres", name);
        Databases.migrateDemoSource(ds);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < EXISTING; i++) {
                st.executeUpdate("INSERT INTO person (id, first_name, last_name, email, updated_at) VALUES (" + (i + 1)
                        + ", 'First" + i + "', 'Last" + i + "', 'contact" + i + "@shared.example', CURRENT_TIMESTAMP)");
            }
        }
        return ds;
    }

    /** The shipped crm job polling pages of 50, every change at once, no Bulk first load. */
    private static Path config(Path dir) throws Exception {
        return InboundFailoverTest.pagesOf50(dir);
    }

    /** Accounts; Contacts spread over them (every fifth without one); Leads, ten of them sharing a Contact's email. */
    private static Map<String, String> seed(SalesforceEmulator sf) {
        List<Map<String, Object>> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(new HashMap<>(Map.of("_ref", "a" + i, "Name", "Company " + i, "BillingCity", "Town " + i,
                    "BillingStreet", i + " Main St", "BillingState", "CA", "BillingPostalCode", "9400" + (i % 10))));
        }
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            Map<String, Object> c = new HashMap<>(Map.of("_ref", "c" + i, "FirstName", "First" + i, "LastName", "Last" + i,
                    "Email", "contact" + i + "@shared.example"));
            if (i % 5 != 0) {
                c.put("AccountId", "@a" + (i % ACCOUNTS));
            }
            contacts.add(c);
        }
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            // leads 0-9 share the email of a Contact polled pages later: one row each, in poll order
            String email = i < 10 ? "contact" + (600 + i) + "@shared.example" : "lead" + i + "@shared.example";
            leads.add(new HashMap<>(Map.of("_ref", "l" + i, "LastName", "Lead" + i, "Company", "Lead Co " + i,
                    "Email", email)));
        }
        return sf.seed(Map.of("Account", accounts, "Contact", contacts, "Lead", leads));
    }

    /** The same changes to an org: edits, moves, deletes, conversions, merges, records changed twice. */
    private static void change(SalesforceEmulator sf, Map<String, String> ids) {
        for (int i = 100; i < 250; i++) {
            edit(sf, "Contact", ids.get("c" + i), Map.of("Title", "Changed"));
        }
        for (int i = 250; i < 280; i++) {
            edit(sf, "Contact", ids.get("c" + i), Map.of("AccountId", ids.get("a" + ((i + 7) % ACCOUNTS))));
        }
        for (int i = 300; i < 320; i++) {
            delete(sf, "Contact", ids.get("c" + i));
        }
        for (int i = 20; i < 30; i++) {
            sf.convertLead(ids.get("l" + i), null, null);
        }
        for (int i = 400; i < 410; i += 2) {
            sf.merge("Contact", ids.get("c" + i), List.of(ids.get("c" + (i + 1))));
        }
        for (int i = 40; i < 100; i++) {
            edit(sf, "Lead", ids.get("l" + i), Map.of("Title", "Edited"));
        }
        // changed again after everything above: polled once, at their last version, pages after the first edit
        for (int i = 100; i < 130; i++) {
            edit(sf, "Contact", ids.get("c" + i), Map.of("Title", "Changed twice"));
        }
    }

    private static void edit(SalesforceEmulator sf, String object, String id, Map<String, Object> fields) {
        EmulatedOrg org = sf.org();
        org.store().atomically(tx -> new RecordSaver(org).update(object, id, fields,
                RecordSaver.Options.system(org.integrationUserId(), tx)));
    }

    private static void delete(SalesforceEmulator sf, String object, String id) {
        EmulatedOrg org = sf.org();
        org.store().atomically(tx -> {
            new RecordSaver(org).delete(object, id, RecordSaver.Options.system(org.integrationUserId(), tx));
            return null;
        });
    }
}
