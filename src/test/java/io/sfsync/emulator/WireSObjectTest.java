package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Single-record sObject resources on the wire: create, retrieve, update, delete, upsert by external
 * ID, describe, and every validation and rule error with Salesforce's status, errorCode, message
 * and fields.
 */
class WireSObjectTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    // ---- CRUD ----

    @Test
    void createAnswers201WithIdSuccessAndNoErrors() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", lead("Lovelace", "ada@engines.example"));

        assertThat(r.status()).isEqualTo(201);
        assertThat(fieldNames(r.json())).containsExactly("id", "success", "errors");
        assertThat(r.json().get("id").asText()).startsWith("00Q").hasSize(18);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        assertThat(r.json().get("errors")).isEmpty();
    }

    @Test
    void getReturnsTheRecordWithTypeAndUrlAttributes() {
        String id = create("Lead", lead("Lovelace", "ada@engines.example"));

        RestClient.Reply r = sf.get(V + "/sobjects/Lead/" + id);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("attributes").get("type").asText()).isEqualTo("Lead");
        assertThat(r.json().get("attributes").get("url").asText()).isEqualTo(V + "/sobjects/Lead/" + id);
        assertThat(r.json().get("Id").asText()).isEqualTo(id);
        assertThat(r.json().get("Email").asText()).isEqualTo("ada@engines.example");
        assertThat(r.json().get("Status").asText()).isEqualTo("Open - Not Contacted");
    }

    @Test
    void getWithFieldsReturnsOnlyThoseFields() {
        String id = create("Lead", lead("Lovelace", "ada@engines.example"));

        RestClient.Reply r = sf.get(V + "/sobjects/Lead/" + id + "?fields=Email,LastName");

        assertThat(r.status()).isEqualTo(200);
        assertThat(fieldNames(r.json())).containsExactlyInAnyOrder("attributes", "Email", "LastName");
    }

    @Test
    void patchAnswers204AndChangesTheRecord() {
        String id = create("Lead", lead("Lovelace", "ada@engines.example"));

        RestClient.Reply r = sf.patch(V + "/sobjects/Lead/" + id, map("Title", "Countess"));

        assertThat(r.status()).isEqualTo(204);
        assertThat(r.raw().body()).isEmpty();
        assertThat(sf.get(V + "/sobjects/Lead/" + id).json().get("Title").asText()).isEqualTo("Countess");
    }

    @Test
    void deleteAnswers204AndTheRecordIsThenEntityIsDeleted() {
        String id = create("Lead", lead("Lovelace", "ada@engines.example"));

        assertThat(sf.delete(V + "/sobjects/Lead/" + id).status()).isEqualTo(204);

        assertError(sf.get(V + "/sobjects/Lead/" + id), 404, "ENTITY_IS_DELETED");
    }

    @Test
    void unknownIdIsNotFound() {
        String neverCreated = IdChecksum.to18("00Q5g00000ZZZZZ");

        RestClient.Reply r = sf.get(V + "/sobjects/Lead/" + neverCreated);

        assertError(r, 404, "NOT_FOUND");
        assertThat(r.json().get(0).get("message").asText()).isEqualTo("The requested resource does not exist");
    }

    @Test
    void unknownSObjectIsNotFound() {
        assertError(sf.get(V + "/sobjects/Nope__c/describe"), 404, "NOT_FOUND");
        assertError(sf.post(V + "/sobjects/Nope__c", map("Name", "x")), 404, "NOT_FOUND");
    }

    // ---- upsert by external ID ----

    @Test
    void upsertByExternalIdCreatesWith201ThenUpdatesWith200() {
        String path = V + "/sobjects/Lead/Sfsync_Person_Id__c/person-1";

        RestClient.Reply created = sf.patch(path, map("LastName", "Hopper", "Company", "Navy"));
        RestClient.Reply updated = sf.patch(path, map("Title", "Rear Admiral"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("created").asBoolean()).isTrue();
        assertThat(created.json().get("success").asBoolean()).isTrue();
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("created").asBoolean()).isFalse();
        assertThat(updated.json().get("id").asText()).isEqualTo(created.json().get("id").asText());
    }

    @Test
    void upsertMatchingSeveralRecordsAnswers300WithTheirUrls() {
        sf.post("/_emulator/fields", map("object", "Lead", "name", "Legacy_Id__c", "type", "string",
                "externalId", true));
        SF.emulator().seed(Map.of("Lead", List.of(
                map("_ref", "a", "LastName", "A", "Company", "C", "Legacy_Id__c", "L-7"),
                map("_ref", "b", "LastName", "B", "Company", "C", "Legacy_Id__c", "L-7"))));
        List<String> ids = SF.emulator().org().store().list("Lead", false).stream()
                .map(r -> (String) r.get("Id")).toList();

        RestClient.Reply r = sf.patch(V + "/sobjects/Lead/Legacy_Id__c/L-7", map("Title", "Either"));

        assertThat(r.status()).isEqualTo(300);
        assertThat(r.json().isArray()).isTrue();
        List<String> urls = new ArrayList<>();
        r.json().forEach(u -> urls.add(u.asText()));
        assertThat(urls).containsExactlyInAnyOrderElementsOf(
                ids.stream().map(id -> V + "/sobjects/Lead/" + id).toList());
    }

    @Test
    void upsertWithUpdateOnlyAndNoMatchIsNotFoundAndCreatesNothing() {
        RestClient.Reply r = sf.patch(V + "/sobjects/Lead/Sfsync_Person_Id__c/nobody?updateOnly=true",
                map("LastName", "Ghost", "Company", "C"));

        assertError(r, 404, "NOT_FOUND");
        assertThat(count("Lead")).isZero();
    }

    // ---- validation ----

    @Test
    void missingCompanyIsRequiredFieldMissing() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", map("LastName", "Nobody"));

        assertError(r, 400, "REQUIRED_FIELD_MISSING");
        assertThat(r.json().get(0).get("message").asText()).isEqualTo("Required fields are missing: [Company]");
        assertThat(fields(r.json().get(0))).containsExactly("Company");
    }

    @Test
    void overlongTextIsStringTooLong() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", map("LastName", "x".repeat(81), "Company", "C"));

        assertError(r, 400, "STRING_TOO_LONG");
        assertThat(fields(r.json().get(0))).containsExactly("LastName");
        assertThat(r.json().get(0).get("message").asText()).contains("max length=80");
    }

    @Test
    void malformedEmailIsInvalidEmailAddress() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", lead("Doe", "not-an-email"));

        assertError(r, 400, "INVALID_EMAIL_ADDRESS");
        assertThat(r.json().get(0).get("message").asText()).isEqualTo("Email: invalid email address: not-an-email");
        assertThat(fields(r.json().get(0))).containsExactly("Email");
    }

    @Test
    void valueOutsideARestrictedPicklistIsInvalidOrNullForRestrictedPicklist() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", map("LastName", "Doe", "Company", "C", "Status", "Foo"));

        assertError(r, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(r.json().get(0).get("message").asText())
                .isEqualTo("Status: bad value for restricted picklist field: Foo");
        assertThat(fields(r.json().get(0))).containsExactly("Status");
    }

    @Test
    void unknownFieldIsInvalidField() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead", map("LastName", "Doe", "Company", "C", "Shoe_Size__c", 9));

        assertError(r, 400, "INVALID_FIELD");
        assertThat(r.json().get(0).get("message").asText()).contains("Shoe_Size__c");
    }

    @Test
    void readOnlyFieldsAreInvalidFieldForInsertUpdate() {
        RestClient.Reply converted = sf.post(V + "/sobjects/Lead",
                map("LastName", "Doe", "Company", "C", "IsConverted", true));
        RestClient.Reply created = sf.post(V + "/sobjects/Lead",
                map("LastName", "Doe", "Company", "C", "CreatedDate", "2020-01-01T00:00:00.000+0000"));

        assertError(converted, 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(fields(converted.json().get(0))).containsExactly("IsConverted");
        assertError(created, 400, "INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(fields(created.json().get(0))).containsExactly("CreatedDate");
        assertThat(count("Lead")).isZero();
    }

    @Test
    void malformedJsonIsJsonParserError() {
        assertError(sf.post(V + "/sobjects/Lead", "{\"LastName\": \"Doe\", "), 400, "JSON_PARSER_ERROR");
    }

    @Test
    void textInANumberFieldIsJsonParserError() {
        RestClient.Reply r = sf.post(V + "/sobjects/Lead",
                map("LastName", "Doe", "Company", "C", "NumberOfEmployees", "many"));

        assertError(r, 400, "JSON_PARSER_ERROR");
        assertThat(count("Lead")).isZero();
    }

    @Test
    void malformedReferenceIsMalformedId() {
        RestClient.Reply r = sf.post(V + "/sobjects/Contact", map("LastName", "Doe", "AccountId", "001-not-an-id"));

        assertError(r, 400, "MALFORMED_ID");
        assertThat(fields(r.json().get(0))).containsExactly("AccountId");
    }

    // ---- duplicate rules ----

    @Test
    void secondLeadWithTheSameEmailIsDuplicatesDetectedWithTheDuplicateResult() {
        String first = create("Lead", lead("Curie", "marie@radium.example"));

        RestClient.Reply r = sf.post(V + "/sobjects/Lead", lead("Curie", "MARIE@Radium.example"));

        assertError(r, 400, "DUPLICATES_DETECTED");
        JsonNode error = r.json().get(0);
        assertThat(error.has("duplicateResut")).as("real responses spell it duplicateResut").isTrue();
        JsonNode result = error.get("duplicateResut");
        assertThat(fieldNames(result)).contains("allowSave", "duplicateRule", "duplicateRuleEntityType",
                "errorMessage", "matchResults");
        assertThat(result.get("duplicateRuleEntityType").asText()).isEqualTo("Lead");
        JsonNode match = result.get("matchResults").get(0);
        assertThat(fieldNames(match)).contains("entityType", "matchEngine", "matchRecords", "rule", "size", "success");
        assertThat(match.get("entityType").asText()).isEqualTo("Lead");
        assertThat(match.get("size").asInt()).isEqualTo(1);
        JsonNode matchRecord = match.get("matchRecords").get(0);
        assertThat(matchRecord.has("matchConfidence")).isTrue();
        assertThat(matchRecord.get("record").get("attributes").get("type").asText()).isEqualTo("Lead");
        assertThat(matchRecord.get("record").get("Id").asText()).isEqualTo(first);
        assertThat(count("Lead")).isEqualTo(1);
    }

    @Test
    void duplicateRuleHeaderWithAllowSaveCreatesTheDuplicate() {
        create("Lead", lead("Curie", "marie@radium.example"));

        RestClient.Reply r = sf.call("POST", V + "/sobjects/Lead", lead("Curie", "marie@radium.example"),
                Map.of("Sforce-Duplicate-Rule-Header", "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true"));

        assertThat(r.status()).isEqualTo(201);
        assertThat(count("Lead")).isEqualTo(2);
    }

    @Test
    void secondContactWithTheSameEmailIsDuplicatesDetected() {
        String first = create("Contact", map("LastName", "Hopper", "Email", "grace@navy.example"));

        RestClient.Reply r = sf.post(V + "/sobjects/Contact", map("LastName", "Hopper", "Email", "Grace@Navy.example"));

        assertError(r, 400, "DUPLICATES_DETECTED");
        JsonNode match = r.json().get(0).get("duplicateResut").get("matchResults").get(0);
        assertThat(match.get("entityType").asText()).isEqualTo("Contact");
        assertThat(match.get("matchRecords").get(0).get("record").get("Id").asText()).isEqualTo(first);
    }

    // ---- converted and locked records ----

    @Test
    void convertedLeadCannotBeUpdatedAndPointsAtItsNewContactAndAccount() {
        String leadId = create("Lead", lead("Babbage", "charles@engines.example"));

        RestClient.Reply conversion = sf.post("/_emulator/leads/" + leadId + "/convert", Map.of());
        assertThat(conversion.status()).isEqualTo(200);

        JsonNode lead = sf.query("SELECT IsConverted, ConvertedContactId, ConvertedAccountId FROM Lead WHERE Id = '"
                + leadId + "'").json().get("records").get(0);
        assertThat(lead.get("IsConverted").asBoolean()).isTrue();
        String contactId = lead.get("ConvertedContactId").asText();
        String accountId = lead.get("ConvertedAccountId").asText();
        assertThat(contactId).isEqualTo(conversion.json().get("contactId").asText()).startsWith("003");
        assertThat(accountId).isEqualTo(conversion.json().get("accountId").asText()).startsWith("001");
        JsonNode contact = sf.get(V + "/sobjects/Contact/" + contactId).json();
        assertThat(contact.get("Email").asText()).isEqualTo("charles@engines.example");
        assertThat(contact.get("AccountId").asText()).isEqualTo(accountId);
        assertThat(sf.get(V + "/sobjects/Account/" + accountId).json().get("Name").asText()).isEqualTo("Engines Ltd");

        RestClient.Reply update = sf.patch(V + "/sobjects/Lead/" + leadId, map("Title", "Professor"));
        assertError(update, 400, "CANNOT_UPDATE_CONVERTED_LEAD");
    }

    @Test
    void lockedRecordIsInsufficientAccessOrReadonly() {
        String id = create("Lead", lead("Doe", "doe@x.example"));

        assertThat(sf.post("/_emulator/records/" + id + "/lock", Map.of()).status()).isEqualTo(200);

        assertError(sf.patch(V + "/sobjects/Lead/" + id, map("Title", "Locked")), 400,
                "INSUFFICIENT_ACCESS_OR_READONLY");
        assertError(sf.delete(V + "/sobjects/Lead/" + id), 400, "INSUFFICIENT_ACCESS_OR_READONLY");
    }

    // ---- ownership ----

    @Test
    void leadAssignmentRuleRunsWhenAutoAssignIsTrueOrAbsent() {
        String rep = seedUser("rep@corp.example", true);
        String queue = SF.emulator().org().inboundQueueId();

        String absent = create("Lead", withOwner(lead("A", "a@x.example"), rep));
        String explicitTrue = createWith(withOwner(lead("B", "b@x.example"), rep), "TRUE");

        assertThat(owner(absent)).isEqualTo(queue);
        assertThat(owner(explicitTrue)).isEqualTo(queue);
    }

    @Test
    void autoAssignFalseKeepsTheGivenOwner() {
        String rep = seedUser("rep@corp.example", true);

        String id = createWith(withOwner(lead("A", "a@x.example"), rep), "FALSE");

        assertThat(owner(id)).isEqualTo(rep);
    }

    @Test
    void leadUpdateWithoutTheAutoAssignHeaderRunsTheAssignmentRule() {
        String rep = seedUser("rep@corp.example", true);
        String id = createWith(withOwner(lead("A", "a@x.example"), rep), "FALSE");

        // Salesforce: "If the header is not provided in the request, the default value is TRUE", for updates too
        assertThat(sf.patch(V + "/sobjects/Lead/" + id, map("Title", "CTO")).status()).isEqualTo(204);

        assertThat(owner(id)).isEqualTo(SF.emulator().org().inboundQueueId());
    }

    @Test
    void leadUpdateWithAutoAssignFalseKeepsTheOwner() {
        String rep = seedUser("rep@corp.example", true);
        String id = createWith(withOwner(lead("A", "a@x.example"), rep), "FALSE");

        sf.call("PATCH", V + "/sobjects/Lead/" + id, map("Title", "CTO"), Map.of("Sforce-Auto-Assign", "FALSE"));

        assertThat(owner(id)).isEqualTo(rep);
    }

    @Test
    void inactiveOwnerIsInactiveOwnerOrUser() {
        String gone = seedUser("gone@corp.example", false);

        RestClient.Reply contact = sf.post(V + "/sobjects/Contact", map("LastName", "Doe", "OwnerId", gone));
        RestClient.Reply lead = sf.call("POST", V + "/sobjects/Lead", withOwner(lead("Doe", "doe@x.example"), gone),
                Map.of("Sforce-Auto-Assign", "FALSE"));

        assertError(contact, 400, "INACTIVE_OWNER_OR_USER");
        assertError(lead, 400, "INACTIVE_OWNER_OR_USER");
    }

    // ---- Ids and system fields ----

    @Test
    void idsAre18CharactersWithTheCaseSafeChecksum() {
        Map<String, String> idsByPrefix = new LinkedHashMap<>();
        idsByPrefix.put("00Q", create("Lead", lead("Doe", "doe@x.example")));
        idsByPrefix.put("003", create("Contact", map("LastName", "Doe")));
        idsByPrefix.put("001", create("Account", map("Name", "Acme")));
        idsByPrefix.put("00T", create("Task", map("Subject", "Call")));

        idsByPrefix.forEach((prefix, id) -> {
            assertThat(id).startsWith(prefix).hasSize(18).matches("[0-9A-Za-z]{18}");
            assertThat(id).isEqualTo(IdChecksum.to18(id.substring(0, 15)));
        });
        assertThat(SF.emulator().org().orgId()).isEqualTo(IdChecksum.to18(SF.emulator().org().orgId().substring(0, 15)));
    }

    @Test
    void testChecksumAgreesWithAPublishedIdPair() {
        // a widely published 15/18-character pair, worked independently of any implementation here
        assertThat(IdChecksum.to18("001A0000006Vm9r")).isEqualTo("001A0000006Vm9rIAC");
    }

    @Test
    void updateAdvancesSystemModstampLastModifiedDateAndLastModifiedById() {
        String other = seedUser("someone@corp.example", true);
        String old = "2020-01-01T00:00:00.000+0000";
        String id = SF.emulator().seed(Map.of("Lead", List.of(map("_ref", "l", "LastName", "Doe", "Company", "C",
                "LastModifiedDate", old, "SystemModstamp", old, "LastModifiedById", other)))).get("l");
        Instant before = Instant.now().minusSeconds(1);

        sf.patch(V + "/sobjects/Lead/" + id, map("Title", "Changed"));

        JsonNode r = sf.get(V + "/sobjects/Lead/" + id + "?fields=SystemModstamp,LastModifiedDate,LastModifiedById")
                .json();
        assertThat(r.get("SystemModstamp").asText()).isNotEqualTo(old);
        assertThat(parse(r.get("SystemModstamp").asText())).isAfter(before);
        assertThat(parse(r.get("LastModifiedDate").asText())).isAfter(before);
        assertThat(r.get("LastModifiedById").asText()).isEqualTo(SF.emulator().org().integrationUserId());
    }

    // ---- describe ----

    @Test
    void describeReportsFieldTypesLengthsAccessPicklistsAndReferences() {
        RestClient.Reply r = sf.get(V + "/sobjects/Lead/describe");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("name").asText()).isEqualTo("Lead");
        for (JsonNode f : r.json().get("fields")) {
            assertThat(fieldNames(f)).contains("name", "type", "length", "nillable", "createable", "updateable",
                    "defaultedOnCreate", "externalId", "picklistValues", "restrictedPicklist", "referenceTo");
        }
        JsonNode company = describedField(r.json(), "Company");
        assertThat(company.get("type").asText()).isEqualTo("string");
        assertThat(company.get("length").asInt()).isEqualTo(255);
        assertThat(company.get("nillable").asBoolean()).isFalse();
        assertThat(company.get("createable").asBoolean()).isTrue();
        assertThat(company.get("updateable").asBoolean()).isTrue();
        JsonNode status = describedField(r.json(), "Status");
        assertThat(status.get("type").asText()).isEqualTo("picklist");
        assertThat(status.get("restrictedPicklist").asBoolean()).isTrue();
        assertThat(status.get("defaultedOnCreate").asBoolean()).isTrue();
        assertThat(status.get("picklistValues").findValuesAsText("value")).contains("Open - Not Contacted");
        JsonNode owner = describedField(r.json(), "OwnerId");
        assertThat(owner.get("type").asText()).isEqualTo("reference");
        assertThat(texts(owner.get("referenceTo"))).containsExactlyInAnyOrder("Group", "User");
        assertThat(describedField(r.json(), "Sfsync_Person_Id__c").get("externalId").asBoolean()).isTrue();
        JsonNode converted = describedField(r.json(), "IsConverted");
        assertThat(converted.get("createable").asBoolean()).isFalse();
        assertThat(converted.get("updateable").asBoolean()).isFalse();
    }

    @Test
    void describeGlobalListsTheStandardObjects() {
        RestClient.Reply r = sf.get(V + "/sobjects");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("sobjects").findValuesAsText("name"))
                .contains("Lead", "Contact", "Account", "Task", "User", "Group");
    }

    @Test
    void customFieldAddedThroughTheControlPlaneIsDescribedAndWritable() {
        RestClient.Reply added = sf.post("/_emulator/fields", map("object", "Lead", "name", "Region__c",
                "type", "picklist", "values", List.of("EMEA", "AMER"), "restricted", true));
        assertThat(added.status()).isEqualTo(200);

        JsonNode region = describedField(sf.get(V + "/sobjects/Lead/describe").json(), "Region__c");
        assertThat(region.get("custom").asBoolean()).isTrue();
        assertThat(region.get("picklistValues").findValuesAsText("value")).containsExactly("EMEA", "AMER");

        Map<String, Object> body = lead("Doe", "doe@x.example");
        body.put("Region__c", "EMEA");
        String id = create("Lead", body);
        assertThat(sf.get(V + "/sobjects/Lead/" + id).json().get("Region__c").asText()).isEqualTo("EMEA");
    }

    // ---- builders and helpers ----

    private static Map<String, Object> lead(String lastName, String email) {
        return map("LastName", lastName, "Company", "Engines Ltd", "Email", email);
    }

    private static Map<String, Object> withOwner(Map<String, Object> record, String ownerId) {
        record.put("OwnerId", ownerId);
        return record;
    }

    private static String seedUser(String email, boolean active) {
        return SF.emulator().seed(Map.of("User", List.of(map("_ref", "u", "Email", email, "LastName", "Rep",
                "IsActive", active)))).get("u");
    }

    private String create(String object, Map<String, Object> body) {
        RestClient.Reply r = sf.post(V + "/sobjects/" + object, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String createWith(Map<String, Object> lead, String autoAssign) {
        RestClient.Reply r = sf.call("POST", V + "/sobjects/Lead", lead, Map.of("Sforce-Auto-Assign", autoAssign));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String owner(String leadId) {
        return sf.get(V + "/sobjects/Lead/" + leadId + "?fields=OwnerId").json().get("OwnerId").asText();
    }

    private int count(String object) {
        return sf.query("SELECT COUNT() FROM " + object).json().get("totalSize").asInt();
    }

    private static Instant parse(String salesforceDateTime) {
        return OffsetDateTime.parse(salesforceDateTime, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx"))
                .toInstant();
    }

    static void assertError(RestClient.Reply r, int status, String errorCode) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.json().isArray()).as(r.raw().body()).isTrue();
        assertThat(r.json().get(0).get("errorCode").asText()).isEqualTo(errorCode);
        assertThat(r.json().get(0).has("message")).isTrue();
    }

    private static List<String> fields(JsonNode error) {
        return texts(error.get("fields"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode describedField(JsonNode describe, String name) {
        for (JsonNode f : describe.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("describe has no field " + name);
    }

    /**
     * The case-safe 18-character Id, written here from Salesforce's description rather than taken from
     * the emulator: each 5-character chunk of the 15-character Id gives a bit mask of its upper-case
     * letters (bit i for position i), which indexes "A".."Z" then "0".."5".
     */
    static final class IdChecksum {
        private IdChecksum() {
        }

        static String to18(String id15) {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
            StringBuilder out = new StringBuilder(id15);
            for (int chunk = 0; chunk < 3; chunk++) {
                int mask = 0;
                for (int i = 0; i < 5; i++) {
                    if (Character.isUpperCase(id15.charAt(chunk * 5 + i))) {
                        mask += 1 << i;
                    }
                }
                out.append(alphabet.charAt(mask));
            }
            return out.toString();
        }
    }
}
