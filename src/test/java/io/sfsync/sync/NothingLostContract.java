package io.sfsync.sync;

import static io.sfsync.sync.SyncHarness.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.emulator.control.Faults;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.SyncStore;

/**
 * Nothing lost, nothing stuck, counts that tell the truth: bad source rows, killed runs, lost
 * answers, leases of dead runs, defaults, ownership, retries and manual links — each through the real
 * routes and camel-salesforce against the emulator. Subclasses run them on H2 and on PostgreSQL.
 */
abstract class NothingLostContract {

    abstract SyncHarness sync();

    @BeforeEach
    void clean() {
        sync().reset();
    }

    private static long count(List<SyncStore.LogEntry> log, Action action) {
        return log.stream().filter(e -> e.action().equals(action.name())).count();
    }

    private List<SyncStore.LogEntry> jobLog(String job) {
        return sync().store().logWhere("WHERE job = ? ORDER BY id", job);
    }

    // --- bad source rows ---------------------------------------------------------------------------

    @Test
    void aRowWithoutChangedAtIsLoggedAsAnInvalidSourceRowOnceAndTheRestSyncs() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("no-date").insert();
        s.person(3).insert();
        RunContext run = s.run("bad_rows");
        SyncStore.LogEntry bad = s.outcome(run, "2");
        assertThat(bad.action()).isEqualTo("ERROR");
        assertThat(bad.reason()).isEqualTo("INVALID_SOURCE_ROW");
        assertThat(bad.message()).contains("source row 2").contains("changed_at").contains("NULL");
        assertThat(s.outcome(run, "1").action()).isEqualTo("CREATED");
        assertThat(s.outcome(run, "3").action()).isEqualTo("CREATED");
        assertThat(run.status()).isEqualTo("PARTIAL");
        assertThat(run.counts().errors()).isEqualTo(1);
        // still invalid: not logged again on every run
        RunContext again = s.run("bad_rows");
        assertThat(s.log(again)).isEmpty();
        // fixed in the source (any timestamp, even one behind the watermark): `retry` brings it in
        s.sql("UPDATE person SET title = 'fixed' WHERE id = 2");
        List<String> keys = s.store().latestErrors("bad_rows", null, "INVALID_SOURCE_ROW").stream()
                .map(SyncStore.LogEntry::sourceKey).toList();
        assertThat(keys).containsExactly("2");
        RunContext retry = s.runtime.run("bad_rows", RunContext.Mode.RUN, "cli", null, keys, null);
        assertThat(s.outcome(retry, "2").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).hasSize(3);
    }

    @Test
    void rowsWithANullOrBlankKeyAreLoggedNamingTheColumnAndNeverCreateARecord() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("no-key").email("nokey@x.example").insert();
        s.person(3).title("blank-key").email("blank@x.example").insert();
        s.person(4).insert();
        RunContext run = s.run("bad_rows");
        List<SyncStore.LogEntry> invalid = s.log(run).stream().filter(e -> "INVALID_SOURCE_ROW".equals(e.reason())).toList();
        assertThat(invalid).hasSize(2).allMatch(e -> e.action().equals("ERROR"))
                .allMatch(e -> e.sourceKey().startsWith("(no key) "))
                .allMatch(e -> e.message().contains("row_key"));
        assertThat(invalid).anyMatch(e -> e.message().contains("NULL") && e.message().contains("nokey@x.example"));
        assertThat(invalid).anyMatch(e -> e.message().contains("blank") && e.message().contains("blank@x.example"));
        assertThat(s.outcome(run, "1").action()).isEqualTo("CREATED");
        assertThat(s.outcome(run, "4").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).hasSize(2)
                .allMatch(l -> l.get("Sfsync_Person_Id__c") != null && !l.get("Sfsync_Person_Id__c").toString().isBlank());
        assertThat(s.log(s.run("bad_rows"))).isEmpty(); // reported once while unchanged
    }

    @Test
    void twoRowsWithOneKeyMakeOneWriteAndTheJobIsNotStuck() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("twice").insert();
        s.person(3).insert();
        RunContext first = s.run("bad_rows");
        List<SyncStore.LogEntry> twice = s.log(first).stream().filter(e -> e.sourceKey().equals("2")).toList();
        assertThat(twice).extracting(SyncStore.LogEntry::action).containsExactlyInAnyOrder("CREATED", "DUPLICATE");
        SyncStore.LogEntry dup = twice.stream().filter(e -> e.action().equals("DUPLICATE")).findFirst().orElseThrow();
        assertThat(dup.reason()).isEqualTo("DUPLICATE_IN_SOURCE");
        assertThat(dup.message()).contains("source row 2").contains("appears 2 times");
        assertThat(first.status()).isEqualTo("PARTIAL");
        assertThat(s.records("Lead")).hasSize(3);
        s.update(2, "first_name", "Changed");
        s.person(4).insert();
        RunContext second = s.run("bad_rows");
        assertThat(second.status()).isIn("SUCCEEDED", "PARTIAL");
        assertThat(s.outcome(second, "4").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).hasSize(4);
    }

    // --- leases: who holds a job, and a dead holder's lease lapses within a minute ------------------

    @Test
    void aRefusedTriggerSaysWhoHoldsTheJobAndUntilWhen() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.store().setPaused("people", false, null);
        s.sql("UPDATE sync_state SET lease_token = 'other', lease_holder = 'sfsync on host-b (pid 4242)',"
                + " lease_run_id = 77, lease_since = CURRENT_TIMESTAMP, lease_heartbeat = CURRENT_TIMESTAMP WHERE job = 'people'");
        RunContext busy = s.run("people");
        assertThat(busy.status()).isEqualTo("BUSY");
        assertThat(busy.stopReason()).contains("sfsync on host-b (pid 4242)").contains("run 77").contains("since ")
                .contains("until ");
        assertThat(s.records("Lead")).isEmpty();
    }

    @Test
    void aDeadHoldersLeaseBlocksTheJobForAboutAMinuteOnly() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.store().setPaused("people", false, null);
        Instant halfAMinute = Instant.now().minusSeconds(30);
        s.sql("UPDATE sync_state SET lease_token = 'dead', lease_heartbeat = TIMESTAMP WITH TIME ZONE '"
                + halfAMinute.toString().replace("T", " ").replace("Z", "+00:00") + "' WHERE job = 'people'");
        assertThat(s.run("people").status()).isEqualTo("BUSY");
        Instant overAMinute = Instant.now().minusSeconds(61);
        s.sql("UPDATE sync_state SET lease_heartbeat = TIMESTAMP WITH TIME ZONE '"
                + overAMinute.toString().replace("T", " ").replace("Z", "+00:00") + "' WHERE job = 'people'");
        RunContext took = s.run("people");
        assertThat(took.counts().created()).isEqualTo(1);
        assertThat(s.store().lease("people")).isEmpty(); // given back at the end
    }

    @Test
    void aLeaseOfAKilledProcessOnThisHostIsTakenOverAtOnce() throws Exception {
        SyncHarness s = sync();
        s.person(1).insert();
        s.store().setPaused("people", false, null);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String killed = RunLifecycle.HOLDER.replaceFirst("\\(pid \\d+", "(pid " + gone.pid());
        s.sql("UPDATE sync_state SET lease_token = 'killed', lease_holder = '" + killed
                + "', lease_since = CURRENT_TIMESTAMP, lease_heartbeat = CURRENT_TIMESTAMP WHERE job = 'people'");
        RunContext run = s.run("people");
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.counts().created()).isEqualTo(1);
        // a live process keeps its lease: this JVM, say, holding it under another token
        String alive = RunLifecycle.HOLDER.replaceFirst("\\(pid \\d+", "(pid " + ProcessHandle.current().parent()
                .orElseThrow().pid());
        s.sql("UPDATE sync_state SET lease_token = 'alive', lease_holder = '" + alive + "', lease_heartbeat = CURRENT_TIMESTAMP"
                + " WHERE job = 'people'");
        assertThat(s.run("people").status()).isEqualTo("BUSY");
        // a dead pid in another pid namespace (another container with this host name) cannot be checked
        String elsewhere = killed.replaceFirst("pid namespace \\d+", "pid namespace 1");
        s.sql("UPDATE sync_state SET lease_token = 'other-ns', lease_holder = '" + elsewhere
                + "', lease_heartbeat = CURRENT_TIMESTAMP WHERE job = 'people'");
        assertThat(s.run("people").status()).isEqualTo("BUSY");
    }

    @Test
    void aRunWhoseLeaseWasTakenOverRecordsNothingMoreAndItsCreatesAreCountedByTheNextRun() {
        SyncHarness s = sync();
        for (int i = 1; i <= 200; i++) {
            s.person(i).insert();
        }
        // once the first batch is recorded, another instance decides this lease has lapsed (a long pause,
        // a clock) and takes the job
        boolean[] taken = {false};
        RunContext cut = s.runtime.run("people", RunContext.Mode.RUN, "manual", null, null, line -> {
            if (!taken[0]) {
                taken[0] = true;
                s.sql("UPDATE sync_state SET lease_token = 'taken-over', lease_heartbeat = CURRENT_TIMESTAMP"
                        + " WHERE job = 'people'");
            }
        });
        assertThat(cut.status()).isEqualTo("FAILED");
        assertThat(cut.stopReason()).contains("no longer holds job people");
        assertThat(s.store().logWhere("WHERE run_id = ? AND action = 'CREATED'", cut.runId())).hasSize(50);
        // the other instance's run is over; the next run finds what the cut run wrote but could not record
        s.sql("UPDATE sync_state SET lease_token = NULL WHERE job = 'people'");
        RunContext next = s.run("people");
        assertThat(s.records("Lead")).hasSize(200);
        assertThat(s.store().logWhere("WHERE job = 'people' AND action = 'CREATED'")).hasSize(200);
        assertThat(next.status()).isEqualTo("SUCCEEDED");
    }

    // --- counts that stay true after a kill and after lost answers ---------------------------------

    @Test
    void aKilledRunIsAbortedWithTheCountsItsLogHolds() {
        SyncHarness s = sync();
        for (int i = 1; i <= 5; i++) {
            s.person(i).insert();
        }
        RunContext run = s.run("people");
        assertThat(run.counts().created()).isEqualTo(5);
        // as a process killed mid-run leaves it: RUNNING, its counts lost with the JVM, its log committed
        s.sql("UPDATE sync_run SET status = 'RUNNING', finished_at = NULL, created = 0, attempted = 0 WHERE id = "
                + run.runId());
        s.person(6).insert();
        s.run("people");
        SyncStore.Run aborted = s.store().run(run.runId()).orElseThrow();
        assertThat(aborted.status()).isEqualTo("ABORTED");
        assertThat(aborted.counts().created()).isEqualTo(5);
        assertThat(aborted.counts().attempted()).isEqualTo(5);
    }

    @Test
    void aRunsCountsInSyncRunGrowWithEachRecordedBatch() {
        SyncHarness s = sync();
        for (int i = 1; i <= 120; i++) { // three batches of 50
            s.person(i).insert();
        }
        s.person(121).email("not-an-email").insert();
        // what sync_run says while the run is going, after each recorded batch (as after a kill there)
        List<SyncStore.Run> midway = new java.util.ArrayList<>();
        RunContext run = s.runtime.run("people", RunContext.Mode.RUN, "manual", null, null,
                line -> midway.add(s.store().lastRun("people").orElseThrow()));
        assertThat(midway).hasSize(3);
        assertThat(midway.get(0).status()).isEqualTo("RUNNING");
        assertThat(midway.get(0).counts().created()).isEqualTo(50);
        assertThat(midway.get(0).apiCalls()).isGreaterThanOrEqualTo(3); // metadata, lookup, write
        assertThat(midway.get(1).counts().created()).isEqualTo(100);
        SyncStore.Run stored = s.store().run(run.runId()).orElseThrow();
        assertThat(stored.counts()).isEqualTo(run.counts());
        assertThat(stored.counts().created()).isEqualTo(count(s.log(run), Action.CREATED)).isEqualTo(120);
        assertThat(stored.counts().errors()).isEqualTo(1);
    }

    @Test
    void recordsCreatedBeforeAKillAreCountedCreatedByTheRunThatFindsThem() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        // Salesforce commits the write, then sfsync dies before recording it (here: its log refuses the batch)
        s.sql("ALTER TABLE sync_log ADD CONSTRAINT no_writes CHECK (action = 'NONE')");
        RunContext killed;
        try {
            killed = s.run("people");
        } finally {
            s.sql("ALTER TABLE sync_log DROP CONSTRAINT no_writes");
        }
        assertThat(s.records("Lead")).hasSize(10);
        assertThat(killed.counts().created()).isZero();
        RunContext next = s.run("people");
        assertThat(count(s.log(next), Action.CREATED)).isEqualTo(10);
        assertThat(s.log(next)).allMatch(e -> "CREATE_CONFIRMED".equals(e.reason()));
        assertThat(s.store().run(next.runId()).orElseThrow().counts().created()).isEqualTo(10);
        // created today agrees with Salesforce
        long createdToday = s.store().tally("people", Instant.now().minusSeconds(3600), null).stream()
                .mapToLong(t -> t.byAction().getOrDefault("CREATED", 0L)).sum();
        assertThat(createdToday).isEqualTo(s.records("Lead").size());
        // and the intent is over: a later change is an update
        s.update(3, "title", "CEO");
        assertThat(s.outcome(s.run("people"), "3").action()).isEqualTo("UPDATED");
        assertThat(s.store().openIntents("people").isEmpty()).isTrue();
    }

    @Test
    void aRecordThatExistedBeforeTheCreateWasAttemptedIsNotCountedAsCreated() {
        SyncHarness s = sync();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Old", "Company", "C",
                "Email", "old@x.example", "CreatedDate", "2020-01-01T00:00:00.000+0000")))).get("l");
        s.person(1).email("old@x.example").insert();
        s.store().recordIntents(0, "people", "Lead", List.of("1"));
        RunContext run = s.runtime.run("people", RunContext.Mode.RUN, "manual", null, null, null);
        assertThat(s.outcome(run, "1").action()).isEqualTo("UPDATED");
        assertThat(s.outcome(run, "1").sfId()).isEqualTo(lead);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Faults.Kind.class, names = {"SERVER_ERROR",
            "SERVER_UNAVAILABLE", "DROP_CONNECTION", "LOSE_RESPONSE", "CONCURRENT_LIMIT", "INVALID_SESSION"})
    void aFaultOnEachOfARunsCallsIsRetriedAndTheRunSucceeds(Faults.Kind kind) {
        SyncHarness s = sync();
        for (int i = 1; i <= 120; i++) { // three batches: metadata, then lookup and write per batch
            s.person(i).insert();
        }
        // the first, the third and the sixth Composite call each meet the fault once
        for (int after : new int[] {0, 2, 5}) {
            s.emulator.faults().add(new Faults.Rule(kind, 1.0, 1, "composite$", "POST", after));
        }
        RunContext run = s.run("people");
        assertThat(run.status()).as(run.stopReason()).isEqualTo("SUCCEEDED");
        assertThat(run.counts().created()).isEqualTo(120);
        assertThat(s.records("Lead")).hasSize(120);
    }

    @Test
    void aTransientFailureOfABulkCallIsRetriedInTheRun() {
        SyncHarness s = sync();
        for (int i = 1; i <= 150; i++) {
            s.person(i).insert();
        }
        // creating the Bulk job and later uploading its data each fail once
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 1.0, 1, "jobs/ingest$", "POST"));
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_ERROR, 1.0, 1, "batches$", "PUT"));
        RunContext run = s.run("bulk");
        assertThat(s.emulator.faults().rules()).allMatch(r -> r.count() == 0);
        assertThat(run.counts().pending()).isZero();
        assertThat(run.counts().created()).isEqualTo(150);
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(s.records("Lead")).hasSize(150);
    }

    @Test
    void aBulkJobWhoseAnswerIsLostIsSentAgainAndItsRecordsCountedCreatedOnce() {
        SyncHarness s = sync();
        for (int i = 1; i <= 150; i++) {
            s.person(i).insert();
        }
        // the job is closed in Salesforce (and runs), but the answer never comes back
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 1.0, 1, "jobs/ingest/[^/]+$", "PATCH"));
        RunContext run = s.run("bulk");
        assertThat(s.records("Lead")).hasSize(150);
        assertThat(count(s.log(run), Action.CREATED)).isEqualTo(150);
        assertThat(run.counts().created()).isEqualTo(150);
    }

    // --- defaults, ownership, retry, manual links ---------------------------------------------------

    @Test
    void aDefaultNeverReplacesAValueSalesforceAlreadyHas() {
        SyncHarness s = sync();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Old", "Company", "RealCo",
                "Email", "known@x.example")))).get("l");
        s.person(1).email("known@x.example").insert(); // no company: Company's default is "[Not Provided]"
        s.person(2).insert();
        RunContext run = s.run("people");
        assertThat(s.record(lead)).containsEntry("Company", "RealCo").containsEntry("LastName", "Last1");
        assertThat(s.record(s.outcome(run, "2").sfId())).containsEntry("Company", "[Not Provided]");
    }

    @Test
    void aRecordOwnedByTheIntegrationUserOrAQueueIsNotAnotherUsers() {
        SyncHarness s = sync();
        // the emulator's reset made a new integration user: a new login learns who sfsync is now
        s.emulator.sessions().expireAll();
        String integrationUser = s.emulator.org().integrationUserId();
        Map<String, String> ids = s.org(Map.of(
                "User", List.of(rec("_ref", "rep", "Email", "rep@corp.example", "LastName", "Rep")),
                "Contact", List.of(rec("_ref", "c", "LastName", "Old", "Email", "mine@x.example", "OwnerId",
                        integrationUser))));
        String queue = (String) s.records("Group").stream().filter(g -> "Queue".equals(g.get("Type"))).findFirst()
                .orElseThrow().get("Id");
        String queued = s.org(Map.of("Lead", List.of(rec("_ref", "q", "LastName", "Old", "Company", "C",
                "Email", "queued@x.example", "OwnerId", queue)))).get("q");
        s.person(1).email("mine@x.example").owner("rep@corp.example").insert();
        s.person(2).email("queued@x.example").owner("rep@corp.example").insert();
        RunContext run = s.run("people");
        assertThat(s.outcome(run, "1").action()).as(s.outcome(run, "1").message()).isEqualTo("UPDATED");
        assertThat(s.record(ids.get("c"))).containsEntry("LastName", "Last1");
        assertThat(s.outcome(run, "2").action()).as(s.outcome(run, "2").message()).isEqualTo("UPDATED");
        assertThat(s.record(queued)).containsEntry("LastName", "Last2");
    }

    @Test
    void retryTakesOnlyRowsWhoseLatestOutcomeIsAnError() {
        SyncHarness s = sync();
        s.company(1, "Acme", "acme.example", null);
        s.person(1).company(1).with("last_name", null).insert(); // strict: LastName is required
        s.person(2).company(1).with("last_name", null).insert();
        RunContext first = s.run("strict");
        assertThat(count(s.log(first), Action.ERROR)).isEqualTo(2);
        s.update(1, "last_name", "Fixed"); // fixed and synced by the next run
        RunContext second = s.run("strict");
        assertThat(s.outcome(second, "1").action()).isEqualTo("CREATED");
        assertThat(s.store().latestErrors("strict", null, null)).extracting(SyncStore.LogEntry::sourceKey)
                .containsExactly("2");
        assertThat(s.store().latestErrors("strict", first.runId(), null)).extracting(SyncStore.LogEntry::sourceKey)
                .containsExactly("2");
    }

    @Test
    void aManualLinkCannotPutTwoSourceRowsOnOneRecord() {
        SyncHarness s = sync();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "L", "Company", "C")))).get("l");
        s.store().setLink("people", "1", new Link("people", "1", "Lead", lead, null, null, null, Instant.now(), "MANUAL"),
                Outcome.of("1", "Lead", lead, Action.LINKED, "MANUAL", "linked by test"));
        assertThatThrownBy(() -> s.store().setLink("people", "2",
                new Link("people", "2", "Lead", lead.substring(0, 15), null, null, null, Instant.now(), "MANUAL"),
                Outcome.of("2", "Lead", lead, Action.LINKED, "MANUAL", "linked by test")))
                .isInstanceOf(SyncStore.LinkConflictException.class).hasMessageContaining("source row 1")
                .hasMessageContaining(lead.substring(0, 15));
        assertThat(s.store().links("people", List.of("1", "2"))).containsOnlyKeys("1");
        // linking the same row again (relink) is fine
        s.store().setLink("people", "1", new Link("people", "1", "Lead", lead, null, null, null, Instant.now(), "MANUAL"),
                Outcome.of("1", "Lead", lead, Action.LINKED, "MANUAL", "relinked by test"));
    }

    @Test
    void rowsUnderEveryKindOfFaultEndCreatedOnceWithTrueCounts() {
        SyncHarness s = sync();
        for (int i = 1; i <= 300; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 0.2, 1000, "composite$", "POST"));
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 0.1, 1000, null, null));
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 0.05, 1000, null, null));
        for (int round = 0; round < 10; round++) {
            s.run("people");
            if (pendingKeys(s) == 0 && s.records("Lead").size() == 300) {
                break;
            }
        }
        s.emulator.faults().clear();
        s.run("people");
        assertThat(pendingKeys(s)).isZero();
        assertThat(s.records("Lead")).hasSize(300);
        assertThat(s.records("Lead").stream().map(l -> l.get("Sfsync_Person_Id__c")).distinct().count()).isEqualTo(300);
        List<SyncStore.LogEntry> all = jobLog("people");
        assertThat(count(all, Action.CREATED)).isEqualTo(300);
        long sumCreated = s.store().recentRuns(100).stream().filter(r -> r.job().equals("people"))
                .mapToLong(r -> r.counts().created()).sum();
        assertThat(sumCreated).isEqualTo(300);
    }

    // --- found by review: intents that must not relabel, a commit whose answer is lost -------------

    /**
     * A create Salesforce refused (every save meets a lock: nothing is created) ends its intent: a Lead a
     * person makes by hand later, found by email, is UPDATED — not counted as created by sfsync.
     */
    @Test
    void anIntentOfACreateSalesforceRefusedNeverRelabelsARecordSomeoneElseMade() {
        SyncHarness s = sync();
        s.person(1).email("human@x.example").insert();
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 1.0, -1, null, null));
        RunContext first;
        try {
            first = s.run("people");
        } finally {
            s.emulator.faults().clear();
        }
        assertThat(s.outcome(first, "1").action()).isEqualTo("PENDING");
        assertThat(s.records("Lead")).isEmpty(); // Salesforce created nothing
        // a sales rep creates the Lead by hand (CreatedDate: now, after the intent)
        s.org(Map.of("Lead", List.of(rec("_ref", "h", "LastName", "ByHand", "Company", "C", "Email", "human@x.example"))));
        RunContext next = s.run("people");
        SyncStore.LogEntry e = s.outcome(next, "1");
        assertThat(e.action()).as(e.reason() + ": " + e.message()).isEqualTo("UPDATED");
    }

    /**
     * One record is counted created once: a row whose create was refused, and that later matches the record
     * another row created, is UPDATED; SUM(sync_run.created) equals what Salesforce holds.
     */
    @Test
    void oneRecordIsNeverCountedCreatedTwice() {
        SyncHarness s = sync();
        s.person(2).email("same@x.example").insert();
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 1.0, -1, null, null));
        try {
            s.run("people");
        } finally {
            s.emulator.faults().clear();
        }
        assertThat(s.records("Lead")).isEmpty();
        s.sql("UPDATE person SET do_not_contact = TRUE WHERE id = 2"); // opted out meanwhile
        s.person(1).email("same@x.example").insert();
        s.run("people"); // row 1 CREATED; row 2 SKIPPED/DO_NOT_CONTACT (its intent stays open)
        s.update(2, "do_not_contact", false); // opted back in
        s.run("people"); // row 2 is matched by email to row 1's Lead
        long leads = s.records("Lead").size();
        long createdInLog = count(jobLog("people"), Action.CREATED);
        long sumCreated = s.store().recentRuns(100).stream().filter(r -> r.job().equals("people"))
                .mapToLong(r -> r.counts().created()).sum();
        assertThat(createdInLog).as(jobLog("people").toString()).isEqualTo(leads);
        assertThat(sumCreated).isEqualTo(leads);
    }

    /**
     * A batch whose commit went through but whose answer was lost with the connection (a failover, a reset)
     * is tried again and finds itself recorded: no sync_log row or count twice.
     */
    @Test
    void aBatchWhoseCommitAnswerIsLostIsNotWrittenTwice() throws Exception {
        SyncHarness s = sync();
        javax.sql.DataSource real = s.store().dataSource();
        java.util.concurrent.atomic.AtomicBoolean loseNextCommitAck = new java.util.concurrent.atomic.AtomicBoolean();
        javax.sql.DataSource flaky = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, m, args) -> {
                    Object r;
                    try {
                        r = m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException ite) {
                        throw ite.getCause();
                    }
                    if (!m.getName().equals("getConnection")) {
                        return r;
                    }
                    java.sql.Connection c = (java.sql.Connection) r;
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (p2, m2, a2) -> {
                                Object r2;
                                try {
                                    r2 = m2.invoke(c, a2);
                                } catch (java.lang.reflect.InvocationTargetException ite) {
                                    throw ite.getCause();
                                }
                                if (m2.getName().equals("commit") && loseNextCommitAck.compareAndSet(true, false)) {
                                    // committed; the answer is lost on the way back (a failover, a reset)
                                    throw new java.sql.SQLNonTransientConnectionException("connection reset", "08006");
                                }
                                return r2;
                            });
                });
        SyncStore store = new SyncStore(flaky);
        long runId = store.startRun("people", "manual", "all", false);
        loseNextCommitAck.set(true);
        store.recordBatch(runId, "people", "OUTBOUND",
                List.of(Outcome.of("1", "Lead", "00Q000000000001AAA", Action.CREATED, null, "created"),
                        Outcome.of("2", "Lead", "00Q000000000002AAA", Action.CREATED, null, "created")),
                List.of(), List.of(), null);
        assertThat(s.store().log(runId)).hasSize(2);
        assertThat(s.store().run(runId).orElseThrow().counts().created()).isEqualTo(2);
    }

    /**
     * A row whose key was NULL is logged under a stand-in key. Once its key is filled in and the row is
     * touched (its changedAt moves, as any update does), the next run reads it and creates it.
     */
    @Test
    void aRowWhoseMissingKeyIsFilledInIsSyncedOnceItChanges() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("no-key").insert();
        s.person(3).insert();
        s.person(4).insert(); // row 2's changedAt is now more than overlapSeconds (60) behind the watermark
        RunContext first = s.run("bad_rows");
        assertThat(s.log(first)).filteredOn(e -> "INVALID_SOURCE_ROW".equals(e.reason())).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("fill it in and update changed_at"));
        s.update(2, "title", "fixed"); // the key is there now, and the row changed
        RunContext next = s.run("bad_rows");
        assertThat(s.outcome(next, "2").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).extracting(l -> l.get("Sfsync_Person_Id__c")).contains("2");
    }

    /**
     * An upsert that finds a record in Salesforce for years under this external ID (the lookup, by email only,
     * missed it) updates it and says so: sfsync did not create it.
     */
    @Test
    void anUpsertThatFindsARecordFromYearsAgoIsNotCountedCreated() {
        SyncHarness s = sync();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Old", "Company", "C",
                "Email", "old-address@x.example", "Sfsync_Person_Id__c", "1",
                "CreatedDate", "2020-01-01T00:00:00.000+0000")))).get("l");
        s.person(1).email("new-address@x.example").insert();
        RunContext run = s.run("email_only");
        SyncStore.LogEntry e = s.outcome(run, "1");
        assertThat(e.sfId()).isEqualTo(lead);
        assertThat(e.action()).as(e.reason() + ": " + e.message()).isEqualTo("UPDATED");
    }

    /** A record sfsync created (its answer lost) whose later update meets a lock keeps its create intent: counted CREATED once. */
    @Test
    void aRecordFoundAgainWhoseUpdateMeetsALockIsStillCountedCreatedOnce() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.sql("ALTER TABLE sync_log ADD CONSTRAINT no_writes CHECK (action = 'NONE')");
        try {
            s.run("people"); // Salesforce creates the Lead; the batch is never recorded (as a kill would)
        } finally {
            s.sql("ALTER TABLE sync_log DROP CONSTRAINT no_writes");
        }
        assertThat(s.records("Lead")).hasSize(1);
        s.update(1, "title", "CEO"); // so the found record needs an update
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 1.0, -1, null, null));
        try {
            RunContext locked = s.run("people");
            assertThat(s.outcome(locked, "1").action()).isEqualTo("PENDING");
        } finally {
            s.emulator.faults().clear();
        }
        s.run("people");
        long sumCreated = s.store().recentRuns(100).stream().filter(r -> r.job().equals("people"))
                .mapToLong(r -> r.counts().created()).sum();
        assertThat(count(jobLog("people"), Action.CREATED)).as(jobLog("people").toString()).isEqualTo(1);
        assertThat(sumCreated).isEqualTo(1);
    }

    /** A run whose lease was taken over writes nothing more: not even PENDING rows from the dead-letter channel. */
    @Test
    void aRunWhoseLeaseWasTakenOverWritesNoPendingRowsOverTheNewHoldersOutcomes() {
        SyncHarness s = sync();
        for (int i = 1; i <= 100; i++) {
            s.person(i).insert();
        }
        boolean[] taken = {false};
        RunContext cut = s.runtime.run("people", RunContext.Mode.RUN, "manual", null, null, line -> {
            if (!taken[0]) {
                taken[0] = true;
                // the lease lapses; another instance takes the job and runs it to the end meanwhile
                s.sql("UPDATE sync_state SET lease_token = NULL WHERE job = 'people'");
                try (io.sfsync.app.SfsyncRuntime other = s.anotherInstance()) {
                    RunContext r = other.run("people", RunContext.Mode.RUN, "manual", null, null, null);
                    assertThat(r.status()).as(r.stopReason()).isEqualTo("SUCCEEDED");
                }
            }
        });
        assertThat(cut.stopReason()).contains("no longer holds job people");
        // the other run recorded every row; PENDING rows of the cut run would come after its outcomes
        assertThat(pendingKeys(s)).as("keys whose latest sync_log row is PENDING").isZero();
        assertThat(s.store().logWhere("WHERE run_id = ? AND action = 'PENDING'", cut.runId())).isEmpty();
    }

    /**
     * An upsert that answers "found, not created" after an earlier run's create never reached Salesforce finds a
     * record from 2020: who made it and when are read, and it is UPDATED, not counted as sfsync's.
     */
    @Test
    void anUpsertFindingAnOldRecordAfterAnEarlierUnansweredCreateIsNotCountedCreated() {
        SyncHarness s = sync();
        s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Old", "Company", "C",
                "Email", "old-address@x.example", "Sfsync_Person_Id__c", "1",
                "CreatedDate", "2020-01-01T00:00:00.000+0000"))));
        s.person(1).email("new-address@x.example").insert();
        // the write call of the first run never reaches Salesforce (all its sends dropped)
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.DROP_CONNECTION, 1.0, 20, "composite$", "POST", 2));
        RunContext first;
        try {
            first = s.run("email_only");
        } finally {
            s.emulator.faults().clear();
        }
        assertThat(s.outcome(first, "1").action()).isEqualTo("PENDING");
        RunContext run = s.run("email_only");
        SyncStore.LogEntry e = s.outcome(run, "1");
        assertThat(e.action()).as(e.reason() + ": " + e.message()).isEqualTo("UPDATED");
    }

    private long pendingKeys(SyncHarness s) {
        return s.store().logWhere("WHERE id IN (SELECT MAX(id) FROM sync_log WHERE job = 'people' GROUP BY source_key)"
                + " AND action = 'PENDING'").size();
    }
}
