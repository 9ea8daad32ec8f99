package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An emulator started with a state file finds its org as the previous run left it. */
class EmulatorStateFileTest {

    @Test
    void recordsCustomFieldsAndIdsSurviveARestart(@TempDir Path dir) {
        Path state = dir.resolve("org.json");
        String leadId;
        try (SalesforceEmulator first = SalesforceEmulator.builder().stateFile(state).build().start()) {
            first.control().handle("POST", "/fields", Map.of(),
                    "{\"object\":\"Lead\",\"name\":\"Region__c\",\"type\":\"picklist\",\"values\":[\"EMEA\",\"AMER\"],\"restricted\":true}");
            leadId = first.seed(Map.of("Lead", List.of(Map.of("_ref", "l", "LastName", "Kept", "Company", "C",
                    "Region__c", "EMEA")))).get("l");
        }
        try (SalesforceEmulator second = SalesforceEmulator.builder().stateFile(state).build().start()) {
            Map<String, Object> lead = second.org().store().get(leadId);
            assertThat(lead).containsEntry("LastName", "Kept").containsEntry("Region__c", "EMEA");
            assertThat(second.org().schema().object("Lead").field("Region__c").restrictedPicklist()).isTrue();
            String next = second.seed(Map.of("Lead", List.of(Map.of("_ref", "n", "LastName", "New", "Company", "C"))))
                    .get("n");
            assertThat(next).isNotEqualTo(leadId);
            assertThat(second.org().store().list("User", false)).hasSize(1);
        }
    }

    @Test
    void customObjectsWithTheirKeyPrefixFieldsChildRelationshipsAndRecordsSurviveARestart(@TempDir Path dir) {
        Path state = dir.resolve("org.json");
        String prefix;
        Map<String, String> ids;
        try (SalesforceEmulator first = SalesforceEmulator.builder().stateFile(state).build().start()) {
            first.defineObject(Map.of("name", "Filler__c"));
            prefix = first.defineObject(Map.of("name", "Project__c", "label", "Project",
                    "nameField", Map.of("type", "autonumber", "displayFormat", "P-{0000}"),
                    "fields", List.of(
                            Map.of("name", "Code__c", "type", "string", "length", 20, "externalId", true),
                            Map.of("name", "Stage__c", "type", "picklist", "values", List.of("Plan", "Build"),
                                    "restricted", true),
                            Map.of("name", "Account__c", "type", "reference", "referenceTo", "Account",
                                    "childRelationshipName", "Engagements")))).keyPrefix();
            ids = first.seed(Map.of(
                    "Account", List.of(Map.of("_ref", "acme", "Name", "Acme")),
                    "Project__c", List.of(
                            Map.of("_ref", "p1", "Code__c", "A", "Stage__c", "Plan", "Account__c", "@acme"),
                            Map.of("_ref", "p2", "Code__c", "B", "Account__c", "@acme", "IsDeleted", true))));
        }
        try (SalesforceEmulator second = SalesforceEmulator.builder().stateFile(state).build().start()) {
            var project = second.org().schema().object("Project__c");
            assertThat(project.keyPrefix()).isEqualTo(prefix);
            assertThat(project.label()).isEqualTo("Project");
            assertThat(project.field("Name").autoNumberFormat()).isEqualTo("P-{0000}");
            assertThat(project.field("Code__c").externalId()).isTrue();
            assertThat(project.field("Stage__c").restrictedPicklist()).isTrue();
            assertThat(second.org().store().get(ids.get("p1"))).containsEntry("Name", "P-0001")
                    .containsEntry("Code__c", "A").containsEntry("Account__c", ids.get("acme"));
            assertThat(second.org().store().get(ids.get("p2"))).containsEntry("IsDeleted", true);

            RestClient sf = new RestClient(second).login();
            RestClient.Reply created = sf.post(RestClient.V + "/sobjects/Project__c",
                    Map.of("Code__c", "C", "Account__c", ids.get("acme")));
            String id = created.json().get("id").asText();
            assertThat(id).startsWith(prefix).isNotIn(ids.values());
            assertThat(second.org().store().get(id)).containsEntry("Name", "P-0003");
            var account = sf.query("SELECT Name, (SELECT Code__c FROM Engagements__r ORDER BY Code__c) FROM Account")
                    .json().get("records").get(0);
            assertThat(account.get("Engagements__r").get("records").findValuesAsText("Code__c"))
                    .containsExactly("A", "C");
        }
    }

    @Test
    void changeCaptureQueriesPageThroughTheRestoredRecordsInOrder(@TempDir Path dir) {
        Path state = dir.resolve("org.json");
        java.time.Instant t0 = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .minusSeconds(3600);
        List<Map<String, Object>> contacts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            contacts.add(Map.of("LastName", "C" + i, "LastModifiedDate", EmulatedOrg.DATETIME.format(t0),
                    "SystemModstamp", EmulatedOrg.DATETIME.format(t0.plusSeconds(i % 4)), "IsDeleted", i % 5 == 0));
        }
        java.time.Instant upTo = java.time.Instant.now().plusSeconds(3600);
        List<String> before;
        try (SalesforceEmulator first = SalesforceEmulator.builder().stateFile(state).build().start()) {
            first.seed(Map.of("Contact", contacts));
            before = WireChangeCaptureQueryTest.sortedHere(new RestClient(first).login(), upTo);
        }
        try (SalesforceEmulator second = SalesforceEmulator.builder().stateFile(state).build().start()) {
            RestClient sf = new RestClient(second).login();
            assertThat(WireChangeCaptureQueryTest.pagedByCursor(sf, upTo, 6)).isEqualTo(before).hasSize(40);
            second.touch("Contact", List.of(second.org().store().list("Contact", false).get(0).get("Id").toString()),
                    null);
            assertThat(WireChangeCaptureQueryTest.pagedByCursor(sf, upTo, 6))
                    .isEqualTo(WireChangeCaptureQueryTest.sortedHere(sf, upTo)).isNotEqualTo(before);
        }
    }
}
