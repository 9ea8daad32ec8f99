package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.config.SyncConfig;
import io.sfsync.config.SyncConfigLoader;
import io.sfsync.db.Databases;

/** `sfsync check`: sync.yaml against the source database's columns and the org's describe. */
class ConfigCheckerTest {

    @Test
    void findsUnknownColumnsFieldsReadOnlyFieldsBadPicklistValuesAndUnmappedRequiredFields(@TempDir Path dir)
            throws Exception {
        SfsyncRuntime.Options options = SfsyncRuntime.Options.defaults().withEmulator(true).withSchedules(false)
                .withOverrides(Map.of("sfsync.source.url", "jdbc:h2:mem:check;DB_CLOSE_DELAY=-1",
                        "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            Databases.migrateDemoSource(rt.source());
            ConfigChecker shipped = new ConfigChecker(rt.config(), rt.source(), rt.salesforce());
            assertThat(shipped.check()).isEmpty();
            assertThat(shipped.warnings()).isEmpty();

            String people = Files.readString(Path.of("config/sync.yaml"));
            // an inbound job's tables and columns are checked; a read-only field may come from Salesforce only
            SyncConfig inbound = new SyncConfigLoader(n -> null).parse(people
                    .replace("accountColumn: company_id", "accountColumn: company_key")
                    .replace("        Title:        {from: title}\n        Phone:        {from: phone}\n        MailingStreet",
                            "        Title:        {from: job_title}\n        LastModifiedDate: {from: updated_at}\n"
                                    + "        Phone:        {from: phone}\n        MailingStreet")
                    .replace("        Sfsync_Person_Id__c: {from: id}\n      Contact:",
                            "        Sfsync_Person_Id__c: {from: id}\n        LastModifiedDate: {from: email}\n      Contact:"),
                    "sync.yaml");
            assertThat(new ConfigChecker(inbound, rt.source(), rt.salesforce()).check()).containsExactlyInAnyOrder(
                    "jobs.crm.inbound.objects.Contact.accountColumn: table person has no column company_key",
                    "jobs.crm.fields.Contact.Title.from: table person has no column job_title",
                    "jobs.people.fields.Lead.LastModifiedDate: Lead.LastModifiedDate is not writable for the integration"
                            + " user (a formula or system field can only be direction: from_salesforce)");
            SyncConfig misnamed = new SyncConfigLoader(n -> null).parse(people.replaceFirst(
                    "externalIdField: Sfsync_Person_Id__c", "externalIdField: Person_Key__c"), "sync.yaml");
            assertThat(new ConfigChecker(misnamed, rt.source(), rt.salesforce()).check()).contains(
                    "jobs.people.externalIdField: Contact has no field Person_Key__c; create it (Text, External ID, Unique)"
                            + " or change the name",
                    "jobs.people.externalIdField: Lead has no field Person_Key__c; create it (Text, External ID, Unique)"
                            + " or change the name");
            SyncConfig without = new SyncConfigLoader(n -> null).parse(people.replaceFirst(
                    "    externalIdField: Sfsync_Person_Id__c\n", "").replaceFirst(
                    "matchBy: \\[link, externalId, email\\]", "matchBy: [link, email]"), "sync.yaml");
            assertThat(new ConfigChecker(without, rt.source(), rt.salesforce()).warnings())
                    .anyMatch(w -> w.startsWith("jobs.people.externalIdField: not set, so creates are plain inserts")
                            && w.contains("finds the record by email — a row without an email could be created twice"));

            // the activities' query and the columns they name; Task's external ID field
            SyncConfig activities = new SyncConfigLoader(n -> null).parse(people
                    .replace("      sender: sender_email ", "      sender: sent_by ")
                    .replace("      includeContent: false ", "      includeContent: true\n      body: message\n"
                            + "      externalIdField: Touch_Key__c ")
                    , "sync.yaml");
            assertThat(new ConfigChecker(activities, rt.source(), rt.salesforce()).check()).containsExactlyInAnyOrder(
                    "jobs.people.activities.sender: the source query has no column 'sent_by' (it has id, person_id, kind,"
                            + " subject, body, occurred_at, sender_email)",
                    "jobs.people.activities.body: the source query has no column 'message' (it has id, person_id, kind,"
                            + " subject, body, occurred_at, sender_email)",
                    "jobs.people.activities.externalIdField: Task has no field Touch_Key__c (create it: Text(64),"
                            + " External ID, Unique)");

            // a segment the job defines must be SQL the source accepts over the query's columns
            SyncConfig segments = new SyncConfigLoader(n -> null).parse(people.replace("    doNotContact: do_not_contact\n",
                    "    doNotContact: do_not_contact\n    segments: {emea: \"region = 'EMEA'\", named: \"last_name <> ''\"}\n"),
                    "sync.yaml");
            assertThat(new ConfigChecker(segments, rt.source(), rt.salesforce()).check()).singleElement().asString()
                    .startsWith("jobs.people.segments.emea: the source database rejects the predicate 'region = 'EMEA'': ")
                    .containsIgnoringCase("REGION");

            String yaml = Files.readString(Path.of("config/sync.yaml"))
                    .replace("Title:        {from: title, overwrite: if_blank}\n        Phone:",
                            "Title:        {from: job_title, overwrite: if_blank}\n        Phone:")
                    .replace("LeadSource:   {from: lead_source, default: \"Purchased List\", overwrite: if_blank}",
                            "LeadSource:   {from: lead_source}\n        Rating__c: {value: Hot}\n        IsConverted: {value: \"true\"}")
                    .replace("Status:       {value: \"Open - Not Contacted\", overwrite: never}",
                            "Status:       {value: \"Brand New\", overwrite: never}")
                    .replace("        Company:      {from: company_name, default: \"[Not Provided]\"}\n", "");
            SyncConfig broken = new SyncConfigLoader(n -> null).parse(yaml, "sync.yaml");
            List<String> problems = new ConfigChecker(broken, rt.source(), rt.salesforce()).check();
            assertThat(problems).contains(
                    "jobs.people.fields.Lead.Rating__c: Lead has no field Rating__c",
                    "jobs.people.fields.Lead.IsConverted: Lead.IsConverted is not writable for the integration user"
                            + " (a formula or system field can only be direction: from_salesforce)",
                    "jobs.people.fields.Lead.Company: Salesforce requires it on create; map it or give it a default");
            assertThat(problems).anyMatch(p -> p.startsWith("jobs.people.fields.Lead.Title.from: the source query has no"
                    + " column 'job_title'"));
            assertThat(problems).anyMatch(p -> p.startsWith("jobs.people.fields.Lead.Status: 'Brand New' is not a value of"
                    + " the restricted picklist Lead.Status"));
        }
    }
}
