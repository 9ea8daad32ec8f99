package io.sfsync.sync;

import static io.sfsync.sync.SyncHarness.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import io.sfsync.inbound.Conflicts;
import io.sfsync.inbound.SourceTables;
import io.sfsync.synclog.InboundStore;
import io.sfsync.synclog.SyncStore;

/** Reviewer's tests of inbound sync: each one demonstrates a defect (they fail before the fix). */
abstract class InboundReviewContract extends InboundSyncContract {

    /** The review's own jobs, after the contract's. */
    static final String REVIEW_JOBS = INBOUND_JOBS + """
              crm_dates:
                every: 15m
                direction: inbound
                inbound:
                  objects:
                    Contact: {table: person, key: id, changedAt: updated_at, newRows: skip, matchOn: {Email: email}}
                fields:
                  Contact:
                    LastName: {from: last_name}
                    Email: {from: email}
                    Title: {from: title}
                    CreatedDate: {from: sf_created_at, direction: from_salesforce}
              projects:
                every: 15m
                direction: inbound
                inbound:
                  objects:
                    Project__c: {table: project, key: id, newKey: "field:Id"}
                fields:
                  Project__c:
                    Name: {from: name}
            """;

    // --- merges ----------------------------------------------------------------------------------------

    /** A new duplicate Contact merged (as survivor) with a linked one before the next poll: one row, not two. */
    @Test
    void reviewMergeIntoAnUnlinkedSurvivorDoesNotLinkTwoRowsToIt() {
        Map<String, String> lose = sync().org(Map.of("Contact", List.of(contact("lose", "Lose", "lose@mu.example"))));
        sync().run("crm");
        String loserRow = String.valueOf(personByEmail("lose@mu.example").get("id"));
        Map<String, String> keep = sync().org(Map.of("Contact", List.of(contact("keep", "Keep", "keep@mu.example"))));
        sync().emulator.merge("Contact", keep.get("keep"), List.of(lose.get("lose")));

        RunContext run = sync().run("crm");

        System.out.println("REVIEW log: " + log(run));
        System.out.println("REVIEW person rows: " + rows("SELECT id, last_name, email FROM person ORDER BY id"));
        System.out.println("REVIEW links: " + rows("SELECT source_key, sobject, sf_id FROM sync_link WHERE job = 'crm'"));
        assertThat(count("SELECT COUNT(*) FROM sync_link WHERE job = 'crm' AND sf_id = ?", keep.get("keep")))
                .as("rows linked to the surviving Contact").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM person")).as("person rows").isEqualTo(1);
        assertThat(sync().store().links("crm", List.of(loserRow)).get(loserRow).sfId()).isEqualTo(keep.get("keep"));
    }

    /** The survivor of a merge relinks the loser's row; the survivor's values must reach that row. */
    @Test
    void reviewTheSurvivorsValuesReachTheRelinkedRow() {
        sync().person(611).email("dup@mv.example").with("last_name", "Dup").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("dup", "Dup", "dup@mv.example"))));
        sync().run("crm_existing");
        Map<String, String> master = sync().org(Map.of("Contact", List.of(contact("master", "Master", "master@mv.example",
                "Title", "Boss"))));
        sync().run("crm_existing"); // the master is linked to no row (newRows: skip)

        sync().emulator.merge("Contact", master.get("master"), List.of(ids.get("dup")));
        RunContext merged = sync().run("crm_existing");
        RunContext next = sync().run("crm_existing");

        System.out.println("REVIEW merge log: " + log(merged));
        System.out.println("REVIEW next log: " + log(next));
        assertThat(sync().store().links("crm_existing", List.of("611")).get("611").sfId()).isEqualTo(master.get("master"));
        assertThat(rows("SELECT * FROM person WHERE id = 611").get(0))
                .as("row 611, now linked to the survivor, after two polls")
                .containsEntry("last_name", "Master").containsEntry("title", "Boss");
    }

    // --- conversions -------------------------------------------------------------------------------------

    /** A converted Lead's Contact that comes in a later page than the Lead must still be applied. */
    @Test
    void reviewAConvertedLeadsContactInALaterPageIsApplied() throws Exception {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Late", "Company", "Conv Co",
                "Email", "late@cv.example"))));
        sync().run("crm");
        String row = String.valueOf(personByEmail("late@cv.example").get("id"));
        // three other Contacts change first: a full Contact page (pageSize 3) comes before the converted one
        sync().org(Map.of("Contact", List.of(contact("x1", "X1", "x1@cv.example"), contact("x2", "X2", "x2@cv.example"),
                contact("x3", "X3", "x3@cv.example"))));
        Thread.sleep(20);
        Map<String, String> converted = sync().emulator.convertLead(ids.get("l"), null, null);
        String contactId = converted.get("contactId");

        RunContext run = sync().run("crm");

        System.out.println("REVIEW log: " + log(run));
        Object company = rows("SELECT id FROM company WHERE name = 'Conv Co'").get(0).get("id");
        assertThat(sync().store().links("crm", List.of(row)).get(row).sfId()).isEqualTo(contactId);
        assertThat(personByEmail("late@cv.example").get("company_id"))
                .as("the converted Contact's Account, as the person's company").isEqualTo(company);
        assertThat(log(run).stream().filter(e -> contactId.equals(e.sfId()) && !"LEAD_CONVERTED".equals(e.reason())))
                .as("an outcome of the Contact itself").isNotEmpty();
    }

    /** Where the converted Lead's sync_log row goes: it must name the Lead. */
    @Test
    void reviewAConvertedLeadsLogRowNamesTheLead() {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Named", "Company", "N Co",
                "Email", "named@cv.example"))));
        sync().run("crm");
        Map<String, String> converted = sync().emulator.convertLead(ids.get("l"), null, null);

        RunContext run = sync().run("crm");

        System.out.println("REVIEW log: " + log(run));
        assertThat(log(run).stream().filter(e -> ids.get("l").equals(e.sfId())))
                .as("a sync_log row for Lead %s", ids.get("l")).isNotEmpty();
        assertThat(log(run).stream().filter(e -> converted.get("contactId").equals(e.sfId())))
                .as("sync_log rows for Contact %s (one record version)", converted.get("contactId")).hasSize(1);
    }

    // --- conflicts ---------------------------------------------------------------------------------------

    /** Taking Salesforce's side must bring every Salesforce value, not only the ones that differed. */
    @Test
    void reviewTakingSalesforcesSideAlsoFillsTheRowsBlanks() {
        sync().person(711).email("blank@cf.example").title("Sales").with("first_name", null).with("last_name", "Imp").insert();
        sync().org(Map.of("Contact", List.of(contact("imp", "Imp", "blank@cf.example", "Title", "VP Sales",
                "FirstName", "Ima"))));
        sync().run("crm");
        List<InboundStore.Conflict> open = sync().store().inbound().conflicts("crm", "OPEN");
        assertThat(open).hasSize(1);

        Conflicts.resolve(sync().store(), new SourceTables(sync().runtime.source()), sync().runtime.config().jobs(),
                open.get(0).id(), Conflicts.Take.SALESFORCE, "test operator");
        RunContext after = sync().run("crm");

        System.out.println("REVIEW after log: " + log(after));
        assertThat(personByEmail("blank@cf.example")).containsEntry("title", "VP Sales")
                .as("FirstName, blank in the row, after taking Salesforce's side and one more poll")
                .containsEntry("first_name", "Ima");
    }

    // --- errors ------------------------------------------------------------------------------------------

    /** A record that failed (the column was too short) is not lost: once the column is fixed the next poll writes it. */
    @Test
    @Disabled("review: demonstrates that an ERROR record is never retried; no fix on this branch (needs a re-read by Id)")
    void reviewARecordThatFailedIsWrittenOnceTheCauseIsFixed() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(
                contact("long", "Long", "long@retry.example", "Title", "T".repeat(60)))));
        sync().sql("ALTER TABLE person ALTER COLUMN title " + (sync().postgres() == null ? "SET DATA TYPE" : "TYPE")
                + " VARCHAR(40)");
        RunContext failed;
        try {
            failed = sync().run("crm");
        } finally {
            sync().sql("ALTER TABLE person ALTER COLUMN title " + (sync().postgres() == null ? "SET DATA TYPE" : "TYPE")
                    + " VARCHAR(255)");
        }
        assertThat(logOf(failed, ids.get("long")).action()).isEqualTo("ERROR");

        RunContext again = sync().run("crm");

        System.out.println("REVIEW again log: " + log(again));
        assertThat(count("SELECT COUNT(*) FROM person WHERE email = 'long@retry.example'"))
                .as("the record's row after the column was fixed and the job ran again").isEqualTo(1);
    }

    // --- both ways ---------------------------------------------------------------------------------------

    /** A source edit of one field must survive a later Salesforce edit of another field of the same record. */
    @Test
    @Disabled("review: demonstrates most_recent deciding per record, not per field; no fix on this branch (needs a baseline)")
    void reviewASourceEditSurvivesALaterSalesforceEditOfAnotherField() throws Exception {
        sync().person(811).email("keep@edit.example").with("first_name", "Ann").title("Dev").insert();
        sync().run("twoway");
        String leadId = sync().store().links("twoway", List.of("811")).get("811").sfId();

        sync().updateChangedAt(811, "first_name", "Anna", Instant.now()); // the source's edit, not sent yet
        Thread.sleep(20);
        edit("Lead", leadId, rec("Phone", "555-0100")); // then a Salesforce user edits another field
        RunContext run = sync().run("twoway");

        System.out.println("REVIEW log: " + log(run));
        assertThat(personByEmail("keep@edit.example")).as("the source row").containsEntry("first_name", "Anna");
        assertThat(sync().record(leadId)).as("the Lead").containsEntry("FirstName", "Anna");
    }

    // --- custom objects ----------------------------------------------------------------------------------

    /** The README says a custom object can be polled; its first page rides in the opening call. */
    @Test
    void reviewACustomObjectCanBePolled() {
        sync().emulator.defineObject(Map.of("name", "Project__c"));
        sync().sql("CREATE TABLE IF NOT EXISTS project (id VARCHAR(18) PRIMARY KEY, name VARCHAR(255))", "DELETE FROM project");
        sync().org(Map.of("Project__c", List.of(rec("_ref", "p", "Name", "Apollo"))));

        RunContext run = sync().run("projects");

        System.out.println("REVIEW projects: " + run.status() + " " + sync().store().runHistory().run(run.runId()).orElseThrow());
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(count("SELECT COUNT(*) FROM project WHERE name = 'Apollo'")).isEqualTo(1);
    }

    // --- typed values ------------------------------------------------------------------------------------

    private void datesColumn() {
        sync().sql("ALTER TABLE person ADD COLUMN IF NOT EXISTS sf_created_at TIMESTAMP WITH TIME ZONE");
    }

    /** A datetime the row already holds (the same instant) is no difference: no conflict on the first link. */
    @Test
    void reviewTheSameInstantIsNoConflictOnAFirstLink() {
        datesColumn();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("d", "Dates", "d@dt.example"))));
        Instant created = io.sfsync.inbound.ChangeQueriesReviewAccess.instant(
                String.valueOf(sync().record(ids.get("d")).get("CreatedDate")));
        sync().person(631).email("d@dt.example").with("last_name", "Dates").with("sf_created_at",
                created.atOffset(java.time.ZoneOffset.UTC)).insert();

        RunContext run = sync().run("crm_dates");

        System.out.println("REVIEW dates log: " + log(run) + " conflicts " + sync().store().inbound().conflicts("crm_dates", null));
        assertThat(logOf(run, ids.get("d")).action()).as("first link of a record whose values the row has")
                .isEqualTo("LINKED");
    }

    /** A later change of one field logs that field only, and a datetime that did not change is not rewritten. */
    @Test
    void reviewAnUnchangedDatetimeIsNotLoggedAsChanged() {
        datesColumn();
        sync().person(632).email("e@dt.example").with("last_name", "Ed").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("e", "Ed", "e@dt.example"))));
        sync().run("crm_dates"); // links and fills sf_created_at

        edit("Contact", ids.get("e"), Map.of("Title", "Chief"));
        RunContext run = sync().run("crm_dates");

        System.out.println("REVIEW dates2 log: " + log(run));
        assertThat(logOf(run, ids.get("e")).fields()).isEqualTo("Title");
    }

    /** A both-ways job: a conflict its inbound half opens holds the outbound half too (nothing written either way). */
    @Test
    void reviewAConflictOpenedByTheInboundHalfHoldsTheOutboundHalfOfTheSameRun() {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "FirstName", "Rob", "LastName", "Held",
                "Company", "Held Co", "Email", "held@cf2.example"))));
        sync().person(821).email("held@cf2.example").with("first_name", "Rob").with("last_name", "Held").insert();
        // an operator links the row to the Lead by hand (sfsync link): the first inbound look compares both sides
        sync().sql("INSERT INTO sync_link (job, source_key, sobject, sf_id, synced_at, linked_by) VALUES ('twoway', '821',"
                + " 'Lead', '" + ids.get("l") + "', CURRENT_TIMESTAMP, 'MANUAL')");
        sync().updateChangedAt(821, "first_name", "Bob", Instant.now()); // the row differs, changed after the Lead

        RunContext run = sync().run("twoway");

        System.out.println("REVIEW twoway conflict log: " + log(run));
        assertThat(sync().store().inbound().conflicts("twoway", "OPEN")).hasSize(1);
        assertThat(sync().record(ids.get("l"))).as("the Lead while its conflict is open").containsEntry("FirstName", "Rob");
    }
}
