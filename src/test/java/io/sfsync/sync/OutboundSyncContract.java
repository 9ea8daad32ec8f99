package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.emulator.control.Faults;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.SyncStore;

/**
 * The outbound sync's behaviours, each proved through the real routes and camel-salesforce
 * against the emulator. Subclasses run them on H2 and on PostgreSQL.
 */
abstract class OutboundSyncContract {

    abstract SyncHarness sync();

    @BeforeEach
    void clean() {
        sync().reset();
        leadIndustries(sync()); // the org's own Industry values (a test may have added one; a reset keeps the schema)
    }

    /** Sets Lead.Industry's values to the org's standard ones and these. */
    private static void leadIndustries(SyncHarness s, String... more) {
        List<String> industries = new java.util.ArrayList<>(io.sfsync.emulator.org.OrgSchema.INDUSTRIES);
        industries.addAll(List.of(more));
        s.emulator.control().handle("POST", "/fields", Map.of(), s.emulator.json().write(Map.of("object", "Lead",
                "name", "Industry", "type", "picklist", "values", industries, "restricted", true)));
    }

    private static Map<String, Object> rec(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private Map<String, String> org(String object, Map<String, Object>... records) {
        return sync().org(Map.of(object, List.of(records)));
    }

    private static long count(List<SyncStore.LogEntry> log, Action action) {
        return log.stream().filter(e -> e.action().equals(action.name())).count();
    }

    // --- the seed-003 test batch -------------------------------------------------------------------

    @Test
    void seed003BatchCreatesUpdatesAndReportsTheMissingRequiredField() {
        SyncHarness s = sync();
        s.company(1, "Acme", "acme.example", "IT");
        s.person(1).company(1).email("new.person@acme.example").insert();
        s.person(2).company(1).email("lead@acme.example").insert();
        s.person(3).company(1).email("contact@acme.example").insert();
        s.person(4).email("nocompany@nowhere.example").insert(); // no company: strict has no default for Company
        Map<String, String> ids = s.org(Map.of(
                "Lead", List.of(rec("_ref", "lead", "LastName", "Old", "Company", "Acme", "Email", "lead@acme.example")),
                "Contact", List.of(rec("_ref", "contact", "LastName", "Old", "Email", "contact@acme.example"))));

        RunContext run = s.run("strict");

        assertThat(s.outcome(run, "1").action()).isEqualTo("CREATED");
        assertThat(s.outcome(run, "2").action()).isEqualTo("UPDATED");
        assertThat(s.outcome(run, "2").sfId()).isEqualTo(ids.get("lead"));
        assertThat(s.outcome(run, "3").action()).isEqualTo("UPDATED");
        assertThat(s.outcome(run, "3").sobject()).isEqualTo("Contact");
        SyncStore.LogEntry missing = s.outcome(run, "4");
        assertThat(missing.action()).isEqualTo("ERROR");
        assertThat(missing.reason()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(missing.fields()).isEqualTo("Company");
        assertThat(missing.message()).contains("row 4").contains("Company");
        assertThat(run.counts().summary()).isEqualTo("1 created, 2 updated, 0 skipped, 0 duplicates, 1 error");
        assertThat(s.record(ids.get("lead"))).containsEntry("LastName", "Last2");
    }

    @Test
    void errorsAreRetriedByKeyOnceTheSourceIsFixed() {
        SyncHarness s = sync();
        s.company(1, "Acme", "acme.example", null);
        s.person(1).company(1).email("fine@x.example").with("last_name", null).insert(); // strict: LastName is required
        RunContext first = s.run("strict");
        assertThat(s.outcome(first, "1").reason()).isEqualTo("REQUIRED_FIELD_MISSING");
        s.sql("UPDATE person SET last_name = 'Fixed' WHERE id = 1"); // fixed without touching updated_at
        List<String> keys = s.store().latestErrors("strict", first.runId(), "REQUIRED_FIELD_MISSING").stream()
                .map(SyncStore.LogEntry::sourceKey).toList();
        assertThat(keys).containsExactly("1");
        RunContext retry = s.runtime.run("strict", RunContext.Mode.RUN, "cli", null, keys, null);
        assertThat(s.outcome(retry, "1").action()).isEqualTo("CREATED");
        assertThat(s.record(s.outcome(retry, "1").sfId())).containsEntry("LastName", "Fixed");
    }

    @Test
    void contactWinsOverLeadWhenBothMatch() {
        SyncHarness s = sync();
        s.person(1).email("both@x.example").insert();
        Map<String, String> ids = s.org(Map.of(
                "Lead", List.of(rec("_ref", "l", "LastName", "L", "Company", "C", "Email", "both@x.example")),
                "Contact", List.of(rec("_ref", "c", "LastName", "C", "Email", "both@x.example"))));
        RunContext run = s.run("people");
        assertThat(s.outcome(run, "1").sfId()).isEqualTo(ids.get("c"));
        assertThat(s.record(ids.get("l"))).containsEntry("LastName", "L");
    }

    @Test
    void aConvertedLeadIsFollowedToItsContact() {
        SyncHarness s = sync();
        s.person(1).email("converted@x.example").title("CTO").insert();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "L", "Company", "C",
                "Email", "converted@x.example")))).get("l");
        String contact = s.emulator.convertLead(lead, null, null).get("contactId");
        // the Contact has another email now, so only the conversion leads to it
        s.emulator.org().store().put(null, "Contact", new java.util.LinkedHashMap<>(Map.of("Id", contact, "LastName", "L",
                "Email", "changed@x.example", "IsDeleted", false, "OwnerId", s.emulator.org().integrationUserId())));
        RunContext run = s.run("people");
        SyncStore.LogEntry o = s.outcome(run, "1");
        assertThat(o.action()).isEqualTo("UPDATED");
        assertThat(o.sobject()).isEqualTo("Contact");
        assertThat(o.sfId()).isEqualTo(contact);
        assertThat(s.record(contact)).containsEntry("Title", "CTO");
    }

    @Test
    void twoMatchesInOneObjectAreReportedAsAmbiguousAndNothingIsWritten() {
        SyncHarness s = sync();
        s.person(1).email("twice@x.example").insert();
        org("Lead", rec("LastName", "A", "Company", "C", "Email", "twice@x.example"),
                rec("LastName", "B", "Company", "C", "Email", "twice@x.example"));
        RunContext run = s.run("people");
        SyncStore.LogEntry o = s.outcome(run, "1");
        assertThat(o.action()).isEqualTo("DUPLICATE");
        assertThat(o.reason()).isEqualTo("AMBIGUOUS_MATCH");
        assertThat(s.records("Lead")).extracting(r -> r.get("LastName")).containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void ambiguousMatchesCanUpdateTheMostRecentlyModified() throws Exception {
        SyncHarness s = sync();
        s.person(1).email("twice@x.example").title("VP").insert();
        Map<String, String> ids = s.org(Map.of("Lead", List.of(
                rec("_ref", "old", "LastName", "Old", "Company", "C", "Email", "twice@x.example",
                        "LastModifiedDate", "2020-01-01T00:00:00.000+0000"),
                rec("_ref", "new", "LastName", "New", "Company", "C", "Email", "twice@x.example",
                        "LastModifiedDate", "2026-01-01T00:00:00.000+0000"))));
        RunContext run = s.run("most_recent");
        assertThat(s.outcome(run, "1").sfId()).isEqualTo(ids.get("new"));
        assertThat(s.record(ids.get("new"))).containsEntry("Title", "VP");
        assertThat(s.record(ids.get("old"))).doesNotContainKey("Title");
    }

    @Test
    void twoSourceRowsWithOneEmailMakeOneWrite() {
        SyncHarness s = sync();
        s.person(1).email("same@x.example").insert();
        s.person(2).email("SAME@x.example ").insert();
        RunContext run = s.run("people");
        assertThat(s.outcome(run, "1").reason()).isEqualTo("DUPLICATE_IN_SOURCE");
        assertThat(s.outcome(run, "2").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).hasSize(1);
    }

    @Test
    void salesforceDuplicateRuleIsReportedAsDuplicatesDetected() {
        SyncHarness s = sync();
        s.person(1).email("known@x.example").insert();
        org("Contact", rec("LastName", "Known", "Email", "known@x.example"));
        RunContext run = s.run("leads_only"); // does not look at Contacts, so Salesforce's Lead rule catches it
        SyncStore.LogEntry o = s.outcome(run, "1");
        assertThat(o.action()).isEqualTo("DUPLICATE");
        assertThat(o.reason()).isEqualTo("DUPLICATES_DETECTED");
        assertThat(s.records("Lead")).isEmpty();
    }

    @Test
    void aBatchSeesWhatTheBatchBeforeItWroteForTheSameEmailOrCompany() {
        SyncHarness s = sync();
        s.company(1, "Hooli", "hooli.example", null);
        for (int i = 1; i <= 49; i++) {
            s.person(i).insert();
        }
        s.person(50).email("same@hooli.example").company(1).insert(); // last row of the first batch (50)
        s.person(51).email("same@hooli.example").company(1).insert(); // first row of the second
        s.person(52).email("other@hooli.example").company(1).insert();
        RunContext run = s.run("contacts");
        assertThat(s.outcome(run, "50").action()).isEqualTo("CREATED");
        assertThat(s.outcome(run, "51").action()).isIn("UPDATED", "SKIPPED");
        assertThat(s.outcome(run, "51").sfId()).isEqualTo(s.outcome(run, "50").sfId());
        assertThat(s.records("Contact").stream().filter(c -> "same@hooli.example".equals(c.get("Email")))).hasSize(1);
        assertThat(s.records("Account").stream().filter(a -> "Hooli".equals(a.get("Name")))).hasSize(1);
        assertThat(s.record(s.outcome(run, "52").sfId()).get("AccountId"))
                .isEqualTo(s.record(s.outcome(run, "50").sfId()).get("AccountId"));
    }

    // --- ownership -----------------------------------------------------------------------------------

    @Test
    void ownerIsTheActiveUserWithTheRowsOwnerEmail() {
        SyncHarness s = sync();
        String rep = s.org(Map.of("User", List.of(rec("_ref", "rep", "Email", "rep@corp.example", "LastName", "Rep"))))
                .get("rep");
        s.person(1).owner("REP@corp.example").insert();
        RunContext run = s.run("people");
        assertThat(s.record(s.outcome(run, "1").sfId())).containsEntry("OwnerId", rep);
    }

    @Test
    void withoutAKnownOwnerTheLeadAssignmentRuleDecides() {
        SyncHarness s = sync();
        s.person(1).owner("stranger@elsewhere.example").insert();
        RunContext run = s.run("people");
        assertThat(s.record(s.outcome(run, "1").sfId())).containsEntry("OwnerId", s.emulator.org().inboundQueueId());
    }

    @Test
    void ownedRowsAndRowsForTheAssignmentRuleShareOneWriteCall() {
        SyncHarness s = sync();
        String rep = s.org(Map.of("User", List.of(rec("_ref", "rep", "Email", "rep@corp.example", "LastName", "Rep"))))
                .get("rep");
        for (int i = 1; i <= 6; i++) {
            s.person(i).owner(i % 2 == 0 ? "rep@corp.example" : "stranger@elsewhere.example").insert();
        }
        RunContext run = s.run("people");
        for (int i = 1; i <= 6; i++) {
            assertThat(s.record(s.outcome(run, String.valueOf(i)).sfId())).containsEntry("OwnerId",
                    i % 2 == 0 ? rep : s.emulator.org().inboundQueueId());
        }
        // the opening call, the lookup, ONE write: each collection carries its own Sforce-Auto-Assign
        assertThat(run.apiCalls()).isEqualTo(3);
    }

    @Test
    void aRowWithNothingToLookUpStillGetsTheFallbackOwnerWhenTheOpeningCallWaitsForTheLookup() {
        SyncHarness s = sync();
        String fallback = s.org(Map.of("User", List.of(rec("_ref", "f", "Email", "fallback.rep@corp.example",
                "LastName", "Fallback")))).get("f");
        s.person(1).insert();
        RunContext first = s.run("no_keys_fallback_user"); // the describes are kept
        assertThat(s.record(s.outcome(first, "1").sfId())).containsEntry("OwnerId", fallback);
        s.person(2).email(null).insert(); // no email, no company, no owner, no external ID: nothing to look up
        RunContext second = s.run("no_keys_fallback_user");
        assertThat(s.outcome(second, "2").action()).isEqualTo("CREATED");
        assertThat(s.record(s.outcome(second, "2").sfId())).containsEntry("OwnerId", fallback);
    }

    @Test
    void fallbackOwnerIsANamedUserOrAQueue() {
        SyncHarness s = sync();
        String fallback = s.org(Map.of("User", List.of(rec("_ref", "f", "Email", "fallback.rep@corp.example",
                "LastName", "Fallback")))).get("f");
        s.person(1).owner("stranger@elsewhere.example").insert();
        RunContext byUser = s.run("fallback_user");
        assertThat(s.record(s.outcome(byUser, "1").sfId())).containsEntry("OwnerId", fallback);
        s.person(2).owner(null).insert();
        RunContext byQueue = s.run("fallback_queue");
        assertThat(s.record(s.outcome(byQueue, "2").sfId())).containsEntry("OwnerId", s.emulator.org().inboundQueueId());
    }

    @Test
    void aRecordOwnedByAnotherUserIsSkippedUnlessTheToggleIsOn() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of(
                "User", List.of(rec("_ref", "mine", "Email", "mine@corp.example", "LastName", "Mine"),
                        rec("_ref", "theirs", "Email", "theirs@corp.example", "LastName", "Theirs")),
                "Contact", List.of(rec("_ref", "c", "LastName", "Old", "Email", "owned@x.example", "OwnerId", "@theirs"))));
        s.person(1).email("owned@x.example").owner("mine@corp.example").insert();
        RunContext off = s.run("people");
        assertThat(s.outcome(off, "1").reason()).isEqualTo("OWNED_BY_OTHER_USER");
        assertThat(s.record(ids.get("c"))).containsEntry("LastName", "Old");
        RunContext on = s.run("regardless");
        assertThat(s.outcome(on, "1").action()).isEqualTo("UPDATED");
        assertThat(s.record(ids.get("c"))).containsEntry("LastName", "Last1").containsEntry("OwnerId", ids.get("theirs"));
    }

    // --- overwrite rules and blanks ------------------------------------------------------------------------

    @Test
    void ifBlankFillsOnlyEmptyFieldsAndNeverIsSetOnCreateOnly() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of("Lead", List.of(
                rec("_ref", "a", "LastName", "A", "Company", "C", "Email", "a@x.example", "Title", "Rep's own title",
                        "Status", "Working - Contacted"),
                rec("_ref", "b", "LastName", "B", "Company", "C", "Email", "b@x.example"))));
        s.person(1).email("a@x.example").title("Source title").insert();
        s.person(2).email("b@x.example").title("Source title").insert();
        s.run("people");
        assertThat(s.record(ids.get("a"))).containsEntry("Title", "Rep's own title").containsEntry("Status", "Working - Contacted");
        assertThat(s.record(ids.get("b"))).containsEntry("Title", "Source title");
    }

    @Test
    void whenRuleWritesOnlyIfTheConditionHoldsOnTheCurrentRecord() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of("Lead", List.of(
                rec("_ref", "open", "LastName", "A", "Company", "C", "Email", "open@x.example", "Status", "Open - Not Contacted"),
                rec("_ref", "closed", "LastName", "B", "Company", "C", "Email", "closed@x.example",
                        "Status", "Closed - Not Converted"))));
        s.person(1).email("open@x.example").insert();
        s.person(2).email("closed@x.example").insert();
        s.run("when_rule");
        assertThat(s.record(ids.get("open"))).containsEntry("Status", "Working - Contacted");
        assertThat(s.record(ids.get("closed"))).containsEntry("Status", "Closed - Not Converted");
    }

    @Test
    void aBlankSourceValueNeverOverwritesSalesforceData() {
        SyncHarness s = sync();
        String id = s.org(Map.of("Contact", List.of(rec("_ref", "c", "LastName", "C", "Email", "c@x.example",
                "Phone", "+1 555 0100")))).get("c");
        s.person(1).email("c@x.example").with("phone", "  ").insert();
        s.run("people");
        assertThat(s.record(id)).containsEntry("Phone", "+1 555 0100");
    }

    // --- picklists, modes, segments -------------------------------------------------------------------------

    @Test
    void picklistValuesAreTranslatedAndInvalidOnesDroppedOrReported() {
        SyncHarness s = sync();
        s.company(1, "It Co", "itco.example", "IT");
        s.company(2, "Odd Co", "odd.example", "Alchemy");
        s.person(1).company(1).insert();
        s.person(2).company(2).insert();
        RunContext run = s.run("people");
        assertThat(s.record(s.outcome(run, "1").sfId())).containsEntry("Industry", "Technology");
        assertThat(s.record(s.outcome(run, "2").sfId())).doesNotContainKey("Industry");
        s.reset();
        s.company(2, "Odd Co", "odd.example", "Alchemy");
        s.person(2).company(2).insert();
        RunContext strict = s.run("strict");
        SyncStore.LogEntry o = s.outcome(strict, "2");
        assertThat(o.action()).isEqualTo("ERROR");
        assertThat(o.reason()).isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(o.message()).contains("row 2").contains("Lead.Industry").contains("Alchemy");
    }

    @Test
    void createOnlyNeverUpdatesAndUpdateOnlyNeverCreates() {
        SyncHarness s = sync();
        org("Lead", rec("LastName", "Existing", "Company", "C", "Email", "exists@x.example"));
        s.person(1).email("exists@x.example").insert();
        s.person(2).email("new@x.example").insert();
        RunContext createOnly = s.run("create_only");
        assertThat(s.outcome(createOnly, "1").reason()).isEqualTo("EXISTS_CREATE_ONLY");
        assertThat(s.outcome(createOnly, "2").action()).isEqualTo("CREATED");
        s.reset();
        s.person(2).email("new@x.example").insert();
        RunContext updateOnly = s.run("update_only");
        assertThat(s.outcome(updateOnly, "2").reason()).isEqualTo("NOT_FOUND_UPDATE_ONLY");
        assertThat(s.records("Lead")).isEmpty();
    }

    @Test
    void rowsOutsideTheSegmentOrMarkedDoNotContactAreSkipped() {
        SyncHarness s = sync();
        s.person(1).with("email_status", "risky").insert();
        s.person(2).with("do_not_contact", true).insert();
        s.person(3).insert();
        RunContext run = s.run("valid_only");
        assertThat(s.outcome(run, "1").reason()).isEqualTo("NOT_IN_SEGMENT");
        assertThat(s.outcome(run, "2").reason()).isEqualTo("DO_NOT_CONTACT");
        assertThat(s.outcome(run, "3").action()).isEqualTo("CREATED");
    }

    // --- accounts ---------------------------------------------------------------------------------------------

    @Test
    void accountsAreMatchedByDomainThenByNameAndCreatedOnceWhenMissing() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of("Account", List.of(
                rec("_ref", "byDomain", "Name", "Globex Corporation", "Website", "https://www.globex.example/about"),
                rec("_ref", "byName", "Name", "Initech", "Website", "https://initech-old.example"))));
        s.company(1, "Globex", "globex.example", null);
        s.company(2, "Initech", "initech.example", null);
        s.company(3, "Hooli", "hooli.example", null);
        s.person(1).company(1).insert();
        s.person(2).company(2).insert();
        s.person(3).company(3).insert();
        s.person(4).company(3).insert();
        RunContext run = s.run("contacts");
        assertThat(s.record(s.outcome(run, "1").sfId())).containsEntry("AccountId", ids.get("byDomain"));
        assertThat(s.record(s.outcome(run, "2").sfId())).containsEntry("AccountId", ids.get("byName"));
        List<Map<String, Object>> hooli = s.records("Account").stream().filter(a -> "Hooli".equals(a.get("Name"))).toList();
        assertThat(hooli).hasSize(1);
        assertThat(s.record(s.outcome(run, "3").sfId())).containsEntry("AccountId", hooli.get(0).get("Id"));
        assertThat(s.record(s.outcome(run, "4").sfId())).containsEntry("AccountId", hooli.get(0).get("Id"));
    }

    @Test
    void accountsLeadTheBatchsFirstWriteCallAndTheirContactsFollowInTheNext() {
        SyncHarness s = sync();
        // 801 Leads to create (five collections) and a Contact in the org without an account, at a new company
        String contact = s.org(Map.of("Contact", List.of(rec("_ref", "c", "LastName", "C", "Email", "mover@x.example"))))
                .get("c");
        s.company(1, "Hooli", "hooli.example", null);
        s.person(1).company(1).email("mover@x.example").insert();
        for (int i = 2; i <= 802; i++) {
            s.person(i).insert();
        }
        RunContext run = s.run("wide");
        assertThat(run.counts().created()).isEqualTo(801);
        assertThat(s.outcome(run, "1").action()).isEqualTo("UPDATED");
        List<Map<String, Object>> hooli = s.records("Account").stream().filter(a -> "Hooli".equals(a.get("Name"))).toList();
        assertThat(hooli).hasSize(1);
        assertThat(s.record(contact)).containsEntry("AccountId", hooli.get(0).get("Id"));
        // the opening call, the lookup, then the Account beside four collections of Leads, then the fifth with the
        // Contact: two write calls, where the Account in a call of its own made three
        assertThat(run.apiCalls()).isEqualTo(4);
    }

    @Test
    void theFirstLookupRidesOnTheOpeningCallAndADescribeChangedSinceTheLastRunMapsTheBatchAgain() {
        SyncHarness s = sync();
        s.company(1, "Botco", "botco.example", "Robotics"); // not one of the org's Industry values: dropped
        s.person(1).company(1).insert();
        s.person(2).insert();
        RunContext first = s.run("people");
        String lead = s.outcome(first, "1").sfId();
        assertThat(s.record(lead).get("Industry")).isNull();
        assertThat(first.apiCalls()).isEqualTo(3); // the opening call, the lookup, the write

        s.update(2, "phone", "+1 555 0100");
        RunContext second = s.run("people");
        assertThat(s.outcome(second, "2").action()).isEqualTo("UPDATED");
        // mapped with the describes the first run kept: the lookup rides on the opening call
        assertThat(second.apiCalls()).isEqualTo(2);

        // an admin adds the value; the row changes: the kept describes no longer hold
        leadIndustries(s, "Robotics");
        s.update(1, "phone", "+1 555 0101");
        RunContext third = s.run("people");
        assertThat(s.outcome(third, "1").action()).isEqualTo("UPDATED");
        assertThat(s.record(lead)).containsEntry("Industry", "Robotics");
        // the opening call (with the lookup made from the old describes), the lookup again, the write
        assertThat(third.apiCalls()).isEqualTo(3);
        assertThat(s.run("people").apiCalls()).isEqualTo(1); // nothing changed: the opening call alone
    }

    @Test
    void withAssociateContactsOffAccountsAreCreatedButNoContactGetsOne() {
        SyncHarness s = sync();
        s.company(1, "Hooli", "hooli.example", null);
        s.person(1).company(1).insert();
        RunContext run = s.run("contacts_unassociated");
        assertThat(s.outcome(run, "1").action()).isEqualTo("CREATED");
        assertThat(s.records("Account").stream().filter(a -> "Hooli".equals(a.get("Name")))).hasSize(1);
        assertThat(s.record(s.outcome(run, "1").sfId()).get("AccountId")).isNull();
    }

    @Test
    void anExistingAssociationIsKeptUnlessOverrideIsOn() {
        SyncHarness s = sync();
        Map<String, String> ids = s.org(Map.of(
                "Account", List.of(rec("_ref", "old", "Name", "Old Employer"), rec("_ref", "new", "Name", "New Employer")),
                "Contact", List.of(rec("_ref", "c", "LastName", "C", "Email", "mover@x.example", "AccountId", "@old"))));
        s.company(1, "New Employer", null, null);
        s.person(1).company(1).email("mover@x.example").insert();
        s.run("contacts");
        assertThat(s.record(ids.get("c"))).containsEntry("AccountId", ids.get("old"));
        s.run("contacts_override");
        assertThat(s.record(ids.get("c"))).containsEntry("AccountId", ids.get("new"));
    }

    // --- change detection, escaping ----------------------------------------------------------------------------

    @Test
    void unchangedRowsAreSkippedWithoutAnyApiCall() {
        SyncHarness s = sync();
        for (int i = 1; i <= 120; i++) {
            s.person(i).insert();
        }
        RunContext first = s.run("people");
        assertThat(first.counts().created()).isEqualTo(120);
        s.store().resetWatermark("people"); // read everything again
        long before = s.emulator.limits().used();
        RunContext second = s.run("people");
        assertThat(second.counts().skipped()).isEqualTo(120);
        assertThat(s.log(second)).allMatch(e -> "NO_CHANGE".equals(e.reason()));
        // one call for limits and describes at the start of the run; none for the 120 unchanged rows
        assertThat(s.emulator.limits().used() - before).isEqualTo(1);
        assertThat(second.apiCalls()).isEqualTo(1);
    }

    @Test
    void aRowCommittedLateBehindTheWatermarkIsSyncedOnceThroughTheOverlapWindow() {
        SyncHarness s = sync();
        for (int i = 1; i <= 3; i++) {
            s.person(i).insert();
        }
        assertThat(s.run("people").counts().created()).isEqualTo(3);
        io.sfsync.synclog.Watermark watermark = s.store().state("people").watermark();
        // a transaction that began before the last row was written commits only now: its row is 30 s behind
        s.person(4).insertChangedAt(watermark.changedAt().minusSeconds(30));
        RunContext second = s.run("people");
        assertThat(second.counts().attempted()).isEqualTo(1); // the three synced rows are not attempted again
        assertThat(s.outcome(second, "4").action()).isEqualTo("CREATED");
        assertThat(s.store().state("people").watermark()).isEqualTo(watermark); // never moved back
        RunContext third = s.run("people");
        assertThat(third.counts().attempted()).isZero();
        assertThat(third.apiCalls()).isEqualTo(1); // the run's opening call only
        assertThat(s.records("Lead")).filteredOn(r -> "person4@example.com".equals(r.get("Email"))).hasSize(1);
    }

    private io.sfsync.synclog.Watermark threeSynced(SyncHarness s) {
        for (int i = 1; i <= 3; i++) {
            s.person(i).insert();
        }
        assertThat(s.run("people").counts().created()).isEqualTo(3);
        return s.store().state("people").watermark();
    }

    private static long leadsWithEmail(SyncHarness s, String email) {
        return s.records("Lead").stream().filter(r -> email.equals(r.get("Email"))).count();
    }

    @Test
    void aDryRunDoesNotHideALateRowFromTheNextRealRun() {
        SyncHarness s = sync();
        io.sfsync.synclog.Watermark watermark = threeSynced(s);
        s.person(4).insertChangedAt(watermark.changedAt().minusSeconds(30));
        assertThat(s.outcome(s.run("people", RunContext.Mode.DRY_RUN), "4").action()).isEqualTo("CREATED");
        assertThat(s.outcome(s.run("people"), "4").action()).isEqualTo("CREATED");
        assertThat(leadsWithEmail(s, "person4@example.com")).isEqualTo(1);
        // and the dry run's "would create" is not counted as created today
        assertThat(s.store().tally("people", java.time.Instant.EPOCH, null).stream()
                .mapToLong(t -> t.byAction().getOrDefault("CREATED", 0L)).sum()).isEqualTo(4);
    }

    @Test
    void aLateRowThatEndsPendingIsRetriedByTheNextRun() {
        SyncHarness s = sync();
        io.sfsync.synclog.Watermark watermark = threeSynced(s);
        s.person(4).insertChangedAt(watermark.changedAt().minusSeconds(30));
        // every write composite fails (after the run's opening call, which carries the lookup)
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_ERROR, 1.0, 1000, "composite$", "POST", 1));
        assertThat(s.outcome(s.run("people"), "4").action()).isEqualTo("PENDING");
        s.emulator.faults().clear();
        assertThat(s.outcome(s.run("people"), "4").action()).isEqualTo("CREATED");
        assertThat(leadsWithEmail(s, "person4@example.com")).isEqualTo(1);
    }

    @Test
    void aLateUpdateOfASyncedRowIsWrittenEvenIfStampedBeforeTheLastRun() {
        SyncHarness s = sync();
        io.sfsync.synclog.Watermark watermark = threeSynced(s);
        // a transaction that began before the first run (PostgreSQL's now() is its start) commits after it
        s.updateChangedAt(2, "phone", "+1 555 0199", watermark.changedAt().minusSeconds(30));
        RunContext next = s.run("people");
        assertThat(s.outcome(next, "2").action()).isEqualTo("UPDATED");
        assertThat(s.records("Lead")).filteredOn(r -> "person2@example.com".equals(r.get("Email")))
                .singleElement().satisfies(r -> assertThat(r).containsEntry("Phone", "+1 555 0199"));
        assertThat(s.run("people").counts().attempted()).isZero(); // settled: not attempted again
    }

    @Test
    void rowsSetAsideFromTheOverlapWindowDoNotSplitABatch() {
        SyncHarness s = sync();
        for (int i = 1; i <= 52; i++) {
            s.person(i).insert(); // a minute apart: 51 and 52 lie in the 60 s overlap window and stay there
        }
        assertThat(s.run("people").counts().created()).isEqualTo(52);
        for (int i = 1; i <= 50; i++) {
            s.update(i, "phone", "+1 555 02" + (i % 100));
        }
        RunContext second = s.run("people");
        assertThat(second.counts().updated()).isEqualTo(50);
        // one batch of 50 (the job's batchSize): its lookup on the opening call (the describes kept from the first
        // run), one write
        assertThat(second.apiCalls()).isEqualTo(2);
    }

    @Test
    void theReportCountsEveryRowAndShowsFiveExamplesPerReason() {
        SyncHarness s = sync();
        for (int i = 1; i <= 7; i++) {
            s.person(i).email("not-an-email-" + i).insert();
        }
        for (int i = 8; i <= 10; i++) {
            s.person(i).insert();
        }
        RunContext run = s.run("people");
        String report = io.sfsync.synclog.RunReport.render(s.store().run(run.runId()).orElseThrow(),
                s.store().digest(run.runId(), io.sfsync.synclog.RunReport.EXAMPLES));
        assertThat(report).contains("3 created, 0 updated, 0 skipped, 0 duplicates, 7 errors", "Created (3)", "3 Leads",
                "Errors (7)", "INVALID_EMAIL_ADDRESS (7)", "… and 2 more (sfsync report --run " + run.runId());
        assertThat(report.lines().filter(l -> l.startsWith("    • "))).hasSize(5)
                .allMatch(l -> l.contains("not-an-email-"));
        assertThat(report).contains("… and 2 more (sfsync report --run " + run.runId() + " --all)");
        // report --all: every row of each reason
        String all = io.sfsync.synclog.RunReport.render(s.store().run(run.runId()).orElseThrow(),
                s.store().digest(run.runId(), Integer.MAX_VALUE), Integer.MAX_VALUE);
        assertThat(all.lines().filter(l -> l.startsWith("    • "))).hasSize(7);
        assertThat(all).doesNotContain("more (sfsync report");
        // created vs attempted, per object: the same ten rows
        List<SyncStore.ObjectTally> tally = s.store().tally("people", java.time.Instant.EPOCH, null);
        assertThat(tally.stream().mapToLong(SyncStore.ObjectTally::attempted).sum()).isEqualTo(10);
        assertThat(tally).filteredOn(t -> "Lead".equals(t.sobject())).singleElement()
                .satisfies(t -> assertThat(t.byAction()).containsEntry("CREATED", 3L));
    }

    @Test
    void anEmailWithAQuoteIsMatchedAndCannotInjectSoql() {
        SyncHarness s = sync();
        String id = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "O'Brien", "Company", "C",
                "Email", "o'brien@x.example")))).get("l");
        org("Lead", rec("LastName", "Other", "Company", "C", "Email", "other@x.example"));
        s.person(1).email("o'brien@x.example").insert();
        s.person(2).email("x' OR Email != '").insert();
        RunContext run = s.run("people");
        assertThat(s.outcome(run, "1").sfId()).isEqualTo(id);
        assertThat(s.outcome(run, "2").action()).isEqualTo("ERROR");
        assertThat(s.outcome(run, "2").reason()).isEqualTo("INVALID_EMAIL_ADDRESS");
        assertThat(s.records("Lead")).extracting(r -> r.get("LastName")).contains("Other");
    }

    // --- failures ------------------------------------------------------------------------------------------

    @Test
    void transientServerErrorsAreRetriedWithBackoff() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 1.0, 2, "composite$", "POST"));
        RunContext run = s.run("people");
        assertThat(run.counts().created()).isEqualTo(10);
        assertThat(run.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void lockErrorsOnSomeRecordsAreSentAgain() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 1.0, 3, null, null));
        RunContext run = s.run("people");
        assertThat(run.counts().created()).isEqualTo(10);
        assertThat(s.records("Lead")).hasSize(10);
    }

    @Test
    void aSessionExpiringMidRunIsRenewedByLoggingInAgain() {
        SyncHarness s = sync();
        for (int i = 1; i <= 60; i++) {
            s.person(i).insert();
        }
        s.run("people");
        s.emulator.sessions().expireAll();
        for (int i = 61; i <= 80; i++) {
            s.person(i).insert();
        }
        RunContext run = s.run("people");
        assertThat(run.counts().created()).isEqualTo(20);
        assertThat(run.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aResponseLostAfterCommitDoesNotCreateADuplicate() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        // the third call (after metadata and lookup) is the write: committed in Salesforce, then the
        // connection drops, so camel-salesforce sees an I/O error and the upsert is sent again
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 1.0, 1, "composite$", "POST", 2));
        RunContext run = s.run("people");
        assertThat(s.emulator.faults().rules().get(0).count()).isZero();
        assertThat(s.records("Lead")).hasSize(10);
        // the resend found them by external ID; they were created by this run, and are counted so
        assertThat(count(s.log(run), Action.CREATED)).isEqualTo(10);
        assertThat(s.log(run)).allMatch(e -> "CREATE_CONFIRMED".equals(e.reason()));
    }

    @Test
    void withoutAnExternalIdALostResponseLeavesRowsPendingAndTheRerunMatchesInsteadOfDuplicating() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.LOSE_RESPONSE, 1.0, 1, "composite$", "POST", 2));
        RunContext first = s.run("no_external_id");
        assertThat(s.records("Lead")).hasSize(10);
        long pending = count(s.log(first), Action.PENDING);
        assertThat(pending).isPositive();
        assertThat(first.status()).isEqualTo("PARTIAL");
        RunContext second = s.run("no_external_id");
        assertThat(s.records("Lead")).hasSize(10);
        assertThat(count(s.log(second), Action.PENDING)).isZero();
        // matched by email, not created again — and the rows the first run's lost answer left are counted created
        assertThat(count(s.log(second), Action.CREATED)).isEqualTo(pending);
        assertThat(count(s.log(first), Action.CREATED) + count(s.log(second), Action.CREATED)).isEqualTo(10);
    }

    @Test
    void aRunStoppedMidWayLosesNothingAndTheRerunFinishesWithoutDuplicates() {
        SyncHarness s = sync();
        for (int i = 1; i <= 200; i++) {
            s.person(i).insert();
        }
        // Salesforce fails for good from the third batch's write on: the run stops part-way
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_ERROR, 1.0, 1000, "composite$", "POST", 7));
        RunContext broken = s.run("no_external_id");
        assertThat(broken.status()).isIn("PARTIAL", "FAILED");
        s.emulator.faults().clear();
        RunContext rerun = s.run("no_external_id");
        assertThat(s.records("Lead")).hasSize(200);
        List<SyncStore.LogEntry> all = s.store().logWhere("WHERE job = ? ORDER BY id", "no_external_id");
        // every row is accounted for, and ends CREATED exactly once
        assertThat(all.stream().filter(e -> e.action().equals("CREATED")).map(SyncStore.LogEntry::sourceKey).distinct().count())
                .isEqualTo(200);
        assertThat(all.stream().filter(e -> e.action().equals("CREATED")).count()).isEqualTo(200);
        assertThat(rerun.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aBrokenConnectionPausesTheJobAndLosesNothing() {
        SyncHarness s = sync();
        for (int i = 1; i <= 5; i++) {
            s.person(i).insert();
        }
        // the connected app's secret is rotated in Salesforce and the session ends: re-login fails
        breakTheConnection(s);
        assertThat(s.records("Lead")).isEmpty();
        RunContext whilePaused = s.run("people");
        assertThat(whilePaused.status()).isEqualTo("PAUSED");
        // repaired: the right secret again, the job resumed — every row arrives, once
        s.emulator.reset();
        s.store().setPaused("people", false, null);
        RunContext resumed = s.run("people");
        assertThat(resumed.counts().created()).isEqualTo(5);
        assertThat(s.records("Lead")).hasSize(5);
    }

    /** Rotates the connected app's secret and ends the sessions, then runs people: PAUSED, BROKEN, the job paused. */
    private static RunContext breakTheConnection(SyncHarness s) {
        s.emulator.credentials(s.emulator.credentials().withClientSecret("rotated-elsewhere"));
        s.emulator.sessions().expireAll();
        RunContext broken = s.run("people");
        assertThat(broken.status()).isEqualTo("PAUSED");
        assertThat(broken.stopReason()).contains("BROKEN");
        assertThat(s.store().state("people").paused()).isTrue();
        return broken;
    }

    @Test
    void aConnectionBrokenWhenTheOpeningCallRidesOnTheFirstLookupPausesTheJobAndLosesNothing() {
        SyncHarness s = sync();
        for (int i = 1; i <= 5; i++) {
            s.person(i).insert();
        }
        assertThat(s.run("people").counts().created()).isEqualTo(5); // the describes are kept
        for (int i = 6; i <= 10; i++) {
            s.person(i).insert();
        }
        var original = s.emulator.credentials();
        RunContext broken = breakTheConnection(s);
        // the batch read for that call waits, each row logged PENDING once; nothing reached Salesforce
        assertThat(s.log(broken)).hasSize(5).allMatch(e -> e.action().equals("PENDING"));
        assertThat(s.records("Lead")).hasSize(5);
        s.emulator.credentials(original); // repaired
        s.store().setPaused("people", false, null);
        RunContext resumed = s.run("people");
        assertThat(resumed.counts().created()).isEqualTo(5);
        assertThat(s.records("Lead")).hasSize(10);
    }

    @Test
    void aPicklistValueTheOrgNowAcceptsIsSentWhenOnlyAnUnmappedColumnChanged() {
        SyncHarness s = sync();
        s.company(1, "Botco", "botco.example", "Robotics"); // not an org Industry value: dropped
        s.person(1).company(1).insert();
        RunContext first = s.run("people");
        String lead = s.outcome(first, "1").sfId();
        assertThat(s.record(lead).get("Industry")).isNull();
        // the admin adds the value, then an unmapped column changes: with the kept describes the payload looks
        // unchanged, so the batch has nothing to look up; the opening call goes alone before the batch is judged
        leadIndustries(s, "Robotics");
        s.update(1, "email_status", "unknown");
        RunContext second = s.run("people");
        assertThat(s.outcome(second, "1").action()).isEqualTo("UPDATED");
        assertThat(s.record(lead)).containsEntry("Industry", "Robotics");
    }

    @Test
    void theFirstBatchOfARunWhoseOpeningCallRidesOnItsLookupKeepsToTheBudget() {
        SyncHarness s = sync();
        s.person(1).insert();
        assertThat(s.run("people").counts().created()).isEqualTo(1); // the describes are kept
        for (int i = 2; i <= 6; i++) {
            s.person(i).insert();
        }
        // 2 calls left today, 50% budget: 1 for this run — the opening call with the lookup, then PAUSED
        s.emulator.limits().set(2L, 0L, null);
        RunContext run = s.run("people");
        assertThat(run.status()).isEqualTo("PAUSED");
        assertThat(run.stopReason()).contains("share of the daily API budget");
        assertThat(run.apiCalls()).isEqualTo(1);
        assertThat(run.counts().created()).isZero();
        assertThat(s.log(run)).hasSize(5).allMatch(e -> e.action().equals("PENDING"));
        s.emulator.limits().set(100_000L, 0L, null);
        assertThat(s.run("people").counts().created()).isEqualTo(5);
    }

    @Test
    void aTransientFailureOfTheWriteCallThatCarriesTheAccountsDoesNotTakeThePeopleWithIt() {
        SyncHarness s = sync();
        s.org(Map.of("Contact", List.of(rec("LastName", "C", "Email", "contact@acme.example"))));
        s.company(1, "Acme", "acme.example", null);
        s.person(1).company(1).email("contact@acme.example").insert(); // a Contact at a new company
        for (int i = 2; i <= 6; i++) {
            s.person(i).insert(); // new Leads, upserted on the external ID
        }
        // the third call (opening, lookup, then the write that carries the Account) meets one 503
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 1.0, 1, "composite$", "POST", 2));
        RunContext run = s.run("people");
        for (int i = 2; i <= 6; i++) {
            assertThat(s.outcome(run, String.valueOf(i)).action()).isEqualTo("CREATED");
        }
        // the Account's create may have been made: it is not sent twice; its Contact waits for the next run
        assertThat(s.outcome(run, "1").action()).isEqualTo("PENDING");
        assertThat(s.records("Lead")).hasSize(5);
        RunContext next = s.run("people");
        assertThat(s.outcome(next, "1").action()).isEqualTo("UPDATED");
        assertThat(s.records("Account").stream().filter(a -> "Acme".equals(a.get("Name")))).hasSize(1);
    }

    @Test
    void aRunStopsAtItsShareOfTheDailyApiBudgetAndTheRestWaitsForTheNextRun() {
        SyncHarness s = sync();
        for (int i = 1; i <= 120; i++) {
            s.person(i).insert();
        }
        // 10 calls left today and a 50% budget: 5 for this run — the metadata call and one batch (3 calls)
        s.emulator.limits().set(10L, 0L, null);
        RunContext stopped = s.run("people");
        assertThat(stopped.status()).isEqualTo("PAUSED");
        assertThat(stopped.stopReason()).contains("share of the daily API budget");
        assertThat(stopped.apiCalls()).isLessThanOrEqualTo(5);
        assertThat(stopped.counts().created()).isEqualTo(50);
        assertThat(s.emulator.limits().used()).isLessThanOrEqualTo(5);
        s.emulator.limits().set(15000L, 0L, null);
        RunContext next = s.run("people");
        assertThat(next.counts().created()).isEqualTo(70);
        assertThat(s.records("Lead")).hasSize(120);
    }

    @Test
    void theBudgetCheckBeforeABatchCountsWhatABulkBatchReallyCosts() {
        SyncHarness s = sync();
        for (int i = 1; i <= 600; i++) {
            s.person(i).insert();
        }
        // 40 calls left and a 50% budget: 20 for this run. A Bulk API batch of 200 takes about 7 calls (lookup,
        // job, upload, close, poll, two result reads), far more than a collections batch's 3
        s.emulator.limits().set(40L, 0L, null);
        RunContext stopped = s.run("bulk");
        assertThat(stopped.status()).isEqualTo("PAUSED");
        assertThat(stopped.stopReason()).contains("share of the daily API budget");
        assertThat(stopped.apiCalls()).isLessThanOrEqualTo(20);
        assertThat(s.emulator.limits().used()).isLessThanOrEqualTo(20);
        assertThat(stopped.counts().created()).isEqualTo(400);
        s.emulator.limits().set(15000L, 0L, null);
        assertThat(s.run("bulk").counts().created()).isEqualTo(200);
        assertThat(s.records("Lead")).hasSize(600);
    }

    @Test
    void largeBatchesAreWrittenThroughBulkApiJobsAndLockedRowsAreSentAgain() {
        SyncHarness s = sync();
        for (int i = 1; i <= 150; i++) {
            s.person(i).insert();
        }
        s.emulator.calls().reset();
        // five rows meet a lock in the Bulk job; they are sent again as collections
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.UNABLE_TO_LOCK_ROW, 1.0, 5, null, null));
        RunContext created = s.run("bulk");
        assertThat(created.counts().created()).isEqualTo(150);
        assertThat(s.records("Lead")).hasSize(150);
        assertThat(s.emulator.calls().snapshot()).containsKeys("POST /jobs/ingest", "PUT /jobs/ingest/{id}/batches",
                "GET /jobs/ingest/{id}/successfulResults", "GET /jobs/ingest/{id}/failedResults");
        assertThat(s.emulator.faults().rules().get(0).count()).isZero();
        for (int i = 1; i <= 150; i++) {
            s.update(i, "phone", "+1 555 01" + (i % 100));
        }
        RunContext updated = s.run("bulk");
        assertThat(updated.counts().updated()).isEqualTo(150);
        assertThat(s.records("Lead")).hasSize(150).allMatch(l -> l.get("Phone") != null);
    }

    @Test
    void aRunThatCannotStartSaysWhyAndWritesNothing() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.sql("ALTER TABLE sync_run ADD CONSTRAINT no_runs CHECK (job = 'none')");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.run("people"))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("job people could not start: ");
        } finally {
            s.sql("ALTER TABLE sync_run DROP CONSTRAINT no_runs");
        }
        assertThat(s.records("Lead")).isEmpty();
        assertThat(s.run("people").counts().created()).isEqualTo(1); // and the next run does it all
    }

    @Test
    void whenTheSyncLogCannotBeWrittenTheBatchStaysBehindTheWatermarkAndTheRerunDoesNotDuplicate() {
        SyncHarness s = sync();
        for (int i = 1; i <= 10; i++) {
            s.person(i).insert();
        }
        // the sync tables refuse writes mid-run (a database restart): Salesforce has the records, sfsync no record of them
        s.sql("ALTER TABLE sync_log ADD CONSTRAINT no_writes CHECK (action = 'NONE')");
        RunContext failed;
        try {
            failed = s.run("people");
        } finally {
            s.sql("ALTER TABLE sync_log DROP CONSTRAINT no_writes");
        }
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.counts().created()).isZero(); // nothing is counted that was not recorded
        assertThat(s.store().state("people").watermark()).isEqualTo(io.sfsync.synclog.Watermark.START);
        RunContext rerun = s.run("people");
        assertThat(s.records("Lead")).hasSize(10); // matched by external ID, not created again
        assertThat(count(s.log(rerun), Action.CREATED)).isEqualTo(10); // and counted as the creates they were
    }

    @Test
    void aSecondRunOfAJobWhileOneIsInProgressIsSkipped() throws Exception {
        SyncHarness s = sync();
        for (int i = 1; i <= 100; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().latencyMs(40);
        try {
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> s.run("no_external_id"));
            Thread.sleep(150);
            RunContext second = s.run("no_external_id");
            assertThat(second.status()).isEqualTo("BUSY");
            assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS).counts().created()).isEqualTo(100);
        } finally {
            s.emulator.faults().latencyMs(0);
        }
        assertThat(s.records("Lead")).hasSize(100);
    }

    @Test
    void aRunInAnotherInstanceHoldsTheJobUntilItsLeaseExpires() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.store().setPaused("people", false, null); // makes the job's sync_state row
        // another instance is running people and renewed its lease just now
        s.sql("UPDATE sync_state SET lease_token = 'other-instance', lease_heartbeat = CURRENT_TIMESTAMP WHERE job = 'people'");
        RunContext blocked = s.run("people");
        assertThat(blocked.status()).isEqualTo("BUSY");
        assertThat(s.records("Lead")).isEmpty();
        // that instance died (kill -9) long ago: its lease has expired and this run takes the job over
        s.sql("UPDATE sync_state SET lease_heartbeat = TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00:00'"
                + " WHERE job = 'people'");
        RunContext took = s.run("people");
        assertThat(took.counts().created()).isEqualTo(1);
        RunContext after = s.run("people"); // and the lease was given back at the end
        assertThat(after.status()).isNotEqualTo("BUSY");
    }

    @Test
    void aContactWhoseAccountCouldNotBeCreatedWaitsForTheNextRun() {
        SyncHarness s = sync();
        s.company(1, "Hooli", "hooli.example", null);
        s.person(1).company(1).insert();
        // the account write (third call: metadata, lookup, accounts) meets a 503 each time it is sent
        s.emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_UNAVAILABLE, 1.0, 5, "composite$", "POST", 2));
        RunContext first = s.run("contacts");
        assertThat(s.outcome(first, "1").action()).isEqualTo("PENDING");
        assertThat(s.outcome(first, "1").reason()).isEqualTo("ACCOUNT_NOT_CREATED");
        assertThat(s.records("Contact")).isEmpty();
        s.emulator.faults().clear();
        RunContext second = s.run("contacts");
        assertThat(s.outcome(second, "1").action()).isEqualTo("CREATED");
        String account = (String) s.record(s.outcome(second, "1").sfId()).get("AccountId");
        assertThat(s.record(account)).containsEntry("Name", "Hooli");
    }

    @Test
    void dryRunRecordsWhatWouldHappenAndWritesNothing() {
        SyncHarness s = sync();
        org("Lead", rec("LastName", "L", "Company", "C", "Email", "known@x.example"));
        s.person(1).email("known@x.example").title("New title").insert();
        s.person(2).insert();
        RunContext run = s.run("people", RunContext.Mode.DRY_RUN);
        assertThat(s.outcome(run, "1").action()).isEqualTo("UPDATED");
        assertThat(s.outcome(run, "2").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).hasSize(1);
        assertThat(s.store().state("people").watermark()).isEqualTo(io.sfsync.synclog.Watermark.START);
    }

    // --- resync: changes reach records already synced -------------------------------------------------------

    @Test
    void aChangedTransformReachesTheRecordsAlreadySyncedOnTheNextRunAndOnlyOnce() {
        SyncHarness s = sync();
        for (int i = 1; i <= 3; i++) {
            s.person(i).with("first_name", "ann" + i).insert();
        }
        assertThat(s.run("people").counts().created()).isEqualTo(3);
        assertThat(s.run("people").counts().attempted()).isZero(); // nothing changed: nothing read

        try (var edited = s.withEditedConfig(y -> y.replaceFirst("FirstName: \\{from: first_name\\}",
                "FirstName: {from: first_name, transform: [uppercase]}"))) {
            RunContext resync = edited.run("people", RunContext.Mode.RUN, "manual", null, null, null);
            assertThat(resync.resync()).isEqualTo("fields.Lead changed since the job's rows were last read");
            assertThat(resync.counts().attempted()).isEqualTo(3);
            assertThat(resync.counts().updated()).isEqualTo(3);
            assertThat(s.records("Lead")).extracting(r -> r.get("FirstName"))
                    .containsExactlyInAnyOrder("ANN1", "ANN2", "ANN3");
            assertThat(s.store().run(resync.runId()).orElseThrow().resync()).isEqualTo(resync.resync());
            // the new fingerprint is the job's now: the next run reads from its watermark again
            RunContext after = edited.run("people", RunContext.Mode.RUN, "manual", null, null, null);
            assertThat(after.resync()).isNull();
            assertThat(after.counts().attempted()).isZero();
        }
    }

    @Test
    void aResyncOfRowsWhoseRecordsAreUnchangedWritesNothing() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).insert();
        assertThat(s.run("people").counts().created()).isEqualTo(2);
        // a Contact field changes; the rows are Leads: read again, nothing to send
        try (var edited = s.withEditedConfig(y -> y.replaceFirst("(Contact:\n\\s+FirstName: \\{from: first_name)\\}",
                "$1, transform: [uppercase]}"))) {
            RunContext resync = edited.run("people", RunContext.Mode.RUN, "manual", null, null, null);
            assertThat(resync.resync()).startsWith("fields.Contact changed");
            assertThat(resync.counts().attempted()).isEqualTo(2);
            assertThat(resync.counts().skipped()).isEqualTo(2);
            assertThat(s.store().log(resync.runId())).extracting(SyncStore.LogEntry::reason).containsOnly("NO_CHANGE");
            assertThat(resync.apiCalls()).isLessThanOrEqualTo(1); // the run's opening call, no write
        }
    }

    @Test
    void widerSegmentBringsInTheRowsItHadSkipped() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).with("email_status", "invalid").insert();
        RunContext first = s.run("valid_only");
        assertThat(s.outcome(first, "2").reason()).isEqualTo("NOT_IN_SEGMENT");
        assertThat(s.records("Lead")).hasSize(1);

        RunContext wider = s.runtime.run("valid_only", RunContext.Mode.RUN, "cli", "all", null, null);
        assertThat(wider.resync()).isEqualTo("segment changed since the job's rows were last read");
        assertThat(s.outcome(wider, "2").action()).isEqualTo("CREATED");
        assertThat(s.outcome(wider, "1").reason()).isEqualTo("NO_CHANGE");
        assertThat(s.records("Lead")).hasSize(2);
    }

    @Test
    void aPlanAfterAChangeShowsTheUpdatesAndLeavesTheResyncToTheRun() {
        SyncHarness s = sync();
        s.person(1).with("first_name", "bo").insert();
        s.run("people");
        try (var edited = s.withEditedConfig(y -> y.replaceFirst("FirstName: \\{from: first_name\\}",
                "FirstName: {from: first_name, transform: [uppercase]}"))) {
            RunContext plan = edited.run("people", RunContext.Mode.PLAN, "cli", null, null, null);
            assertThat(plan.resync()).startsWith("fields.Lead changed");
            assertThat(plan.planned()).extracting(w -> w.outcome().action()).containsExactly(Action.UPDATED);
            assertThat(s.records("Lead")).extracting(r -> r.get("FirstName")).containsExactly("bo");
            // the plan recorded nothing: the run still resyncs
            RunContext run = edited.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            assertThat(run.resync()).startsWith("fields.Lead changed");
            assertThat(run.counts().updated()).isEqualTo(1);
        }
    }

    @Test
    void resyncOnDemandFromATimeByKeyOrByReason() {
        SyncHarness s = sync();
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        s.person(1).insertChangedAt(t0);
        s.person(2).insertChangedAt(t0.plusSeconds(3600));
        s.person(3).insertChangedAt(t0.plusSeconds(7200));
        s.run("people");
        // records edited by hand in Salesforce: a resync puts the source's values back
        s.records("Lead").forEach(r -> {
            Map<String, Object> edited = new java.util.LinkedHashMap<>(r);
            edited.put("LastName", "Hand");
            s.emulator.org().store().put(null, "Lead", edited);
        });

        RunContext since = s.runtime.resync("people", "cli", t0.plusSeconds(3600), null);
        assertThat(since.resync()).isEqualTo("asked for (cli): the rows changed since 2026-01-01T01:00:00Z"
                + " (each row compared with its Salesforce record)");
        assertThat(since.counts().attempted()).isEqualTo(2);
        assertThat(s.store().log(since.runId())).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("2", "3");
        // asked for, a resync compares each row with its record (not with what was last sent): the edits go
        assertThat(since.counts().updated()).isEqualTo(2);
        assertThat(s.records("Lead")).extracting(r -> r.get("LastName")).containsExactlyInAnyOrder("Hand", "Last2", "Last3");
        assertThat(s.run("people").counts().attempted()).isZero(); // the watermark is where it was

        RunContext whole = s.runtime.resync("people", "cli", null, null);
        assertThat(whole.resync()).isEqualTo("asked for (cli) (each row compared with its Salesforce record)");
        assertThat(whole.counts().attempted()).isEqualTo(3);
        assertThat(whole.counts().updated()).isEqualTo(1); // the one left; the two others match their records now
        assertThat(s.records("Lead")).extracting(r -> r.get("LastName")).containsOnly("Last1", "Last2", "Last3");

        s.person(4).with("email_status", "invalid").insert();
        s.run("valid_only");
        assertThat(s.store().keysWithLatestReason("valid_only", "NOT_IN_SEGMENT")).containsExactly("4");
    }

    @Test
    void aResyncFromATimeAfterTheWatermarkStillSyncsTheRowsBeforeIt() {
        SyncHarness s = sync();
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        s.person(1).insertChangedAt(t0);
        s.run("people");
        s.person(2).insertChangedAt(t0.plusSeconds(3600)); // not synced yet
        RunContext resync = s.runtime.resync("people", "cli", t0.plusSeconds(7200), null);
        assertThat(resync.resync()).contains("and those not synced yet before it");
        assertThat(s.outcome(resync, "2").action()).isEqualTo("CREATED");
        assertThat(s.store().state("people").watermark()).isEqualTo(new io.sfsync.synclog.Watermark(t0.plusSeconds(3600), "2"));
        assertThat(s.run("people").counts().attempted()).isZero();
    }

    // found by a review: three ways a resync said it had done what it had not

    private static void handEditLeads(SyncHarness s) {
        s.records("Lead").forEach(r -> {
            Map<String, Object> edited = new java.util.LinkedHashMap<>(r);
            edited.put("LastName", "Hand");
            s.emulator.org().store().put(null, "Lead", edited);
        });
    }

    @Test
    void anAskedForResyncCutShortGoesOnComparingEveryRowWithItsRecord() {
        SyncHarness s = sync();
        for (int i = 1; i <= 120; i++) {
            s.person(i).insert();
        }
        assertThat(s.run("people").counts().created()).isEqualTo(120);
        handEditLeads(s);
        s.emulator.limits().set(10L, 0L, null); // the opening call and one batch of 50, then PAUSED
        RunContext resync = s.runtime.resync("people", "cli", null, null);
        assertThat(resync.status()).isEqualTo("PAUSED");
        assertThat(resync.counts().updated()).isEqualTo(50);
        s.emulator.limits().set(100_000L, 0L, null);
        RunContext next = s.run("people");
        assertThat(next.resync()).isEqualTo("a resync cut short goes on from where it got to"
                + " (each row compared with its Salesforce record)");
        assertThat(next.counts().updated()).isEqualTo(70);
        assertThat(s.records("Lead")).extracting(r -> r.get("LastName")).doesNotContain("Hand");
        // read to the end: the run after it trusts the payload hash again and reads nothing
        RunContext after = s.run("people");
        assertThat(after.resync()).isNull();
        assertThat(after.counts().attempted()).isZero();
    }

    @Test
    void aChangedOverwriteRuleReachesTheRecordsAlreadySynced() {
        SyncHarness s = sync();
        String lead = s.org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Old", "Company", "C",
                "Email", "person1@example.com", "Title", "Boss")))).get("l");
        s.person(1).title("CTO").insert();
        assertThat(s.outcome(s.run("people"), "1").action()).isEqualTo("UPDATED");
        assertThat(s.record(lead)).containsEntry("Title", "Boss"); // overwrite: if_blank keeps it
        try (var edited = s.withEditedConfig(y -> y.replaceFirst("Title:     \\{from: title, overwrite: if_blank\\}",
                "Title:     {from: title, overwrite: always}"))) {
            RunContext resync = edited.run("people", RunContext.Mode.RUN, "manual", null, null, null);
            // the payload hash cannot see an overwrite rule: the rows are compared with their records
            assertThat(resync.resync()).isEqualTo("rules.Lead changed since the job's rows were last read"
                    + " (each row compared with its Salesforce record)");
            assertThat(s.record(lead)).containsEntry("Title", "CTO");
        }
    }

    @Test
    void aResyncFromATimeAfterASettingsChangeStillRemapsEveryRow() {
        SyncHarness s = sync();
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        s.person(1).with("first_name", "ann").insertChangedAt(t0);
        s.person(2).with("first_name", "bob").insertChangedAt(t0.plusSeconds(3600));
        s.person(3).with("first_name", "cy").insertChangedAt(t0.plusSeconds(7200));
        assertThat(s.run("people").counts().created()).isEqualTo(3);
        try (var edited = s.withEditedConfig(y -> y.replaceFirst("FirstName: \\{from: first_name\\}",
                "FirstName: {from: first_name, transform: [uppercase]}"))) {
            RunContext since = edited.resync("people", "cli", t0.plusSeconds(7200), null);
            assertThat(since.resync()).startsWith("fields.Lead changed since the job's rows were last read; asked for (cli)")
                    .contains("so every row is read");
            assertThat(since.counts().updated()).isEqualTo(3);
            assertThat(s.records("Lead")).extracting(r -> r.get("FirstName")).containsExactlyInAnyOrder("ANN", "BOB", "CY");
        }
    }
}
