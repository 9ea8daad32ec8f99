package io.sfsync.sync;

import static io.sfsync.sync.SyncHarness.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.inbound.Conflicts;
import io.sfsync.inbound.SourceTables;
import io.sfsync.synclog.InboundStore;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.SyncStore;

/**
 * Salesforce → source, through the shipped inbound flow against the emulator and a real database: new
 * records become rows (companies first), changes update them by each field's direction and merge rule,
 * deletes unlink and flag, merges and conversions relink, first links that differ are held as conflicts,
 * and the (SystemModstamp, Id) cursor loses and repeats nothing across page boundaries, ties and late
 * commits. Subclasses run it on H2 and PostgreSQL.
 */
abstract class InboundSyncContract {

    /** The jobs of these tests: pages of three records, so a handful of records crosses page boundaries. */
    static final String INBOUND_JOBS = """
              crm: &crm
                every: 15m
                direction: inbound
                inbound: &crminbound
                  onDelete: flag
                  deletedFlag: sf_deleted
                  onConflict: ask
                  addressIncompleteFlag: address_incomplete
                  pageSize: 3
                  settleSeconds: 0
                  bulkFirstLoad: false
                  objects:
                    Account: {table: company, key: id, changedAt: updated_at, newKey: "sequence:company_ids"}
                    Lead: {table: person, key: id, changedAt: updated_at, newKey: "sequence:person_ids",
                           matchOn: {Sfsync_Person_Id__c: id, Email: email}}
                    Contact: {table: person, key: id, changedAt: updated_at, newKey: "sequence:person_ids",
                              matchOn: {Sfsync_Person_Id__c: id, Email: email}, accountColumn: company_id}
                fields: &crmfields
                  Account:
                    Name: {from: name}
                    Website: {from: website}
                  Lead:
                    FirstName: {from: first_name}
                    LastName: {from: last_name}
                    Email: {from: email}
                    Title: {from: title}
                    Street: {from: street}
                    City: {from: city}
                    State: {from: state}
                    PostalCode: {from: postal_code}
                  Contact:
                    FirstName: {from: first_name}
                    LastName: {from: last_name}
                    Email: {from: email}
                    Title: {from: title}
                    MailingStreet: {from: street}
                    MailingCity: {from: city}
                    MailingState: {from: state}
                    MailingPostalCode: {from: postal_code}
              crm_merge:
                <<: *crm
                inbound:
                  <<: *crminbound
                  onConflict: merge
              crm_bulk:
                <<: *crm
                inbound:
                  <<: *crminbound
                  bulkFirstLoad: true
              crm_settle:
                <<: *crm
                inbound:
                  <<: *crminbound
                  settleSeconds: 3600
              projects:
                every: 15m
                direction: inbound
                inbound:
                  settleSeconds: 0
                  objects:
                    Project__c: {table: project, key: id, changedAt: updated_at, newKey: "field:Id"}
                fields:
                  Project__c:
                    Name: {from: name}
                    Budget__c: {from: budget}
              crm_dates:
                every: 15m
                direction: inbound
                inbound:
                  settleSeconds: 0
                  objects:
                    Contact: {table: person, key: id, changedAt: updated_at, newRows: skip, matchOn: {Email: email}}
                fields:
                  Contact:
                    LastName: {from: last_name}
                    Email: {from: email}
                    Title: {from: title}
                    CreatedDate: {from: sf_created_at, direction: from_salesforce}
              crm_existing:
                <<: *crm
                inbound:
                  onDelete: delete
                  settleSeconds: 0
                  objects:
                    Contact: {table: person, key: id, changedAt: updated_at, newRows: skip, matchOn: {Email: email}}
                fields:
                  Contact:
                    LastName: {from: last_name}
                    Email: {from: email}
                    Title: {from: title}
              twoway:
                <<: *people
                direction: both
                inbound:
                  settleSeconds: 0
                  objects:
                    Lead: {table: person, key: id, changedAt: updated_at, newRows: skip}
                    Contact: {table: person, key: id, changedAt: updated_at, newRows: skip}
                fields:
                  Lead:
                    FirstName: {from: first_name}
                    LastName:  {from: last_name, default: "[Unknown]"}
                    Email:     {from: email, transform: [trim, lowercase]}
                    Company:   {from: company_name, default: "[Not Provided]", direction: to_salesforce}
                    Title:     {from: title, merge: salesforce_unless_blank}
                    Phone:     {from: phone, merge: source_unless_blank}
                    LeadSource: {from: lead_source, direction: from_salesforce}
                    Status:    {value: "Open - Not Contacted", overwrite: never}
                    Sfsync_Person_Id__c: {from: id, direction: to_salesforce}
                  Contact:
                    FirstName: {from: first_name}
                    LastName:  {from: last_name, default: "[Unknown]"}
                    Email:     {from: email, transform: [trim, lowercase]}
                    Title:     {from: title, merge: salesforce_unless_blank}
                    Sfsync_Person_Id__c: {from: id, direction: to_salesforce}
                  Account:
                    Name:      {from: company_name, direction: to_salesforce}
            """;

    abstract SyncHarness sync();

    /** What the step of one's own after each applied page does (the tests set it; nothing by default). */
    static final java.util.concurrent.atomic.AtomicReference<java.util.function.IntConsumer> BETWEEN_PAGES =
            new java.util.concurrent.atomic.AtomicReference<>(page -> { });

    /**
     * The shipped routes with a step of one's own after inbound-apply in the inbound flow, as a team would
     * add one (its route is {@link #installBetweenPages}).
     */
    static java.nio.file.Path routesWithStepBetweenPages(java.nio.file.Path dir) {
        try {
            java.nio.file.Path routes = java.nio.file.Files.createDirectories(dir.resolve("routes"));
            try (var shipped = java.nio.file.Files.walk(java.nio.file.Path.of("routes"))) {
                for (java.nio.file.Path p : shipped.toList()) {
                    java.nio.file.Path to = routes.resolve(java.nio.file.Path.of("routes").relativize(p).toString());
                    if (java.nio.file.Files.isDirectory(p)) {
                        java.nio.file.Files.createDirectories(to);
                    } else {
                        java.nio.file.Files.copy(p, to);
                    }
                }
            }
            java.nio.file.Path flow = routes.resolve("inbound-sync.camel.yaml");
            String apply = "              - to: direct:sfsync-inbound-apply  ";
            String yaml = java.nio.file.Files.readString(flow);
            assertThat(yaml).contains(apply);
            java.nio.file.Files.writeString(flow, yaml.replaceFirst(java.util.regex.Pattern.quote(apply),
                    "              - to: direct:test-between-pages\n" + apply));
            return routes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void installBetweenPages(SyncHarness h) {
        try {
            h.runtime.camel().addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:test-between-pages").process(e -> BETWEEN_PAGES.get().accept(
                            e.getMessage().getBody(io.sfsync.inbound.InboundPage.class).number()));
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void clean() {
        sync().reset();
        BETWEEN_PAGES.set(page -> { });
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** A Salesforce user's edit (LastModifiedDate and SystemModstamp move). */
    void edit(String object, String id, Map<String, Object> fields) {
        EmulatedOrg org = sync().emulator.org();
        org.store().atomically(tx -> new RecordSaver(org).update(object, id, fields,
                RecordSaver.Options.system(org.integrationUserId(), tx)));
    }

    void delete(String object, String id) {
        EmulatedOrg org = sync().emulator.org();
        org.store().atomically(tx -> {
            new RecordSaver(org).delete(object, id, RecordSaver.Options.system(org.integrationUserId(), tx));
            return null;
        });
    }

    List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = sync().runtime.source().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i).toLowerCase(), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> personByEmail(String email) {
        List<Map<String, Object>> r = rows("SELECT * FROM person WHERE email = ?", email);
        assertThat(r).as("person rows with %s", email).hasSize(1);
        return r.get(0);
    }

    long count(String sql, Object... params) {
        return ((Number) rows(sql, params).get(0).values().iterator().next()).longValue();
    }

    static Map<String, Object> contact(String ref, String last, String email, Object... more) {
        Map<String, Object> m = rec("_ref", ref, "LastName", last, "Email", email);
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    List<SyncStore.LogEntry> log(RunContext run) {
        return sync().log(run);
    }

    SyncStore.LogEntry logOf(RunContext run, String sfId) {
        return log(run).stream().filter(e -> sfId.equals(e.sfId())).findFirst()
                .orElseThrow(() -> new AssertionError("no sync_log row for " + sfId + " in " + log(run)));
    }

    // --- new records, companies first -------------------------------------------------------------------

    @Test
    void newContactsAndAccountsBecomeRowsWithTheContactsCompany() {
        Map<String, String> ids = sync().org(Map.of(
                "Account", List.of(rec("_ref", "acme", "Name", "Acme", "Website", "acme.example")),
                "Contact", List.of(contact("ana", "Silva", "ana@acme.example", "FirstName", "Ana", "AccountId", "@acme",
                        "Title", "CTO"), contact("bo", "Berg", "bo@else.example"))));

        RunContext run = sync().run("crm");

        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.counts().created()).isEqualTo(3);
        Map<String, Object> company = rows("SELECT * FROM company WHERE name = 'Acme'").get(0);
        Map<String, Object> ana = personByEmail("ana@acme.example");
        assertThat(ana).containsEntry("first_name", "Ana").containsEntry("title", "CTO");
        assertThat(ana.get("company_id")).isEqualTo(company.get("id"));
        assertThat(((Number) ana.get("id")).longValue()).isGreaterThan(1_000_000);
        assertThat(personByEmail("bo@else.example").get("company_id")).isNull();
        assertThat(log(run)).hasSize(3).allSatisfy(e -> {
            assertThat(e.direction()).isEqualTo("INBOUND");
            assertThat(e.action()).isEqualTo("CREATED");
        });
        Link link = sync().store().links("crm", List.of(String.valueOf(ana.get("id")))).get(String.valueOf(ana.get("id")));
        assertThat(link.sfId()).isEqualTo(ids.get("ana"));
        assertThat(link.sobject()).isEqualTo("Contact");
        assertThat(sync().store().runHistory().run(run.runId()).orElseThrow().direction()).isEqualTo("INBOUND");
    }

    @Test
    void aNewCompanyWhoseKeyIsAPersonsKeyLeavesThatPersonsLinkAlone() {
        // company and person keys come from two sequences: a page may insert company N and update person N
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Lee", "Company", "Co",
                "Email", "lee@keys.example"))));
        sync().run("crm");
        Object person = personByEmail("lee@keys.example").get("id");
        sync().sql("ALTER SEQUENCE company_ids RESTART WITH " + person);
        edit("Lead", ids.get("l"), Map.of("Title", "Boss"));
        sync().org(Map.of("Account", List.of(rec("_ref", "new", "Name", "Keys Inc"))));

        RunContext run = sync().run("crm");

        assertThat(run.status()).as(run.stopReason()).isEqualTo("SUCCEEDED");
        assertThat(rows("SELECT id FROM company WHERE name = 'Keys Inc'").get(0).get("id").toString())
                .isEqualTo(person.toString());
        assertThat(personByEmail("lee@keys.example")).containsEntry("title", "Boss");
        Link link = sync().store().links("crm", List.of(person.toString())).get(person.toString());
        assertThat(link.sfId()).isEqualTo(ids.get("l"));
        assertThat(count("SELECT COUNT(*) FROM sync_record_link WHERE job = 'crm' AND sobject = 'Account' AND source_key = ?",
                person.toString())).isEqualTo(1);
    }

    @Test
    void aPollThatFindsNothingCostsOneCallAndLogsNothing() {
        sync().org(Map.of("Contact", List.of(contact("a", "A", "a@x.example"), contact("b", "B", "b@x.example"))));
        sync().run("crm");

        RunContext idle = sync().run("crm");

        assertThat(idle.status()).isEqualTo("SUCCEEDED");
        assertThat(idle.apiCalls()).isEqualTo(1);
        assertThat(idle.counts().attempted()).isZero();
        assertThat(log(idle)).isEmpty();
    }

    @Test
    void recordsSharingOneSystemModstampAcrossPageBoundariesAreNeitherLostNorRepeated() {
        Instant tie = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.HOURS);
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contacts.add(contact("c" + i, "Tie" + i, "tie" + i + "@x.example", "SystemModstamp",
                    EmulatedOrg.DATETIME.format(i < 7 ? tie : tie.plusSeconds(1))));
        }
        sync().org(Map.of("Contact", contacts));

        RunContext run = sync().run("crm");

        assertThat(run.counts().created()).isEqualTo(8);
        assertThat(count("SELECT COUNT(*) FROM person WHERE email LIKE 'tie%'")).isEqualTo(8);
        assertThat(count("SELECT COUNT(DISTINCT email) FROM person WHERE email LIKE 'tie%'")).isEqualTo(8);
        assertThat(log(run).stream().map(SyncStore.LogEntry::sfId).distinct()).hasSize(8);
        // three pages of three for 8 Contacts (and the Account and Lead queries done on the first)
        assertThat(run.apiCalls()).isEqualTo(3);
    }

    @Test
    void aLargeFirstLoadGoesOnThroughOneBulkQueryJobAndLosesNothingAtATie() {
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // the first six share one SystemModstamp: the first REST page ends inside the tie
            contacts.add(contact("b" + i, "Bulk" + i, "bulk" + i + "@first.example", "Title", "T" + i, "SystemModstamp",
                    EmulatedOrg.DATETIME.format(i < 6 ? t : t.plusSeconds(i))));
        }
        Map<String, String> ids = sync().org(Map.of("Contact", contacts));

        RunContext run = sync().run("crm_bulk");

        assertThat(run.status()).as(run.stopReason()).isEqualTo("SUCCEEDED");
        assertThat(run.counts().created()).isEqualTo(40);
        assertThat(count("SELECT COUNT(DISTINCT email) FROM person WHERE email LIKE 'bulk%@first.example'")).isEqualTo(40);
        assertThat(count("SELECT COUNT(*) FROM person WHERE email LIKE 'bulk%@first.example'")).isEqualTo(40);
        assertThat(personByEmail("bulk37@first.example")).containsEntry("title", "T37");
        assertThat(log(run).stream().map(SyncStore.LogEntry::sfId).distinct()).hasSize(40);
        assertThat(sync().emulator.calls().snapshot()).containsKey("POST /jobs/query");
        // pages of three would take 14 calls; the job takes the opening call, create, status, three result sets
        assertThat(run.apiCalls()).isLessThan(14);
        String last = ids.get("b39");
        assertThat(sync().store().inbound().cursors("crm_bulk").get("Contact").lastId()).isEqualTo(last);

        RunContext idle = sync().run("crm_bulk");
        assertThat(idle.apiCalls()).isEqualTo(1);
        assertThat(idle.counts().attempted()).isZero();
    }

    @Test
    void changesInsideTheSettleWindowWaitAndALateCommitAheadOfTheCursorIsCaught() {
        Instant now = Instant.now();
        sync().org(Map.of("Contact", List.of(contact("a", "A", "a@late.example", "SystemModstamp",
                EmulatedOrg.DATETIME.format(now.minus(2, ChronoUnit.HOURS))))));
        RunContext first = sync().run("crm_settle");
        assertThat(first.counts().created()).isEqualTo(1);

        // changed ten minutes ago: inside the job's hour-long settle window, left to a later poll
        sync().org(Map.of("Contact", List.of(contact("recent", "Recent", "recent@late.example", "SystemModstamp",
                EmulatedOrg.DATETIME.format(now.minus(10, ChronoUnit.MINUTES))))));
        // committed only now, stamped when its transaction began, after the last record read and before the window's end
        sync().org(Map.of("Contact", List.of(contact("late", "Late", "late@late.example", "SystemModstamp",
                EmulatedOrg.DATETIME.format(now.minus(100, ChronoUnit.MINUTES))))));
        RunContext run = sync().run("crm_settle");

        assertThat(run.counts().created()).isEqualTo(1);
        personByEmail("late@late.example");
        assertThat(rows("SELECT * FROM person WHERE email = 'recent@late.example'")).isEmpty();
        assertThat(sync().store().inbound().cursors("crm_settle").get("Contact").modstamp())
                .isBefore(now.minus(1, ChronoUnit.HOURS));
        RunContext unsettled = sync().run("crm"); // a job without the window reads it (and finds the other two rows)
        assertThat(unsettled.counts().created()).isEqualTo(1);
        personByEmail("recent@late.example");
    }

    @Test
    void recordsChangedDuringAPollAreNeitherLostNorDuplicated() {
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            contacts.add(contact("d" + i, "During" + i, "during" + i + "@poll.example", "Title", "v1",
                    "SystemModstamp", EmulatedOrg.DATETIME.format(t.plusSeconds(i))));
        }
        Map<String, String> ids = sync().org(Map.of("Contact", contacts));
        // after page 1 (d0–d2) is applied, a user changes d1 (already read) and d5 (not read yet)
        BETWEEN_PAGES.set(page -> {
            if (page == 1) {
                edit("Contact", ids.get("d1"), Map.of("Title", "v2"));
                edit("Contact", ids.get("d5"), Map.of("Title", "v2"));
            }
        });
        RunContext first = sync().run("crm");
        BETWEEN_PAGES.set(page -> { });
        RunContext second = sync().run("crm");

        assertThat(count("SELECT COUNT(*) FROM person WHERE email LIKE 'during%'")).isEqualTo(7);
        assertThat(count("SELECT COUNT(DISTINCT email) FROM person WHERE email LIKE 'during%'")).isEqualTo(7);
        assertThat(personByEmail("during1@poll.example")).containsEntry("title", "v2");
        assertThat(personByEmail("during5@poll.example")).containsEntry("title", "v2");
        // the changes made during the first poll came after its window: the second poll brings them (d5 came
        // in the first at its old version if its page had been asked for before the change, else in the second)
        assertThat(first.counts().created() + second.counts().created()).isEqualTo(7);
        assertThat(second.counts().attempted()).isBetween(2, 3);
        assertThat(first.status()).isEqualTo("SUCCEEDED");
        // one log row per version of a record, never two for one version
        for (String ref : List.of("d1", "d5")) {
            assertThat(count("SELECT COUNT(*) FROM sync_log WHERE direction = 'INBOUND' AND sf_id = ?", ids.get(ref)))
                    .isEqualTo(count("SELECT COUNT(DISTINCT source_changed_at) FROM sync_log WHERE direction = 'INBOUND'"
                            + " AND sf_id = ?", ids.get(ref)));
        }
    }

    @Test
    void aCustomObjectsRecordsBecomeRowsOfItsTable() {
        sync().sql("CREATE TABLE IF NOT EXISTS project (id VARCHAR(18) PRIMARY KEY, name VARCHAR(80), budget DECIMAL(12, 2),"
                + " updated_at TIMESTAMP WITH TIME ZONE)");
        sync().emulator.defineObject(Map.of("name", "Project__c", "label", "Project", "fields", List.of(
                Map.of("name", "Budget__c", "type", "currency"))));
        Map<String, String> ids = sync().org(Map.of("Project__c", List.of(rec("_ref", "p", "Name", "Apollo",
                "Budget__c", 1250.5))));

        RunContext run = sync().run("projects");

        assertThat(run.status()).as(run.stopReason()).isEqualTo("SUCCEEDED");
        Map<String, Object> row = rows("SELECT * FROM project WHERE id = ?", ids.get("p")).get(0);
        assertThat(row).containsEntry("name", "Apollo");
        assertThat(new java.math.BigDecimal(row.get("budget").toString())).isEqualByComparingTo("1250.5");
        edit("Project__c", ids.get("p"), Map.of("Budget__c", 2000));
        sync().run("projects");
        assertThat(new java.math.BigDecimal(rows("SELECT budget FROM project WHERE id = ?", ids.get("p")).get(0)
                .get("budget").toString())).isEqualByComparingTo("2000");
    }

    @Test
    void aChangeBetweenPollsUpdatesTheRowAndAnUnchangedReplayIsSetAside() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("a", "Ames", "a@chg.example", "Title", "Dev"),
                contact("b", "Bell", "b@chg.example"))));
        sync().run("crm");

        edit("Contact", ids.get("a"), Map.of("Title", "Head of Dev"));
        RunContext run = sync().run("crm");

        assertThat(personByEmail("a@chg.example")).containsEntry("title", "Head of Dev");
        assertThat(log(run)).hasSize(1);
        assertThat(logOf(run, ids.get("a")).action()).isEqualTo("UPDATED");
        assertThat(logOf(run, ids.get("a")).fields()).isEqualTo("Title");
    }

    @Test
    void aSystemUpdateThatOnlyMovesSystemModstampWritesNothing() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("s", "Sys", "sys@touch.example",
                "Title", "Dev"))));
        sync().run("crm");
        Object stamped = personByEmail("sys@touch.example").get("updated_at");

        // a roll-up or formula recalculation: SystemModstamp moves, LastModifiedDate and the values do not
        sync().emulator.touch("Contact", List.of(ids.get("s")), null);
        RunContext run = sync().run("crm");

        assertThat(logOf(run, ids.get("s")).action()).isEqualTo("SKIPPED");
        assertThat(logOf(run, ids.get("s")).reason()).isEqualTo("NO_CHANGE");
        assertThat(personByEmail("sys@touch.example").get("updated_at")).isEqualTo(stamped);
        assertThat(log(sync().run("crm"))).as("and that version is not read again").isEmpty();
    }

    @Test
    void aBlankInSalesforceNeverReplacesTheRowsValue() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("a", "Ames", "a@blank.example",
                "Title", "Dev"))));
        sync().run("crm");

        edit("Contact", ids.get("a"), rec("Title", null, "FirstName", "Al"));
        sync().run("crm");

        assertThat(personByEmail("a@blank.example")).containsEntry("title", "Dev").containsEntry("first_name", "Al");
    }

    // --- deletes, merges, conversions, moves --------------------------------------------------------------

    @Test
    void aDeletedRecordUnlinksAndFlagsItsRow() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("a", "Gone", "gone@del.example"))));
        sync().run("crm");
        String key = String.valueOf(personByEmail("gone@del.example").get("id"));

        delete("Contact", ids.get("a"));
        RunContext run = sync().run("crm");

        assertThat(logOf(run, ids.get("a")).action()).isEqualTo("UNLINKED");
        assertThat(logOf(run, ids.get("a")).reason()).isEqualTo("DELETED_IN_SALESFORCE");
        assertThat(personByEmail("gone@del.example")).containsEntry("sf_deleted", true);
        assertThat(sync().store().links("crm", List.of(key))).isEmpty();
        assertThat(run.counts().unlinked()).isEqualTo(1);
        assertThat(run.counts().errors()).isZero();
    }

    @Test
    void aDeleteActionOfDeleteRemovesTheRow() {
        sync().person(501).email("x@deljob.example").with("last_name", "X").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("x", "X", "x@deljob.example"))));
        sync().run("crm_existing");

        delete("Contact", ids.get("x"));
        RunContext run = sync().run("crm_existing");

        assertThat(logOf(run, ids.get("x")).action()).isEqualTo("UNLINKED");
        assertThat(rows("SELECT * FROM person WHERE id = 501")).isEmpty();
    }

    @Test
    void twoLinkedDuplicatesMergedLeaveTheLoserUnlinkedAndTheSurvivorLinked() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("keep", "Keep", "keep@m.example"),
                contact("lose", "Lose", "lose@m.example"))));
        sync().run("crm");
        String loserRow = String.valueOf(personByEmail("lose@m.example").get("id"));
        String keeperRow = String.valueOf(personByEmail("keep@m.example").get("id"));

        sync().emulator.merge("Contact", ids.get("keep"), List.of(ids.get("lose")));
        RunContext run = sync().run("crm");

        assertThat(logOf(run, ids.get("lose")).action()).isEqualTo("UNLINKED");
        assertThat(logOf(run, ids.get("lose")).reason()).isEqualTo("MERGED");
        assertThat(sync().store().links("crm", List.of(loserRow))).isEmpty();
        assertThat(sync().store().links("crm", List.of(keeperRow)).get(keeperRow).sfId()).isEqualTo(ids.get("keep"));
    }

    @Test
    void aMergedRecordsRowIsRelinkedToTheSurvivor() {
        sync().person(601).email("dup@m.example").with("last_name", "Dup").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("dup", "Dup", "dup@m.example"))));
        sync().run("crm_existing"); // row 601 found by email; the survivor below has no row of its own
        Map<String, String> master = sync().org(Map.of("Contact", List.of(contact("master", "Master", "master@m.example"))));
        sync().run("crm_existing"); // the master is linked to no row and the job inserts none

        sync().emulator.merge("Contact", master.get("master"), List.of(ids.get("dup")));
        RunContext run = sync().run("crm_existing");

        assertThat(logOf(run, ids.get("dup")).action()).isEqualTo("LINKED");
        assertThat(logOf(run, ids.get("dup")).reason()).isEqualTo("MERGED");
        assertThat(sync().store().links("crm_existing", List.of("601")).get("601").sfId()).isEqualTo(master.get("master"));
    }

    @Test
    void aConvertedLeadsPersonBecomesTheContactAndTakesItsValues() {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Lee", "Company", "Co",
                "Email", "lee@conv.example", "Title", "Intern"))));
        sync().run("crm");
        String row = String.valueOf(personByEmail("lee@conv.example").get("id"));

        Map<String, String> converted = sync().emulator.convertLead(ids.get("l"), null, null);
        String contactId = converted.get("contactId");
        edit("Contact", contactId, Map.of("Title", "Engineer"));
        RunContext run = sync().run("crm");
        assertThat(run.status()).isEqualTo("SUCCEEDED");

        assertThat(count("SELECT COUNT(*) FROM person WHERE email = 'lee@conv.example'")).isEqualTo(1);
        assertThat(personByEmail("lee@conv.example")).containsEntry("title", "Engineer");
        Link link = sync().store().links("crm", List.of(row)).get(row);
        assertThat(link.sobject()).isEqualTo("Contact");
        assertThat(link.sfId()).isEqualTo(contactId);
        assertThat(log(run).stream().filter(e -> "Contact".equals(e.sobject()) && "UPDATED".equals(e.action())
                && contactId.equals(e.sfId()))).hasSize(1);
        assertThat(log(run).stream().filter(e -> "LEAD_CONVERTED".equals(e.reason()))).isNotEmpty();
    }

    @Test
    void aContactMovedToAnotherAccountMovesItsCompany() {
        Map<String, String> ids = sync().org(Map.of(
                "Account", List.of(rec("_ref", "one", "Name", "One"), rec("_ref", "two", "Name", "Two")),
                "Contact", List.of(contact("c", "Mover", "mover@mv.example", "AccountId", "@one"))));
        sync().run("crm");
        Object two = rows("SELECT id FROM company WHERE name = 'Two'").get(0).get("id");

        edit("Contact", ids.get("c"), Map.of("AccountId", ids.get("two")));
        RunContext run = sync().run("crm");

        assertThat(personByEmail("mover@mv.example").get("company_id")).isEqualTo(two);
        assertThat(logOf(run, ids.get("c")).fields()).contains("AccountId");
    }

    @Test
    void aContactWhoseAccountHasNoRowYetGetsItsCompanyReadByIdInOneMoreCall() {
        // the Account is older than the Account cursor: only the Contact's change is polled
        sync().org(Map.of("Account", List.of(rec("_ref", "old", "Name", "Old Co"))));
        sync().run("crm");
        sync().sql("DELETE FROM sync_record_link", "DELETE FROM company");
        Map<String, String> ids = sync().org(Map.of("Account", List.of(rec("_ref", "old2", "Name", "Older Co",
                "SystemModstamp", EmulatedOrg.DATETIME.format(Instant.now().minus(3, ChronoUnit.DAYS))))));
        sync().org(Map.of("Contact", List.of(contact("c", "Child", "child@acc.example", "AccountId", ids.get("old2")))));

        RunContext run = sync().run("crm");

        Object company = rows("SELECT id FROM company WHERE name = 'Older Co'").get(0).get("id");
        assertThat(personByEmail("child@acc.example").get("company_id")).isEqualTo(company);
        assertThat(run.apiCalls()).isEqualTo(2);
    }

    // --- SendWOW's address rule ---------------------------------------------------------------------------

    @Test
    void contactsTakeTheirAccountsAddressFirstAndIncompleteAddressesAreFlagged() {
        sync().org(Map.of(
                "Account", List.of(rec("_ref", "hq", "Name", "HQ Co", "BillingStreet", "1 Main St", "BillingCity", "Lyon",
                        "BillingState", "ARA", "BillingPostalCode", "69001")),
                "Contact", List.of(
                        contact("at", "AtHq", "athq@addr.example", "AccountId", "@hq", "MailingCity", "Paris"),
                        contact("own", "Own", "own@addr.example", "MailingStreet", "2 Rue", "MailingCity", "Nice",
                                "MailingState", "PAC", "MailingPostalCode", "06000"),
                        contact("part", "Part", "part@addr.example", "MailingCity", "Metz"))));

        RunContext run = sync().run("crm");

        assertThat(personByEmail("athq@addr.example")).containsEntry("city", "Lyon").containsEntry("street", "1 Main St")
                .containsEntry("address_incomplete", false);
        assertThat(personByEmail("own@addr.example")).containsEntry("city", "Nice").containsEntry("address_incomplete", false);
        assertThat(personByEmail("part@addr.example")).containsEntry("city", "Metz").containsEntry("address_incomplete", true);
        assertThat(log(run).stream().filter(e -> "ADDRESS_INCOMPLETE".equals(e.reason())).count()).isEqualTo(1);
    }

    // --- conflicts on first links ---------------------------------------------------------------------------

    @Test
    void aFirstLinkWithDifferingValuesIsHeldUntilAnOperatorTakesSalesforcesValues() {
        sync().person(701).email("imported@cf.example").title("Sales").with("last_name", "Imp").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("imp", "Imp", "imported@cf.example",
                "Title", "VP Sales"))));

        RunContext run = sync().run("crm");

        assertThat(logOf(run, ids.get("imp")).action()).isEqualTo("CONFLICT");
        assertThat(run.counts().conflicts()).isEqualTo(1);
        assertThat(personByEmail("imported@cf.example")).containsEntry("title", "Sales");
        List<InboundStore.Conflict> open = sync().store().inbound().conflicts("crm", "OPEN");
        assertThat(open).hasSize(1);
        assertThat(open.get(0).values()).contains("\"salesforce\":\"VP Sales\"", "\"source\":\"Sales\"");

        // a later change of the record is held too: nothing written either way until someone decides
        edit("Contact", ids.get("imp"), Map.of("Title", "SVP Sales"));
        RunContext held = sync().run("crm");
        assertThat(logOf(held, ids.get("imp")).reason()).isEqualTo("CONFLICT_OPEN");
        assertThat(personByEmail("imported@cf.example")).containsEntry("title", "Sales");

        Conflicts.resolve(sync().store(), new SourceTables(sync().runtime.source()), sync().runtime.config().jobs(),
                open.get(0).id(), Conflicts.Take.SALESFORCE, "test operator");

        assertThat(personByEmail("imported@cf.example")).containsEntry("title", "SVP Sales");
        assertThat(sync().store().inbound().conflicts("crm", "OPEN")).isEmpty();
        assertThat(sync().store().links("crm", List.of("701")).get("701").sfId()).isEqualTo(ids.get("imp"));
        RunContext after = sync().run("crm");
        assertThat(log(after)).isEmpty();
    }

    @Test
    void takingTheSourcesSideKeepsTheRowAndLinksIt() {
        sync().person(702).email("keep@cf.example").title("Founder").with("last_name", "Keep").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("k", "Keep", "keep@cf.example",
                "Title", "Owner"))));
        sync().run("crm");
        long id = sync().store().inbound().conflicts("crm", "OPEN").get(0).id();

        Conflicts.resolve(sync().store(), new SourceTables(sync().runtime.source()), sync().runtime.config().jobs(), id,
                Conflicts.Take.SOURCE, "test operator");

        assertThat(personByEmail("keep@cf.example")).containsEntry("title", "Founder");
        assertThat(sync().store().inbound().conflict(id).orElseThrow().status()).isEqualTo("TOOK_SOURCE");
        assertThat(log(sync().run("crm"))).isEmpty(); // that version is settled: the next poll leaves it
        edit("Contact", ids.get("k"), Map.of("Title", "CEO"));
        sync().run("crm");
        assertThat(personByEmail("keep@cf.example")).containsEntry("title", "CEO");
    }

    @Test
    void withOnConflictMergeAFirstLinkIsLoggedAsAConflictAndTheMergeRulesApply() {
        sync().person(703).email("m@cf.example").title("Old").with("first_name", null).with("last_name", "M").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("m", "M", "m@cf.example", "Title", "New",
                "FirstName", "Mo"))));

        RunContext run = sync().run("crm_merge");

        assertThat(logOf(run, ids.get("m")).action()).isEqualTo("CONFLICT");
        assertThat(logOf(run, ids.get("m")).reason()).isEqualTo("MERGED");
        assertThat(personByEmail("m@cf.example")).containsEntry("title", "New").containsEntry("first_name", "Mo");
        assertThat(sync().store().inbound().conflicts("crm_merge", "OPEN")).isEmpty();
    }

    // --- bad values, failures ------------------------------------------------------------------------------

    @Test
    void aValueThatDoesNotFitItsColumnIsAnErrorNamingRecordAndColumnAndTheRestIsWritten() {
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(
                contact("long", "Long", "long@bad.example", "Title", "T".repeat(60)),
                contact("ok", "Fine", "ok@bad.example"))));
        sync().sql("ALTER TABLE person ALTER COLUMN title " + (sync().postgres() == null ? "SET DATA TYPE" : "TYPE")
                + " VARCHAR(40)");
        try {
            RunContext run = sync().run("crm");

            SyncStore.LogEntry bad = logOf(run, ids.get("long"));
            assertThat(bad.action()).isEqualTo("ERROR");
            assertThat(bad.message()).contains("Contact " + ids.get("long"), "person.title");
            personByEmail("ok@bad.example");
            assertThat(run.counts().created()).isEqualTo(1);
            assertThat(run.status()).isEqualTo("PARTIAL");
        } finally {
            sync().sql("ALTER TABLE person ALTER COLUMN title " + (sync().postgres() == null ? "SET DATA TYPE" : "TYPE")
                    + " VARCHAR(255)");
        }
    }

    @Test
    void aPollThatFailsLeavesTheCursorsSoThePageIsReadAgain() {
        sync().org(Map.of("Contact", List.of(contact("a", "A", "a@fail.example"), contact("b", "B", "b@fail.example"),
                contact("c", "C", "c@fail.example"), contact("d", "D", "d@fail.example"))));
        // the second page's call fails for good (every redelivery too)
        sync().emulator.faults().add(new io.sfsync.emulator.control.Faults.Rule(
                io.sfsync.emulator.control.Faults.Kind.SERVER_ERROR, 1.0, -1, "composite$", "POST", 1));

        RunContext failed = sync().run("crm");
        sync().emulator.faults().clear();
        RunContext again = sync().run("crm");

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(again.status()).isEqualTo("SUCCEEDED");
        assertThat(count("SELECT COUNT(*) FROM person WHERE email LIKE '%@fail.example'")).isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM sync_log WHERE action = 'CREATED' AND direction = 'INBOUND'")).isEqualTo(4);
    }

    // --- both ways ---------------------------------------------------------------------------------------

    @Test
    void aBidirectionalJobConvergesTheCycleAfterAChangeWritesNothingEitherWay() {
        sync().person(801).email("two@way.example").title("Dev").with("phone", "111").insert();
        RunContext first = sync().run("twoway");
        assertThat(first.counts().created()).isEqualTo(1);
        String leadId = sync().store().links("twoway", List.of("801")).get("801").sfId();

        edit("Lead", leadId, rec("FirstName", "Tomas", "Title", "Lead Dev", "Phone", "222", "LeadSource", "Web"));
        RunContext change = sync().run("twoway");

        Map<String, Object> row = personByEmail("two@way.example");
        assertThat(row).containsEntry("first_name", "Tomas") // most recent: Salesforce changed last
                .containsEntry("title", "Lead Dev") // salesforce_unless_blank
                .containsEntry("phone", "111") // source_unless_blank: the source has one
                .containsEntry("lead_source", "Web"); // from_salesforce
        assertThat(sync().record(leadId)).containsEntry("Phone", "222"); // and it is not sent back over Salesforce's
        List<Object> sfBefore = sync().records("Lead").stream().map(r -> r.get("SystemModstamp")).toList();
        List<Map<String, Object>> rowsBefore = rows("SELECT * FROM person ORDER BY id");

        RunContext quiet = sync().run("twoway");

        assertThat(quiet.counts().created() + quiet.counts().updated()).isZero();
        assertThat(sync().records("Lead").stream().map(r -> r.get("SystemModstamp")).toList())
                .as("no Salesforce record written in the quiet cycle").isEqualTo(sfBefore);
        assertThat(rows("SELECT * FROM person ORDER BY id")).as("no source row written in the quiet cycle")
                .isEqualTo(rowsBefore);
        assertThat(change.status()).isIn("SUCCEEDED", "PARTIAL");
    }

    @Test
    void aSourceChangeOfABothWaysFieldGoesOutAndComesBackAsNoChange() {
        sync().person(802).email("out@way.example").with("first_name", "Ann").insert();
        sync().run("twoway");
        String leadId = sync().store().links("twoway", List.of("802")).get("802").sfId();

        sync().updateChangedAt(802, "first_name", "Anna", Instant.now());
        RunContext out = sync().run("twoway");
        assertThat(sync().record(leadId)).containsEntry("FirstName", "Anna");
        assertThat(out.counts().updated()).isEqualTo(1);

        RunContext back = sync().run("twoway");
        assertThat(back.counts().updated() + back.counts().created()).isZero();
        assertThat(personByEmail("out@way.example")).containsEntry("first_name", "Anna");
    }


    // --- merges, conversions, conflicts, errors and values, case by case -------------------------------------------------------------

    // merges ----------------------------------------------------------------------------------------

    /** A new duplicate Contact merged (as survivor) with a linked one before the next poll: one row, not two. */
    @Test
    void mergeIntoAnUnlinkedSurvivorDoesNotLinkTwoRowsToIt() {
        Map<String, String> lose = sync().org(Map.of("Contact", List.of(contact("lose", "Lose", "lose@mu.example"))));
        sync().run("crm");
        String loserRow = String.valueOf(personByEmail("lose@mu.example").get("id"));
        Map<String, String> keep = sync().org(Map.of("Contact", List.of(contact("keep", "Keep", "keep@mu.example"))));
        sync().emulator.merge("Contact", keep.get("keep"), List.of(lose.get("lose")));

        RunContext run = sync().run("crm");
        assertThat(count("SELECT COUNT(*) FROM sync_link WHERE job = 'crm' AND sf_id = ?", keep.get("keep")))
                .as("rows linked to the surviving Contact").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM person")).as("person rows").isEqualTo(1);
        assertThat(sync().store().links("crm", List.of(loserRow)).get(loserRow).sfId()).isEqualTo(keep.get("keep"));
    }

    /** The survivor of a merge relinks the loser's row; the survivor's values must reach that row. */
    @Test
    void theSurvivorsValuesReachTheRelinkedRow() {
        sync().person(611).email("dup@mv.example").with("last_name", "Dup").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("dup", "Dup", "dup@mv.example"))));
        sync().run("crm_existing");
        Map<String, String> master = sync().org(Map.of("Contact", List.of(contact("master", "Master", "master@mv.example",
                "Title", "Boss"))));
        sync().run("crm_existing"); // the master is linked to no row (newRows: skip)

        sync().emulator.merge("Contact", master.get("master"), List.of(ids.get("dup")));
        RunContext merged = sync().run("crm_existing");
        RunContext next = sync().run("crm_existing");
        assertThat(sync().store().links("crm_existing", List.of("611")).get("611").sfId()).isEqualTo(master.get("master"));
        assertThat(rows("SELECT * FROM person WHERE id = 611").get(0))
                .as("row 611, now linked to the survivor, after two polls")
                .containsEntry("last_name", "Master").containsEntry("title", "Boss");
    }

    // --- conversions -------------------------------------------------------------------------------------

    /** A converted Lead's Contact that comes in a later page than the Lead must still be applied. */
    @Test
    void aConvertedLeadsContactInALaterPageIsApplied() throws Exception {
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
        Object company = rows("SELECT id FROM company WHERE name = 'Conv Co'").get(0).get("id");
        assertThat(sync().store().links("crm", List.of(row)).get(row).sfId()).isEqualTo(contactId);
        assertThat(personByEmail("late@cv.example").get("company_id"))
                .as("the converted Contact's Account, as the person's company").isEqualTo(company);
        assertThat(log(run).stream().filter(e -> contactId.equals(e.sfId()) && !"LEAD_CONVERTED".equals(e.reason())))
                .as("an outcome of the Contact itself").isNotEmpty();
    }

    /** Where the converted Lead's sync_log row goes: it must name the Lead. */
    @Test
    void aConvertedLeadsLogRowNamesTheLead() {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "LastName", "Named", "Company", "N Co",
                "Email", "named@cv.example"))));
        sync().run("crm");
        Map<String, String> converted = sync().emulator.convertLead(ids.get("l"), null, null);

        RunContext run = sync().run("crm");
        assertThat(log(run).stream().filter(e -> ids.get("l").equals(e.sfId())))
                .as("a sync_log row for Lead %s", ids.get("l")).isNotEmpty();
        assertThat(log(run).stream().filter(e -> converted.get("contactId").equals(e.sfId())))
                .as("sync_log rows for Contact %s (one record version)", converted.get("contactId")).hasSize(1);
    }

    // --- conflicts ---------------------------------------------------------------------------------------

    /** Taking Salesforce's side must bring every Salesforce value, not only the ones that differed. */
    @Test
    void takingSalesforcesSideAlsoFillsTheRowsBlanks() {
        sync().person(711).email("blank@cf.example").title("Sales").with("first_name", null).with("last_name", "Imp").insert();
        sync().org(Map.of("Contact", List.of(contact("imp", "Imp", "blank@cf.example", "Title", "VP Sales",
                "FirstName", "Ima"))));
        sync().run("crm");
        List<InboundStore.Conflict> open = sync().store().inbound().conflicts("crm", "OPEN");
        assertThat(open).hasSize(1);

        Conflicts.resolve(sync().store(), new SourceTables(sync().runtime.source()), sync().runtime.config().jobs(),
                open.get(0).id(), Conflicts.Take.SALESFORCE, "test operator");
        RunContext after = sync().run("crm");
        assertThat(personByEmail("blank@cf.example")).containsEntry("title", "VP Sales")
                .as("FirstName, blank in the row, after taking Salesforce's side and one more poll")
                .containsEntry("first_name", "Ima");
    }

    // --- errors ------------------------------------------------------------------------------------------

    /** A record that failed (the column was too short) is not lost: once the column is fixed the next poll writes it. */
    @Test
    void aRecordThatFailedIsWrittenOnceTheCauseIsFixed() {
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
        assertThat(count("SELECT COUNT(*) FROM person WHERE email = 'long@retry.example'"))
                .as("the record's row after the column was fixed and the job ran again").isEqualTo(1);
    }

    // --- both ways ---------------------------------------------------------------------------------------

    /** A source edit of one field must survive a later Salesforce edit of another field of the same record. */
    @Test
    void aSourceEditSurvivesALaterSalesforceEditOfAnotherField() throws Exception {
        sync().person(811).email("keep@edit.example").with("first_name", "Ann").title("Dev").insert();
        sync().run("twoway");
        String leadId = sync().store().links("twoway", List.of("811")).get("811").sfId();

        sync().updateChangedAt(811, "first_name", "Anna", Instant.now()); // the source's edit, not sent yet
        Thread.sleep(20);
        edit("Lead", leadId, rec("Phone", "555-0100")); // then a Salesforce user edits another field
        RunContext run = sync().run("twoway");
        assertThat(personByEmail("keep@edit.example")).as("the source row").containsEntry("first_name", "Anna");
        assertThat(sync().record(leadId)).as("the Lead").containsEntry("FirstName", "Anna");
    }

    // --- custom objects ----------------------------------------------------------------------------------

    /** The README says a custom object can be polled; its first page rides in the opening call. */

    // --- typed values ------------------------------------------------------------------------------------

    private void datesColumn() {
        sync().sql("ALTER TABLE person ADD COLUMN IF NOT EXISTS sf_created_at TIMESTAMP WITH TIME ZONE");
    }

    /** A datetime the row already holds (the same instant) is no difference: no conflict on the first link. */
    @Test
    void theSameInstantIsNoConflictOnAFirstLink() {
        datesColumn();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("d", "Dates", "d@dt.example"))));
        // the emulator's CreatedDate as Salesforce writes it: 2026-12-02T10:00:00.000+0000
        Instant created = java.time.OffsetDateTime.parse(String.valueOf(sync().record(ids.get("d")).get("CreatedDate")),
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")).toInstant();
        sync().person(631).email("d@dt.example").with("last_name", "Dates").with("sf_created_at",
                created.atOffset(java.time.ZoneOffset.UTC)).insert();

        RunContext run = sync().run("crm_dates");
        assertThat(logOf(run, ids.get("d")).action()).as("first link of a record whose values the row has")
                .isEqualTo("LINKED");
    }

    /** A later change of one field logs that field only, and a datetime that did not change is not rewritten. */
    @Test
    void anUnchangedDatetimeIsNotLoggedAsChanged() {
        datesColumn();
        sync().person(632).email("e@dt.example").with("last_name", "Ed").insert();
        Map<String, String> ids = sync().org(Map.of("Contact", List.of(contact("e", "Ed", "e@dt.example"))));
        sync().run("crm_dates"); // links and fills sf_created_at

        edit("Contact", ids.get("e"), Map.of("Title", "Chief"));
        RunContext run = sync().run("crm_dates");
        assertThat(logOf(run, ids.get("e")).fields()).isEqualTo("Title");
    }

    /** A both-ways job: a conflict its inbound half opens holds the outbound half too (nothing written either way). */
    @Test
    void aConflictOpenedByTheInboundHalfHoldsTheOutboundHalfOfTheSameRun() {
        Map<String, String> ids = sync().org(Map.of("Lead", List.of(rec("_ref", "l", "FirstName", "Rob", "LastName", "Held",
                "Company", "Held Co", "Email", "held@cf2.example"))));
        sync().person(821).email("held@cf2.example").with("first_name", "Rob").with("last_name", "Held").insert();
        // an operator links the row to the Lead by hand (sfsync link): the first inbound look compares both sides
        sync().sql("INSERT INTO sync_link (job, source_key, sobject, sf_id, synced_at, linked_by) VALUES ('twoway', '821',"
                + " 'Lead', '" + ids.get("l") + "', CURRENT_TIMESTAMP, 'MANUAL')");
        sync().updateChangedAt(821, "first_name", "Bob", Instant.now()); // the row differs, changed after the Lead

        RunContext run = sync().run("twoway");
        assertThat(sync().store().inbound().conflicts("twoway", "OPEN")).hasSize(1);
        assertThat(sync().record(ids.get("l"))).as("the Lead while its conflict is open").containsEntry("FirstName", "Rob");
    }
}
