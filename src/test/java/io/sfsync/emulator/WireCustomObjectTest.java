package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static io.sfsync.emulator.WireSObjectTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Custom objects on the wire: defined by an org definition or the control plane, then described,
 * written, upserted, queried (parent paths, subqueries, queryAll), written in collections, Composite
 * and Bulk API 2.0, and listed by the replication endpoints like a standard object.
 */
class WireCustomObjectTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final Map<String, Object> PROJECT = map(
            "name", "Project__c",
            "label", "Project",
            "nameField", map("label", "Project Name", "type", "string"),
            "fields", List.of(
                    map("name", "Budget__c", "type", "currency"),
                    map("name", "Code__c", "type", "string", "length", 20, "externalId", true, "unique", true),
                    map("name", "Account__c", "type", "reference", "referenceTo", "Account",
                            "relationshipName", "Account__r")));

    private RestClient sf;

    @BeforeEach
    void login() {
        SF.emulator().defineObject(PROJECT);
        sf = new RestClient(SF.emulator()).login();
    }

    // ---- defining ----

    @Test
    void customObjectDefinedByTheOrgDefinitionFileServesItsRecords(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("org.yaml");
        Files.writeString(yaml, """
                objects:
                  - name: Invoice__c
                    label: Invoice
                    nameField: {label: Invoice Number, type: autonumber, displayFormat: "INV-{0000}"}
                    fields:
                      - {name: Amount__c, type: currency, required: true}
                      - {name: Account__c, type: reference, referenceTo: Account, relationshipName: Account__r}
                records:
                  Invoice__c: [{Amount__c: 10, Account__c: "@acme"}, {Amount__c: 20, Account__c: "@acme"}]
                  Account: [{_ref: acme, Name: Acme}]
                """);
        try (SalesforceEmulator emulator = SalesforceEmulator.builder().dataFile(yaml).build().start()) {
            RestClient client = new RestClient(emulator).login();

            JsonNode global = client.get(V + "/sobjects").json().get("sobjects");
            JsonNode invoice = find(global, "name", "Invoice__c");
            assertThat(invoice.get("custom").asBoolean()).isTrue();
            assertThat(invoice.get("label").asText()).isEqualTo("Invoice");
            assertThat(invoice.get("labelPlural").asText()).isEqualTo("Invoices");
            assertThat(invoice.get("keyPrefix").asText()).matches("a[0-9A-Za-z]{2}");
            assertThat(find(global, "name", "Account").get("custom").asBoolean()).isFalse();

            JsonNode rows = client.query("SELECT Name, Amount__c, Account__r.Name FROM Invoice__c ORDER BY Name")
                    .json().get("records");
            assertThat(List.of(rows.get(0).get("Name").asText(), rows.get(1).get("Name").asText()))
                    .containsExactly("INV-0001", "INV-0002");
            assertThat(rows.get(1).get("Amount__c").asDouble()).isEqualTo(20.0);
            assertThat(rows.get(0).get("Account__r").get("Name").asText()).isEqualTo("Acme");
        }
    }

    @Test
    void customObjectDefinedThroughTheControlPlaneAnswersItsKeyPrefix() {
        RestClient.Reply r = sf.post("/_emulator/objects", map("name", "Milestone__c",
                "fields", List.of(map("name", "Project__c", "type", "reference", "referenceTo", "Project__c"))));

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().get("object").asText()).isEqualTo("Milestone__c");
        String prefix = r.json().get("keyPrefix").asText();
        assertThat(prefix).matches("a[0-9A-Za-z]{2}").isNotEqualTo(keyPrefix("Project__c"));
        JsonNode describe = sf.get(V + "/sobjects/Milestone__c/describe").json();
        assertThat(describe.get("label").asText()).isEqualTo("Milestone");
        assertThat(describe.get("keyPrefix").asText()).isEqualTo(prefix);
        assertThat(field(describe, "Project__c").get("relationshipName").asText()).isEqualTo("Project__r");
    }

    @Test
    void aWholeOrgDefinitionWithObjectsCanBeSeededThroughTheControlPlane() {
        RestClient.Reply r = sf.post("/_emulator/seed", map(
                "objects", List.of(map("name", "Risk__c", "fields", List.of(
                        map("name", "Project__c", "type", "reference", "referenceTo", "Project__c")))),
                "records", map(
                        "Risk__c", List.of(map("_ref", "r", "Name", "Late", "Project__c", "@p")),
                        "Project__c", List.of(map("_ref", "p", "Name", "Apollo")))));

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode risk = sf.query("SELECT Name, Project__r.Name FROM Risk__c").json().get("records").get(0);
        assertThat(risk.get("Project__r").get("Name").asText()).isEqualTo("Apollo");
    }

    @Test
    void describeHasTheSystemFieldsTheNameFieldAndTheCustomFields() {
        JsonNode describe = sf.get(V + "/sobjects/Project__c/describe").json();

        assertThat(describe.get("custom").asBoolean()).isTrue();
        assertThat(describe.get("name").asText()).isEqualTo("Project__c");
        assertThat(describe.get("fields").findValuesAsText("name")).contains("Id", "Name", "OwnerId", "CreatedDate",
                "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp", "IsDeleted", "Budget__c",
                "Code__c", "Account__c");
        JsonNode name = field(describe, "Name");
        assertThat(name.get("label").asText()).isEqualTo("Project Name");
        assertThat(name.get("nameField").asBoolean()).isTrue();
        assertThat(name.get("nillable").asBoolean()).isFalse();
        assertThat(name.get("autoNumber").asBoolean()).isFalse();
        assertThat(texts(field(describe, "OwnerId").get("referenceTo"))).containsExactlyInAnyOrder("Group", "User");
        JsonNode code = field(describe, "Code__c");
        assertThat(code.get("custom").asBoolean()).isTrue();
        assertThat(code.get("externalId").asBoolean()).isTrue();
        assertThat(code.get("unique").asBoolean()).isTrue();
        assertThat(code.get("length").asInt()).isEqualTo(20);
        assertThat(field(describe, "Budget__c").get("type").asText()).isEqualTo("currency");
        JsonNode account = field(describe, "Account__c");
        assertThat(account.get("type").asText()).isEqualTo("reference");
        assertThat(texts(account.get("referenceTo"))).containsExactly("Account");
        assertThat(account.get("relationshipName").asText()).isEqualTo("Account__r");
    }

    @Test
    void theParentListsTheChildRelationshipAsThePluralLabelWithR() {
        JsonNode rels = sf.get(V + "/sobjects/Account/describe").json().get("childRelationships");

        JsonNode projects = find(rels, "childSObject", "Project__c");
        assertThat(projects.get("field").asText()).isEqualTo("Account__c");
        assertThat(projects.get("relationshipName").asText()).isEqualTo("Projects__r");
    }

    @Test
    void keyPrefixesAreOfTheCustomKindAndUniqueAndIdsCarryThem() {
        SF.emulator().defineObject(map("name", "Sprint__c"));
        Map<String, String> prefixes = new java.util.HashMap<>();
        for (JsonNode o : sf.get(V + "/sobjects").json().get("sobjects")) {
            String previous = prefixes.put(o.get("keyPrefix").asText(), o.get("name").asText());
            assertThat(previous).as("key prefix " + o.get("keyPrefix").asText()).isNull();
        }
        assertThat(keyPrefix("Sprint__c")).matches("a[0-9A-Za-z]{2}");

        String id = created("Sprint__c", map("Name", "S1"));

        assertThat(id).startsWith(keyPrefix("Sprint__c")).hasSize(18);
    }

    @Test
    void definingAnObjectAgainKeepsItsKeyPrefixRecordsAndOtherFields() {
        String prefix = keyPrefix("Project__c");
        String id = created("Project__c", map("Name", "Apollo", "Budget__c", 5));

        SF.emulator().defineObject(map("name", "Project__c", "label", "Programme",
                "fields", List.of(map("name", "Phase__c", "type", "picklist", "values", List.of("One", "Two")))));

        JsonNode describe = sf.get(V + "/sobjects/Project__c/describe").json();
        assertThat(describe.get("keyPrefix").asText()).isEqualTo(prefix);
        assertThat(describe.get("label").asText()).isEqualTo("Programme");
        assertThat(describe.get("fields").findValuesAsText("name")).contains("Budget__c", "Phase__c");
        assertThat(sf.get(V + "/sobjects/Project__c/" + id).json().get("Budget__c").asDouble()).isEqualTo(5.0);
        SF.emulator().defineObject(PROJECT);
    }

    // ---- records ----

    @Test
    void createRetrieveUpdateAndDeleteARecord() {
        String acme = created("Account", map("Name", "Acme"));
        RestClient.Reply create = sf.post(V + "/sobjects/Project__c",
                map("Name", "Apollo", "Budget__c", 1200.5, "Code__c", "AP-1", "Account__c", acme));
        assertThat(create.status()).as(create.raw().body()).isEqualTo(201);
        String id = create.json().get("id").asText();

        JsonNode got = sf.get(V + "/sobjects/Project__c/" + id).json();
        assertThat(got.get("attributes").get("type").asText()).isEqualTo("Project__c");
        assertThat(got.get("Name").asText()).isEqualTo("Apollo");
        assertThat(got.get("Budget__c").asDouble()).isEqualTo(1200.5);
        assertThat(got.get("OwnerId").asText()).isEqualTo(SF.emulator().org().integrationUserId());
        assertThat(got.get("IsDeleted").asBoolean()).isFalse();
        assertThat(got.get("CreatedDate").asText()).isNotEmpty();

        assertThat(sf.patch(V + "/sobjects/Project__c/" + id, map("Budget__c", 99)).status()).isEqualTo(204);
        assertThat(sf.get(V + "/sobjects/Project__c/" + id + "?fields=Budget__c").json().get("Budget__c").asDouble())
                .isEqualTo(99.0);
        assertThat(sf.delete(V + "/sobjects/Project__c/" + id).status()).isEqualTo(204);
        assertError(sf.get(V + "/sobjects/Project__c/" + id), 404, "ENTITY_IS_DELETED");
    }

    @Test
    void theRulesOfStandardObjectsHoldOnCustomOnes() {
        assertError(sf.post(V + "/sobjects/Project__c", map("Budget__c", 1)), 400, "REQUIRED_FIELD_MISSING");
        assertError(sf.post(V + "/sobjects/Project__c", map("Name", "X", "Code__c", "123456789012345678901")), 400,
                "STRING_TOO_LONG");
        assertError(sf.post(V + "/sobjects/Project__c", map("Name", "X", "Nope__c", 1)), 400, "INVALID_FIELD");
        String lead = created("Lead", map("LastName", "L", "Company", "C"));
        assertError(sf.post(V + "/sobjects/Project__c", map("Name", "X", "Account__c", lead)), 400,
                "FIELD_INTEGRITY_EXCEPTION");
        created("Project__c", map("Name", "A", "Code__c", "SAME"));
        assertError(sf.post(V + "/sobjects/Project__c", map("Name", "B", "Code__c", "same")), 400, "DUPLICATE_VALUE");
    }

    @Test
    void upsertByExternalIdCreatesThenUpdates() {
        RestClient.Reply first = sf.patch(V + "/sobjects/Project__c/Code__c/AP-7", map("Name", "Apollo"));
        RestClient.Reply second = sf.patch(V + "/sobjects/Project__c/Code__c/AP-7", map("Budget__c", 7));

        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        assertThat(first.json().get("created").asBoolean()).isTrue();
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        JsonNode got = sf.get(V + "/sobjects/Project__c/Code__c/AP-7").json();
        assertThat(got.get("Name").asText()).isEqualTo("Apollo");
        assertThat(got.get("Budget__c").asDouble()).isEqualTo(7.0);
    }

    @Test
    void anAutoNumberNameFieldIsNumberedAndNotWritable() {
        SF.emulator().defineObject(map("name", "Ticket__c", "label", "Ticket",
                "nameField", map("label", "Ticket Number", "type", "autonumber", "displayFormat", "T-{000}")));

        String first = created("Ticket__c", map());
        String second = created("Ticket__c", map());

        assertThat(sf.get(V + "/sobjects/Ticket__c/" + first).json().get("Name").asText()).isEqualTo("T-001");
        assertThat(sf.get(V + "/sobjects/Ticket__c/" + second).json().get("Name").asText()).isEqualTo("T-002");
        assertError(sf.post(V + "/sobjects/Ticket__c", map("Name", "T-999")), 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
        JsonNode name = field(sf.get(V + "/sobjects/Ticket__c/describe").json(), "Name");
        assertThat(name.get("autoNumber").asBoolean()).isTrue();
        assertThat(name.get("type").asText()).isEqualTo("string");
        assertThat(name.get("createable").asBoolean()).isFalse();
    }

    @Test
    void soqlFollowsTheCustomParentPathAndQueryAllShowsDeletedRecords() {
        String acme = created("Account", map("Name", "Acme"));
        String globex = created("Account", map("Name", "Globex"));
        created("Project__c", map("Name", "Apollo", "Account__c", acme, "Budget__c", 10));
        String gemini = created("Project__c", map("Name", "Gemini", "Account__c", globex, "Budget__c", 20));
        sf.delete(V + "/sobjects/Project__c/" + gemini);

        JsonNode live = sf.query("SELECT Name, Account__r.Name FROM Project__c WHERE Account__r.Name LIKE 'A%'"
                + " ORDER BY Budget__c DESC").json();
        JsonNode all = sf.get(V + "/queryAll?q=" + encode("SELECT Name, IsDeleted FROM Project__c ORDER BY Name"))
                .json();

        assertThat(live.get("totalSize").asInt()).isEqualTo(1);
        assertThat(live.get("records").get(0).get("Account__r").get("Name").asText()).isEqualTo("Acme");
        assertThat(live.get("records").get(0).get("Account__r").get("attributes").get("type").asText())
                .isEqualTo("Account");
        assertThat(all.get("records").findValuesAsText("Name")).containsExactly("Apollo", "Gemini");
        assertThat(all.get("records").get(1).get("IsDeleted").asBoolean()).isTrue();
        assertThat(sf.query("SELECT COUNT() FROM Project__c").json().get("totalSize").asInt()).isEqualTo(1);
    }

    @Test
    void accountsCarryTheirProjectsThroughTheCustomChildRelationship() {
        String acme = created("Account", map("Name", "Acme"));
        created("Account", map("Name", "Idle"));
        created("Project__c", map("Name", "Apollo", "Account__c", acme, "Budget__c", 1));
        created("Project__c", map("Name", "Gemini", "Account__c", acme, "Budget__c", 2));

        JsonNode records = sf.query("SELECT Name, (SELECT Name, Budget__c FROM Projects__r ORDER BY Budget__c DESC)"
                + " FROM Account ORDER BY Name").json().get("records");

        JsonNode projects = records.get(0).get("Projects__r");
        assertThat(projects.get("totalSize").asInt()).isEqualTo(2);
        assertThat(projects.get("records").findValuesAsText("Name")).containsExactly("Gemini", "Apollo");
        assertThat(projects.get("records").get(0).get("attributes").get("type").asText()).isEqualTo("Project__c");
        assertThat(records.get(1).get("Projects__r").isNull()).isTrue();
        assertError(sf.query("SELECT Name, (SELECT Name FROM Projects) FROM Account"), 400, "INVALID_TYPE");
    }

    @Test
    void aStandardObjectsCustomLookupMakesAChildRelationshipOfTheCustomObject() {
        SF.emulator().control().handle("POST", "/fields", Map.of(),
                "{\"object\":\"Contact\",\"name\":\"Project__c\",\"type\":\"reference\",\"referenceTo\":\"Project__c\"}");
        String apollo = created("Project__c", map("Name", "Apollo"));
        created("Contact", map("LastName", "Lovell", "Project__c", apollo));

        JsonNode project = sf.query("SELECT Name, (SELECT LastName FROM Contacts__r) FROM Project__c")
                .json().get("records").get(0);

        assertThat(project.get("Contacts__r").get("records").findValuesAsText("LastName")).containsExactly("Lovell");
    }

    @Test
    void collectionsCreateAndUpsertByExternalId() {
        RestClient.Reply create = sf.post(V + "/composite/sobjects", map("allOrNone", true, "records", List.of(
                map("attributes", map("type", "Project__c"), "Name", "One", "Code__c", "C-1"),
                map("attributes", map("type", "Project__c"), "Name", "Two", "Code__c", "C-2"))));
        assertThat(create.status()).as(create.raw().body()).isEqualTo(200);
        assertThat(create.json().findValuesAsText("success")).containsExactly("true", "true");

        RestClient.Reply upsert = sf.patch(V + "/composite/sobjects/Project__c/Code__c", map("records", List.of(
                map("attributes", map("type", "Project__c"), "Code__c", "C-2", "Budget__c", 2),
                map("attributes", map("type", "Project__c"), "Code__c", "C-3", "Name", "Three"))));

        assertThat(upsert.status()).as(upsert.raw().body()).isEqualTo(200);
        assertThat(upsert.json().findValuesAsText("created")).containsExactly("false", "true");
        assertThat(sf.query("SELECT Name FROM Project__c ORDER BY Code__c").json().get("records")
                .findValuesAsText("Name")).containsExactly("One", "Two", "Three");
    }

    @Test
    void compositeCreatesAParentAndAProjectThatReferencesIt() {
        RestClient.Reply r = sf.post(V + "/composite", map("allOrNone", true, "compositeRequest", List.of(
                map("method", "POST", "url", V + "/sobjects/Account", "referenceId", "acct", "body", map("Name", "Acme")),
                map("method", "POST", "url", V + "/sobjects/Project__c", "referenceId", "proj",
                        "body", map("Name", "Apollo", "Account__c", "@{acct.id}")),
                map("method", "GET", "url", V + "/query?q=" + encode("SELECT Account__r.Name FROM Project__c"),
                        "referenceId", "check"))));

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode responses = r.json().get("compositeResponse");
        assertThat(responses.get(1).get("httpStatusCode").asInt()).isEqualTo(201);
        assertThat(responses.get(2).get("body").get("records").get(0).get("Account__r").get("Name").asText())
                .isEqualTo("Acme");
    }

    @Test
    void bulk2IngestInsertsAndUpsertsByExternalId() {
        JsonNode insert = bulk("insert", null, "Name,Code__c,Budget__c\nApollo,B-1,10\nGemini,B-2,20\n");
        assertThat(insert.get("state").asText()).isEqualTo("JobComplete");
        assertThat(insert.get("numberRecordsFailed").asInt()).isZero();

        JsonNode upsert = bulk("upsert", "Code__c", "Code__c,Budget__c\nB-2,25\nB-3,30\n");
        assertThat(upsert.get("numberRecordsProcessed").asInt()).isEqualTo(2);
        assertThat(upsert.get("numberRecordsFailed").asInt()).as(failures(upsert)).isEqualTo(1);
        // B-3 is new and has no Name: refused like any create without a required field
        assertThat(failures(upsert)).contains("REQUIRED_FIELD_MISSING");

        JsonNode rows = sf.query("SELECT Code__c, Budget__c FROM Project__c ORDER BY Code__c").json().get("records");
        assertThat(rows.findValuesAsText("Code__c")).containsExactly("B-1", "B-2");
        assertThat(rows.get(1).get("Budget__c").asDouble()).isEqualTo(25.0);
    }

    @Test
    void replicationListsUpdatedAndDeletedCustomRecords() {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        Map<String, String> ids = SF.emulator().seed(Map.of("Project__c", List.of(
                map("_ref", "kept", "Name", "Kept", "SystemModstamp", at(hour.plus(5, ChronoUnit.MINUTES))),
                map("_ref", "gone", "Name", "Gone", "SystemModstamp", at(hour.plus(6, ChronoUnit.MINUTES)),
                        "IsDeleted", true))));
        String span = "?start=" + q(hour) + "&end=" + q(hour.plus(1, ChronoUnit.HOURS));

        JsonNode updated = sf.get(V + "/sobjects/Project__c/updated/" + span).json();
        JsonNode deleted = sf.get(V + "/sobjects/Project__c/deleted/" + span).json();

        assertThat(texts(updated.get("ids"))).containsExactly(ids.get("kept"));
        assertThat(deleted.get("deletedRecords").findValuesAsText("id")).containsExactly(ids.get("gone"));
    }

    // ---- helpers ----

    private String created(String object, Map<String, Object> body) {
        RestClient.Reply r = sf.post(V + "/sobjects/" + object, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String keyPrefix(String object) {
        return sf.get(V + "/sobjects/" + object + "/describe").json().get("keyPrefix").asText();
    }

    private JsonNode bulk(String operation, String externalId, String csv) {
        Map<String, Object> spec = map("object", "Project__c", "operation", operation, "contentType", "CSV",
                "lineEnding", "LF");
        if (externalId != null) {
            spec.put("externalIdFieldName", externalId);
        }
        RestClient.Reply job = sf.post(V + "/jobs/ingest", spec);
        assertThat(job.status()).as(job.raw().body()).isEqualTo(200);
        String path = V + "/jobs/ingest/" + job.json().get("id").asText();
        assertThat(sf.call("PUT", path + "/batches", csv, Map.of("Content-Type", "text/csv")).status()).isEqualTo(201);
        sf.patch(path, map("state", "UploadComplete"));
        long deadline = System.currentTimeMillis() + 5_000;
        while (true) {
            JsonNode info = sf.get(path).json();
            if (List.of("JobComplete", "Failed", "Aborted").contains(info.get("state").asText())) {
                return info;
            }
            assertThat(System.currentTimeMillis()).as("job still " + info.get("state").asText()).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private String failures(JsonNode job) {
        return sf.get(V + "/jobs/ingest/" + job.get("id").asText() + "/failedResults").raw().body();
    }

    private static JsonNode field(JsonNode describe, String name) {
        return find(describe.get("fields"), "name", name);
    }

    private static JsonNode find(JsonNode array, String key, String value) {
        for (JsonNode n : array) {
            if (n.get(key).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " = " + value + " in " + array);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String at(Instant t) {
        return EmulatedOrg.DATETIME.format(t);
    }

    private static String q(Instant t) {
        return URLEncoder.encode(t.toString().replace("Z", "+00:00"), StandardCharsets.UTF_8);
    }

    private static String encode(String soql) {
        return URLEncoder.encode(soql, StandardCharsets.UTF_8);
    }
}
