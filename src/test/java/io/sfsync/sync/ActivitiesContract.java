package io.sfsync.sync;

import static io.sfsync.sync.SyncHarness.rec;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Activities through the shipped flows against the emulator and a real database: touchpoints become
 * completed Tasks on the person's Lead or Contact (owner from the sender, account from the link), one
 * Task per touchpoint after lost answers, reruns and a killed run; waiting PENDING for the person,
 * SKIPPED outside the segment or for do-not-contact; the three switches (dataSync, activities enabled,
 * includeContent) each on and off. Subclasses run it on H2 and PostgreSQL.
 */
abstract class ActivitiesContract {

    private static final String ACTIVITIES = """
                  source:
                    query: "SELECT t.id, t.person_id, t.kind, t.subject, t.body, t.occurred_at, t.sender_email FROM touchpoint t"
                    key: id
                    changedAt: occurred_at
                    overlapSeconds: 0
                  sender: sender_email
            """;

    /** The jobs of these tests: the shared people job with activities, and each switch turned. */
    static final String ACTIVITY_JOBS = """
              touch:
                <<: *people
                activities:
            """ + ACTIVITIES + """
              touch_content:
                <<: *people
                activities:
                  includeContent: true
            """ + ACTIVITIES + """
              touch_off:
                <<: *people
                activities:
                  enabled: false
            """ + ACTIVITIES + """
              touch_only:
                <<: *people
                dataSync: false
                activities:
            """ + ACTIVITIES + """
              touch_both:
                every: 10m
                direction: both
                source:
                  query: "SELECT p.id, p.first_name, p.last_name, p.email, p.title, p.do_not_contact, p.updated_at AS changed_at FROM person p"
                  key: id
                  changedAt: changed_at
                segment: all
                createAs: Lead
                matchIn: [Lead]
                externalIdField: Sfsync_Person_Id__c
                ownership: {fallback: none}
                inbound:
                  settleSeconds: 0
                  bulkFirstLoad: false
                  objects:
                    Lead: {table: person, key: id, changedAt: updated_at, newRows: skip}
                fields:
                  Lead:
                    LastName: {from: last_name, default: "[Unknown]"}
                    Email: {from: email, direction: to_salesforce}
                    Title: {from: title}
                    Company: {value: "Acme"}
                    Sfsync_Person_Id__c: {from: id, direction: to_salesforce}
                activities:
            """ + ACTIVITIES + """
              touch_overlap:
                <<: *people
                activities:
                  source:
                    query: "SELECT t.id, t.person_id, t.kind, t.subject, t.body, t.occurred_at, t.sender_email FROM touchpoint t"
                    key: id
                    changedAt: occurred_at
                    overlapSeconds: 600
              touch_valid:
                <<: *people
                segment: valid
                activities:
                  kinds:
                    sms: {type: Other, subtype: Task, subject: "Text message"}
            """ + ACTIVITIES;

    abstract SyncHarness sync();

    @BeforeEach
    void clean() {
        sync().reset();
    }

    // --- 2. each touchpoint one completed Task ---------------------------------------------------------

    @Test
    void touchpointsBecomeCompletedTasksOnTheLeadOwnedByTheSender() {
        SyncHarness s = sync();
        String rep = s.org(Map.of("User", List.of(rec("_ref", "rep", "Email", "rep@corp.example", "LastName", "Rep",
                "IsActive", true)))).get("rep");
        s.person(1).owner("rep@corp.example").insert();
        s.touchpoint(11, 1, "email", "Quick question", "Hi, a secret body", "REP@corp.example");
        s.touchpoint(12, 1, "linkedin", null, "Connect?", "rep@corp.example");
        s.touchpoint(13, 1, "call", "Intro call", null, "nobody@corp.example");
        RunContext run = s.run("touch");
        String lead = s.records("Lead").get(0).get("Id").toString();
        List<Map<String, Object>> tasks = s.records("Task");
        assertThat(tasks).hasSize(3);
        Map<String, Object> email = task(s, "11");
        assertThat(email).containsEntry("Status", "Completed").containsEntry("WhoId", lead)
                .containsEntry("Subject", "Quick question").containsEntry("Type", "Email")
                .containsEntry("TaskSubtype", "Email").containsEntry("OwnerId", rep);
        assertThat(email.get("ActivityDate")).isNotNull();
        assertThat(email.get("Description")).isNull(); // includeContent is off
        assertThat(email.get("WhatId")).isNull(); // a Lead has no Account
        assertThat(task(s, "12")).containsEntry("Subject", "LinkedIn message").containsEntry("TaskSubtype", "LinkedIn");
        // a sender Salesforce does not know: the Task is the integration user's (no fallback user is set)
        assertThat(task(s, "13")).containsEntry("TaskSubtype", "Call").containsEntry("Type", "Call");
        assertThat(task(s, "13").get("OwnerId")).isNotEqualTo(rep);
        List<SyncStore.LogEntry> taskRows = s.log(run).stream().filter(e -> "Task".equals(e.sobject())).toList();
        assertThat(taskRows).hasSize(3).allMatch(e -> "CREATED".equals(e.action()) && e.sfId() != null);
        assertThat(run.counts().created()).isEqualTo(4); // the Lead and three Tasks
        assertThat(run.status()).isEqualTo("SUCCEEDED");

        RunContext again = s.run("touch");
        assertThat(s.records("Task")).hasSize(3);
        assertThat(s.log(again)).isEmpty();
        assertThat(again.apiCalls()).isEqualTo(1);
    }

    @Test
    void aContactsTasksAreRelatedToItsAccount() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of("Account", List.of(rec("_ref", "a", "Name", "Acme")),
                "Contact", List.of(rec("_ref", "c", "LastName", "Known", "Email", "person1@example.com",
                        "AccountId", "@a"))));
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Hello", null, null);
        s.run("touch");
        assertThat(task(s, "11")).containsEntry("WhoId", ids.get("c")).containsEntry("WhatId", ids.get("a"));
    }

    // --- 3. idempotent forever -------------------------------------------------------------------------

    @Test
    void aLostAnswerLeavesOneTaskPerTouchpointLoggedCreatedOnce() {
        SyncHarness s = sync();
        for (int p = 1; p <= 3; p++) {
            s.person(p).insert();
        }
        s.run("touch");
        for (int t = 1; t <= 250; t++) { // two collections in one Composite call
            s.touchpoint(t, 1 + t % 3, "email", "Mail " + t, null, null);
        }
        // the opening call passes; the write's answer is lost after Salesforce committed it
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 1.0, 1, "composite$", "POST", 1));
        RunContext run = s.run("touch");
        assertThat(s.records("Task")).hasSize(250);
        List<SyncStore.LogEntry> rows = s.log(run).stream().filter(e -> "Task".equals(e.sobject())).toList();
        assertThat(rows).hasSize(250).allMatch(e -> "CREATED".equals(e.action()));
        assertThat(run.counts().created()).isEqualTo(250);
        // the Tasks keep the TaskSubtype of their first send
        assertThat(s.records("Task")).allMatch(t -> "Email".equals(t.get("TaskSubtype")));
        RunContext again = s.run("touch");
        assertThat(s.records("Task")).hasSize(250);
        assertThat(s.log(again)).isEmpty();
    }

    @Test
    void aRunKilledAfterSalesforceCommittedLeavesOneTaskPerTouchpoint() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.run("touch");
        for (int t = 1; t <= 20; t++) {
            s.touchpoint(t, 1, "call", "Call " + t, null, null);
        }
        // Salesforce commits the Tasks, then sfsync dies before recording them (here: its log refuses the batch)
        s.sql("DELETE FROM sync_log", "ALTER TABLE sync_log ADD CONSTRAINT no_writes CHECK (action = 'NONE')");
        try {
            s.run("touch");
        } finally {
            s.sql("ALTER TABLE sync_log DROP CONSTRAINT no_writes");
        }
        assertThat(s.records("Task")).hasSize(20);
        RunContext next = s.run("touch");
        assertThat(s.records("Task")).hasSize(20);
        List<SyncStore.LogEntry> rows = s.log(next).stream().filter(e -> "Task".equals(e.sobject())).toList();
        assertThat(rows).hasSize(20).allMatch(e -> "CREATED".equals(e.action()) && "CREATE_CONFIRMED".equals(e.reason()));
        assertThat(s.log(s.run("touch"))).isEmpty();
    }

    @Test
    void aChangedTouchpointUpdatesItsTaskAndAnUnchangedOneCostsNothing() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "First subject", null, null);
        s.run("touch");
        s.sql("UPDATE touchpoint SET subject = 'Second subject', occurred_at = occurred_at + INTERVAL '1' HOUR WHERE id = 11");
        RunContext run = s.run("touch");
        assertThat(s.records("Task")).hasSize(1);
        assertThat(task(s, "11")).containsEntry("Subject", "Second subject").containsEntry("TaskSubtype", "Email");
        assertThat(s.outcome(run, "11").action()).isEqualTo("UPDATED");
    }

    // --- 4. order: pending until linked, converted Leads, segment and do-not-contact ------------------

    @Test
    void aTouchpointWaitsPendingUntilItsPersonIsLinkedThenGoesInTheNextRun() {
        SyncHarness s = sync();
        s.person(1).email("not-an-email").insert();
        s.touchpoint(11, 1, "email", "Hello", null, null);
        RunContext first = s.run("touch");
        assertThat(s.records("Task")).isEmpty();
        SyncStore.LogEntry pending = s.log(first).stream().filter(e -> "Task".equals(e.sobject())).findFirst().orElseThrow();
        assertThat(pending.action()).isEqualTo("PENDING");
        assertThat(pending.reason()).isEqualTo("PERSON_NOT_LINKED");
        assertThat(pending.message()).contains("person 1");
        assertThat(first.counts().pending()).isEqualTo(1);
        // a run while the person still fails does not log the touchpoint again
        RunContext quiet = s.run("touch");
        assertThat(s.log(quiet).stream().filter(e -> "Task".equals(e.sobject()))).isEmpty();
        s.update(1, "email", "fixed@example.com");
        RunContext fixed = s.run("touch");
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(s.records("Task")).hasSize(1);
        assertThat(task(s, "11")).containsEntry("WhoId", s.records("Lead").get(0).get("Id"));
        assertThat(s.outcome(fixed, "11").action()).isEqualTo("CREATED");
    }

    @Test
    void aConvertedLeadsNewTouchpointsGoToItsContact() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Before", null, null);
        s.run("touch");
        String lead = s.records("Lead").get(0).get("Id").toString();
        Map<String, String> converted = s.emulator.convertLead(lead, null, null);
        // Salesforce moved the Lead's Task to the Contact
        assertThat(task(s, "11")).containsEntry("WhoId", converted.get("contactId"));
        s.touchpoint(12, 1, "email", "After", null, null);
        RunContext run = s.run("touch");
        assertThat(task(s, "12")).containsEntry("WhoId", converted.get("contactId"))
                .containsEntry("WhatId", converted.get("accountId"));
        assertThat(s.outcome(run, "12").action()).isEqualTo("CREATED");
        Link link = s.store().links("touch", List.of("1")).get("1");
        assertThat(link.sobject()).isEqualTo("Contact");
        assertThat(link.sfId()).isEqualTo(converted.get("contactId"));
        // the next touchpoint needs no extra query: the link is the Contact now
        s.touchpoint(13, 1, "call", "Later", null, null);
        RunContext later = s.run("touch");
        assertThat(task(s, "13")).containsEntry("WhoId", converted.get("contactId"));
        assertThat(later.apiCalls()).isEqualTo(2);
    }

    @Test
    void peopleOutsideTheSegmentOrDoNotContactGetNoTasks() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).with("email_status", "risky").insert();
        s.person(3).with("do_not_contact", true).insert();
        s.touchpoint(11, 1, "email", "In", null, null);
        s.touchpoint(12, 2, "email", "Risky", null, null);
        s.touchpoint(13, 3, "email", "Do not", null, null);
        RunContext run = s.run("touch_valid");
        assertThat(s.records("Task")).hasSize(1);
        assertThat(s.outcome(run, "11").action()).isEqualTo("CREATED");
        SyncStore.LogEntry risky = taskOutcome(s, run, "12");
        assertThat(risky.action()).isEqualTo("SKIPPED");
        assertThat(risky.reason()).isEqualTo("PERSON_NOT_IN_SEGMENT");
        assertThat(risky.message()).contains("valid");
        SyncStore.LogEntry dnc = taskOutcome(s, run, "13");
        assertThat(dnc.action()).isEqualTo("SKIPPED");
        assertThat(dnc.reason()).isEqualTo("DO_NOT_CONTACT");
    }

    @Test
    void aBadTouchpointIsAnErrorNamingItsColumnAndTheRestGoOn() {
        SyncHarness s = sync();
        s.sql("ALTER TABLE touchpoint DROP CONSTRAINT touchpoint_kind");
        try {
            s.person(1).insert();
            s.touchpoint(11, 1, "fax", "Old school", null, null);
            s.touchpoint(12, 1, "sms", "Texted", null, null); // touch_valid maps sms
            s.touchpoint(13, 1, "email", "Fine", null, null);
            RunContext run = s.run("touch_valid");
            SyncStore.LogEntry fax = taskOutcome(s, run, "11");
            assertThat(fax.action()).isEqualTo("ERROR");
            assertThat(fax.reason()).isEqualTo("INVALID_SOURCE_ROW");
            assertThat(fax.message()).contains("touchpoint 11").contains("kind 'fax'").contains("activities.kinds");
            assertThat(task(s, "12")).containsEntry("Subject", "Texted").containsEntry("Type", "Other");
            assertThat(task(s, "13")).containsEntry("Subject", "Fine");
            // reported once: the next run does not log it again
            assertThat(s.log(s.run("touch_valid")).stream().filter(e -> "Task".equals(e.sobject()))).isEmpty();
        } finally {
            s.sql("DELETE FROM touchpoint");
            s.sql("ALTER TABLE touchpoint ADD CONSTRAINT touchpoint_kind CHECK (kind IN ('email', 'linkedin', 'call'))");
        }
    }

    @Test
    void aTouchpointThatEndedInErrorGoesAgainWithRetryOnceItsCauseIsFixed() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.run("touch");
        String lead = s.records("Lead").get(0).get("Id").toString();
        // the person's Lead is deleted in Salesforce: its Task cannot point at it
        var org = s.emulator.org();
        org.store().atomically(tx -> {
            new io.sfsync.emulator.rules.RecordSaver(org).delete("Lead", lead,
                    io.sfsync.emulator.rules.RecordSaver.Options.system(org.integrationUserId(), tx));
            return null;
        });
        s.touchpoint(11, 1, "email", "Hi", null, null);
        RunContext failed = s.run("touch");
        SyncStore.LogEntry error = taskOutcome(s, failed, "11");
        assertThat(error.action()).isEqualTo("ERROR");
        assertThat(error.reason()).isEqualTo("INVALID_CROSS_REFERENCE_KEY");
        assertThat(error.message()).contains("touchpoint 11");
        assertThat(s.log(s.run("touch")).stream().filter(e -> "Task".equals(e.sobject()))).isEmpty();
        // an operator links the person to another Lead, then retries: the touchpoint goes, and only it
        Map<String, String> ids = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Again", "Company", "Acme"))));
        s.store().setLink("touch", "1", new Link("touch", "1", "Lead", ids.get("l"), null, null, null,
                java.time.Instant.now(), "MANUAL"), Outcome.of("1", "Lead", ids.get("l"), Action.LINKED, "MANUAL", "linked"));
        s.touchpoint(12, 1, "email", "Not yet", null, null); // a new one waits for the next regular run
        assertThat(s.store().activities().retryErrors("touch", null)).isEqualTo(1);
        // a push of the person (a run of chosen rows that is not a retry) leaves the touchpoints alone
        RunContext push = s.runtime.run("touch", RunContext.Mode.RUN, "api", null, List.of("1"), null);
        assertThat(s.log(push)).noneMatch(e -> "Task".equals(e.sobject()));
        RunContext retry = s.runtime.retry("touch", "cli", List.of(), null);
        assertThat(s.log(retry).stream().map(SyncStore.LogEntry::sourceKey)).containsExactly("11");
        assertThat(task(s, "11")).containsEntry("WhoId", ids.get("l"));
        assertThat(s.outcome(retry, "11").action()).isEqualTo("CREATED");
        RunContext next = s.run("touch");
        assertThat(s.log(next).stream().map(SyncStore.LogEntry::sourceKey)).containsExactly("12");
        assertThat(s.records("Task")).hasSize(2);
    }

    @Test
    void aLateChangeInsideTheOverlapWindowIsSentAndAnUnchangedReplayIsSetAside() {
        SyncHarness s = sync();
        s.sql("ALTER TABLE touchpoint DROP CONSTRAINT touchpoint_kind");
        try {
            s.person(1).insert();
            s.touchpoint(11, 1, "fax", "Typo", null, null);
            s.touchpoint(12, 1, "email", "Later", null, null);
            RunContext first = s.run("touch_overlap");
            assertThat(taskOutcome(s, first, "11").action()).isEqualTo("ERROR");
            assertThat(s.records("Task")).hasSize(1);
            // unchanged rows the overlap window brings back are set aside: no log row, no call
            RunContext quiet = s.run("touch_overlap");
            assertThat(s.log(quiet)).isEmpty();
            // a transaction that began before touchpoint 12 commits a fix of 11 now: behind the watermark, a
            // newer version of 11
            s.sql("UPDATE touchpoint SET kind = 'email', occurred_at = occurred_at + INTERVAL '1' SECOND WHERE id = 11");
            RunContext late = s.run("touch_overlap");
            assertThat(s.outcome(late, "11").action()).isEqualTo("CREATED");
            assertThat(s.log(late)).hasSize(1);
            assertThat(task(s, "11")).containsEntry("Subject", "Typo");
        } finally {
            s.sql("DELETE FROM touchpoint");
            s.sql("ALTER TABLE touchpoint ADD CONSTRAINT touchpoint_kind CHECK (kind IN ('email', 'linkedin', 'call'))");
        }
    }

    // --- 1. the three switches, each on and off --------------------------------------------------------

    @Test
    void includeContentSendsTheBodyAndAnOldTaskNeverGetsItLater() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Hi", "the message itself", null);
        s.run("touch_content");
        assertThat(task(s, "11")).containsEntry("Description", "the message itself");

        s.reset();
        s.person(1).insert();
        s.touchpoint(21, 1, "email", "Hi", "kept private", null);
        s.run("touch");
        assertThat(task(s, "21").get("Description")).isNull();
        // the switch goes on (the same job's links, as touch_content); the old Task changes, its contents stay out
        s.sql("UPDATE sync_link SET job = 'touch_content' WHERE job = 'touch'",
                "UPDATE sync_activity SET job = 'touch_content' WHERE job = 'touch'",
                "UPDATE sync_state SET job = 'touch_content' WHERE job = 'touch'");
        s.sql("UPDATE touchpoint SET subject = 'Hi again', occurred_at = occurred_at + INTERVAL '1' HOUR WHERE id = 21");
        s.touchpoint(22, 1, "email", "New", "this one may go", null);
        s.run("touch_content");
        assertThat(task(s, "21")).containsEntry("Subject", "Hi again");
        assertThat(task(s, "21").get("Description")).isNull();
        assertThat(task(s, "22")).containsEntry("Description", "this one may go");
    }

    @Test
    void activitiesSwitchedOffSendNoTasksAndThePeopleStillGo() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Hi", null, null);
        RunContext off = s.run("touch_off");
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(s.records("Task")).isEmpty();
        assertThat(s.log(off)).noneMatch(e -> "Task".equals(e.sobject()));
        RunContext on = s.run("touch");
        assertThat(s.records("Task")).hasSize(1);
        assertThat(s.outcome(on, "11").action()).isEqualTo("CREATED");
    }

    @Test
    void dataSyncOffSendsOnlyTheActivitiesOfPeopleAlreadyLinked() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Linked",
                "Company", "Acme", "Email", "person1@example.com"))));
        s.person(1).insert();
        s.person(2).insert();
        s.touchpoint(11, 1, "email", "Hi", null, null);
        s.touchpoint(12, 2, "email", "Hi", null, null);
        RunContext first = s.run("touch_only");
        assertThat(s.records("Lead")).hasSize(1); // no person synced: dataSync is off
        assertThat(s.records("Task")).isEmpty();
        assertThat(taskOutcome(s, first, "11").reason()).isEqualTo("PERSON_NOT_LINKED");
        assertThat(taskOutcome(s, first, "11").message()).contains("dataSync is off");
        // an operator links person 1 (sfsync link); its touchpoint goes in the next run, person 2's keeps waiting
        s.store().setLink("touch_only", "1", new Link("touch_only", "1", "Lead", ids.get("l"), null, null, null,
                java.time.Instant.now(), "MANUAL"), Outcome.of("1", "Lead", ids.get("l"), Action.LINKED, "MANUAL", "linked"));
        RunContext next = s.run("touch_only");
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(s.records("Task")).hasSize(1);
        assertThat(task(s, "11")).containsEntry("WhoId", ids.get("l"));
        assertThat(s.outcome(next, "11").action()).isEqualTo("CREATED");
        assertThat(s.log(next).stream().map(SyncStore.LogEntry::sourceKey)).containsExactly("11");
        // with dataSync on, the same job's people go too
        RunContext on = s.run("touch");
        assertThat(s.records("Lead")).hasSize(2);
        assertThat(on.counts().created()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aJobSyncingBothWaysSendsItsTouchpointsAfterItsPeopleInTheSameRun() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Hi", null, null);
        RunContext run = s.run("touch_both");
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(task(s, "11")).containsEntry("WhoId", s.records("Lead").get(0).get("Id"));
        assertThat(s.outcome(run, "11").action()).isEqualTo("CREATED");
        // the Task is not a record the job polls: the next run brings back the Lead's echo only
        RunContext next = s.run("touch_both");
        assertThat(s.log(next)).noneMatch(e -> "Task".equals(e.sobject()));
        assertThat(s.records("Task")).hasSize(1);
    }

    // --- 5. batch-first --------------------------------------------------------------------------------

    @Test
    void aThousandTouchpointsOfLinkedPeopleCostTwoCalls() {
        SyncHarness s = sync();
        s.org(Map.of("User", List.of(rec("_ref", "a", "Email", "a@corp.example", "LastName", "A", "IsActive", true),
                rec("_ref", "b", "Email", "b@corp.example", "LastName", "B", "IsActive", true))));
        for (int p = 1; p <= 10; p++) {
            s.person(p).insert();
        }
        s.run("touch");
        for (int t = 1; t <= 1000; t++) {
            s.touchpoint(t, 1 + t % 10, t % 3 == 0 ? "call" : "email", "Touch " + t, null, t % 2 == 0 ? "a@corp.example"
                    : "b@corp.example");
        }
        RunContext run = s.run("touch");
        assertThat(s.records("Task")).hasSize(1000);
        assertThat(run.counts().created()).isEqualTo(1000);
        // the opening call (limits, describes, the senders' Users) and ONE Composite call of five collections
        assertThat(run.apiCalls()).isEqualTo(2);
        assertThat(s.store().run(run.runId()).orElseThrow().apiCalls()).isEqualTo(2);
    }

    @Test
    void aDryRunLogsWhatWouldBeCreatedAndWritesNothing() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.run("touch");
        s.touchpoint(11, 1, "email", "Hi", null, null);
        RunContext dry = s.run("touch", RunContext.Mode.DRY_RUN);
        assertThat(s.records("Task")).isEmpty();
        SyncStore.LogEntry e = taskOutcome(s, dry, "11");
        assertThat(e.action()).isEqualTo("CREATED");
        assertThat(e.reason()).isEqualTo("DRY_RUN");
        RunContext real = s.run("touch");
        assertThat(s.records("Task")).hasSize(1);
        assertThat(s.outcome(real, "11").action()).isEqualTo("CREATED");
        // a person the dry run would create: its touchpoint is shown as the Task a real run makes after it
        s.person(2).insert();
        s.touchpoint(21, 2, "call", "New", null, null);
        RunContext dryNew = s.run("touch", RunContext.Mode.DRY_RUN);
        SyncStore.LogEntry planned = taskOutcome(s, dryNew, "21");
        assertThat(planned.action()).isEqualTo("CREATED");
        assertThat(planned.message()).contains("the person's Lead");
        assertThat(dryNew.activityCounts().created()).isEqualTo(1);
        assertThat(dryNew.counts().created()).isEqualTo(2); // the Lead and its Task
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(s.records("Task")).hasSize(1);
        s.run("touch"); // person 2 and its Task go
        // a touchpoint that waited for a failed person: once the person is fixed, a dry run shows its Task
        s.person(3).email("not-an-email").insert();
        s.touchpoint(31, 3, "email", "Waiting", null, null);
        assertThat(taskOutcome(s, s.run("touch"), "31").reason()).isEqualTo("PERSON_NOT_LINKED");
        s.update(3, "email", "fixed3@example.com");
        RunContext dryFixed = s.run("touch", RunContext.Mode.DRY_RUN);
        assertThat(taskOutcome(s, dryFixed, "31").action()).isEqualTo("CREATED");
        assertThat(taskOutcome(s, dryFixed, "31").reason()).isEqualTo("DRY_RUN");
        assertThat(s.records("Task")).hasSize(2);
    }

    @Test
    void aChangedExternalIdPrefixIsRefusedOnceTasksExist() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.touchpoint(11, 1, "email", "Hi", null, null);
        s.run("touch");
        // the job's Tasks carry the prefix '' in their external IDs; another prefix would make them again
        s.sql("UPDATE sync_state SET activity_prefix = 'old:' WHERE job = 'touch'");
        s.touchpoint(12, 1, "email", "More", null, null);
        RunContext refused = s.run("touch");
        assertThat(refused.status()).isEqualTo("FAILED");
        assertThat(refused.stopReason()).contains("externalIdPrefix", "'old:'");
        assertThat(s.records("Task")).hasSize(1);
        s.sql("UPDATE sync_state SET activity_prefix = '' WHERE job = 'touch'");
        s.run("touch");
        assertThat(s.records("Task")).hasSize(2);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static Map<String, Object> task(SyncHarness s, String touchpoint) {
        return s.records("Task").stream().filter(t -> touchpoint.equals(t.get("Sfsync_Touchpoint_Id__c"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Task for touchpoint " + touchpoint));
    }

    private static SyncStore.LogEntry taskOutcome(SyncHarness s, RunContext run, String key) {
        return s.log(run).stream().filter(e -> e.sourceKey().equals(key) && "Task".equals(e.sobject())).findFirst()
                .orElseThrow(() -> new AssertionError("no Task row for touchpoint " + key));
    }
}
