package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static io.sfsync.emulator.WireSObjectTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * sObject Collections, Composite and Composite Batch on the wire: per-record results with
 * statusCode, allOrNone rollback, references between subrequests, request limits and how each
 * counts against the daily API allowance.
 */
class WireCollectionsCompositeTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final String HALTED =
            "The transaction was rolled back since another operation in the same transaction failed.";

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    // ---- sObject Collections ----

    @Test
    void collectionsCreateAnswers200WithOneSaveResultPerRecord() {
        RestClient.Reply r = sf.post(V + "/composite/sobjects", records(false,
                lead("Lovelace", "ada@x.example"), lead("Hopper", "grace@x.example")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).hasSize(2);
        for (JsonNode result : r.json()) {
            assertThat(result.get("success").asBoolean()).isTrue();
            assertThat(result.get("id").asText()).startsWith("00Q").hasSize(18);
            assertThat(result.get("errors")).isEmpty();
        }
        assertThat(count("Lead")).isEqualTo(2);
    }

    @Test
    void collectionsUpdateChangesEachRecord() {
        List<String> ids = createLeads(2);

        RestClient.Reply r = sf.patch(V + "/composite/sobjects", records(false,
                typed("Lead", "id", ids.get(0), "Title", "CEO"), typed("Lead", "id", ids.get(1), "Title", "CTO")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().findValuesAsText("id")).containsExactlyElementsOf(ids);
        assertThat(sf.query("SELECT Title FROM Lead ORDER BY Title").json().get("records").findValuesAsText("Title"))
                .containsExactly("CEO", "CTO");
    }

    @Test
    void collectionsUpsertByExternalIdReportsCreatedPerRecord() {
        sf.patch(V + "/sobjects/Lead/Sfsync_Person_Id__c/p-1", map("LastName", "Old", "Company", "C"));

        RestClient.Reply r = sf.patch(V + "/composite/sobjects/Lead/Sfsync_Person_Id__c", records(false,
                typed("Lead", "Sfsync_Person_Id__c", "p-1", "LastName", "Updated", "Company", "C"),
                typed("Lead", "Sfsync_Person_Id__c", "p-2", "LastName", "New", "Company", "C")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get(0).get("created").asBoolean()).isFalse();
        assertThat(r.json().get(1).get("created").asBoolean()).isTrue();
        assertThat(count("Lead")).isEqualTo(2);
    }

    @Test
    void collectionsRetrieveReturnsRecordsInIdOrderAndNullForUnknownIds() {
        List<String> ids = createLeads(2);
        String unknown = WireSObjectTest.IdChecksum.to18("00Q5g00000ZZZZZ");

        RestClient.Reply get = sf.get(V + "/composite/sobjects/Lead?ids=" + ids.get(1) + "," + unknown + ","
                + ids.get(0) + "&fields=Id,LastName");
        RestClient.Reply post = sf.post(V + "/composite/sobjects/Lead",
                map("ids", List.of(ids.get(0)), "fields", List.of("Email")));

        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json().get(0).get("Id").asText()).isEqualTo(ids.get(1));
        assertThat(get.json().get(0).get("attributes").get("type").asText()).isEqualTo("Lead");
        assertThat(get.json().get(1).isNull()).isTrue();
        assertThat(get.json().get(2).get("Id").asText()).isEqualTo(ids.get(0));
        assertThat(post.json().get(0).get("Email").asText()).isEqualTo("l0@x.example");
    }

    @Test
    void collectionsDeleteRemovesEachRecord() {
        List<String> ids = createLeads(2);

        RestClient.Reply r = sf.delete(V + "/composite/sobjects?ids=" + String.join(",", ids) + "&allOrNone=false");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().findValuesAsText("success")).containsExactly("true", "true");
        assertThat(count("Lead")).isZero();
    }

    @Test
    void perRecordErrorsUseStatusCodeNotErrorCode() {
        RestClient.Reply r = sf.post(V + "/composite/sobjects", records(false,
                lead("Ok", "ok@x.example"), typed("Lead", "LastName", "NoCompany")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get(0).get("success").asBoolean()).isTrue();
        JsonNode failed = r.json().get(1);
        assertThat(failed.get("success").asBoolean()).isFalse();
        JsonNode error = failed.get("errors").get(0);
        assertThat(error.get("statusCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(error.has("errorCode")).isFalse();
        assertThat(error.get("message").asText()).isEqualTo("Required fields are missing: [Company]");
        assertThat(error.get("fields").get(0).asText()).isEqualTo("Company");
        assertThat(count("Lead")).isEqualTo(1);
    }

    @Test
    void allOrNoneWithOneBadRecordWritesNothingAndRollsTheOthersBack() {
        RestClient.Reply r = sf.post(V + "/composite/sobjects", records(true,
                lead("A", "a@x.example"), typed("Lead", "LastName", "NoCompany"), lead("C", "c@x.example")));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get(1).get("errors").get(0).get("statusCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        for (int i : new int[] {0, 2}) {
            JsonNode rolledBack = r.json().get(i);
            assertThat(rolledBack.get("success").asBoolean()).isFalse();
            assertThat(rolledBack.get("errors").get(0).get("statusCode").asText())
                    .isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        }
        assertThat(count("Lead")).isZero();
    }

    @Test
    void upsertAllOrNoneRolledBackSaysOfEachRecordWhetherItWouldHaveBeenCreated() {
        String existing = sf.call("PATCH", V + "/sobjects/Lead/Sfsync_Person_Id__c/u-0", map("LastName", "Zero",
                "Company", "C"), Map.of()).json().get("id").asText();

        RestClient.Reply r = sf.call("PATCH", V + "/composite/sobjects/Lead/Sfsync_Person_Id__c", records(true,
                typed("Lead", "Sfsync_Person_Id__c", "u-1", "LastName", "One", "Company", "C"),
                typed("Lead", "Sfsync_Person_Id__c", "u-2", "LastName", "Two", "Company", "C", "OwnerId", "INVALID_OWNER"),
                typed("Lead", "Sfsync_Person_Id__c", "u-0", "LastName", "Renamed", "Company", "C"),
                typed("Lead", "Sfsync_Person_Id__c", "u-0", "LastName", "Bad", "Company", "C", "OwnerId", "INVALID_OWNER")),
                Map.of());

        assertThat(r.status()).isEqualTo(200);
        for (int i = 0; i < 4; i++) {
            JsonNode result = r.json().get(i);
            assertThat(result.get("success").asBoolean()).isFalse();
            assertThat(result.get("created").asBoolean()).as(result.toString()).isEqualTo(i < 2);
            assertThat(result.get("errors").get(0).get("statusCode").asText())
                    .isEqualTo(i % 2 == 1 ? "MALFORMED_ID" : "ALL_OR_NONE_OPERATION_ROLLED_BACK");
        }
        assertThat(r.json().get(0).get("id").isNull()).as("a rolled-back create has no id").isTrue();
        assertThat(r.json().get(2).get("id").asText()).as("a rolled-back update keeps its record's").isEqualTo(existing);
        assertThat(count("Lead")).isEqualTo(1);
        assertThat(sf.get(V + "/sobjects/Lead/" + existing).json().get("LastName").asText()).isEqualTo("Zero");
    }

    @Test
    void moreThan200RecordsIsRejectedWith400() {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            many.add(lead("L" + i, "l" + i + "@x.example"));
        }

        RestClient.Reply r = sf.post(V + "/composite/sobjects", map("allOrNone", false, "records", many));

        assertError(r, 400, "EXCEEDED_ID_LIMIT");
        assertThat(count("Lead")).isZero();
    }

    // ---- Composite ----

    @Test
    void compositeResolvesReferencesToEarlierSubrequests() {
        RestClient.Reply r = sf.post(V + "/composite", composite(false,
                sub("POST", "/sobjects/Account", "acct", map("Name", "Babbage Ltd")),
                sub("POST", "/sobjects/Contact", "person", map("LastName", "Babbage", "AccountId", "@{acct.id}")),
                sub("GET", "/query?q=SELECT+Account.Name+FROM+Contact+WHERE+Id='@{person.id}'", "check", null)));

        assertThat(r.status()).isEqualTo(200);
        JsonNode responses = r.json().get("compositeResponse");
        assertThat(responses.findValuesAsText("referenceId")).containsExactly("acct", "person", "check");
        assertThat(responses.get(0).get("httpStatusCode").asInt()).isEqualTo(201);
        assertThat(responses.get(1).get("httpStatusCode").asInt()).isEqualTo(201);
        assertThat(responses.get(2).get("body").get("records").get(0).get("Account").get("Name").asText())
                .isEqualTo("Babbage Ltd");
    }

    @Test
    void compositeAllOrNoneRollsEverythingBackAndHaltsTheOthers() {
        RestClient.Reply r = sf.post(V + "/composite", composite(true,
                sub("POST", "/sobjects/Account", "acct", map("Name", "Babbage Ltd")),
                sub("POST", "/sobjects/Contact", "person", map("LastName", "Babbage", "AccountId", "@{acct.id}")),
                sub("POST", "/sobjects/Lead", "bad", map("LastName", "NoCompany"))));

        assertThat(r.status()).isEqualTo(200);
        JsonNode responses = r.json().get("compositeResponse");
        for (int i : new int[] {0, 1}) {
            assertThat(responses.get(i).get("httpStatusCode").asInt()).isEqualTo(400);
            JsonNode halted = responses.get(i).get("body").get(0);
            assertThat(halted.get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
            assertThat(halted.get("message").asText()).isEqualTo(HALTED);
        }
        assertThat(responses.get(2).get("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(responses.get(2).get("body").get(0).get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(count("Account") + count("Contact") + count("Lead")).isZero();
    }

    @Test
    void compositeWith26SubrequestsIsRejectedWith400() {
        List<Map<String, Object>> subs = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            subs.add(sub("POST", "/sobjects/Account", "a" + i, map("Name", "A" + i)));
        }

        RestClient.Reply r = sf.post(V + "/composite", map("compositeRequest", subs));

        assertThat(r.status()).isEqualTo(400);
        assertThat(count("Account")).isZero();
    }

    @Test
    void compositeWithSixCollectionOrQuerySubrequestsIsRejectedWith400() {
        List<Map<String, Object>> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subs.add(sub("GET", "/query?q=SELECT+Id+FROM+Lead", "q" + i, null));
            subs.add(sub("POST", "/composite/sobjects", "c" + i, records(false, typed("Account", "Name", "A" + i))));
        }

        RestClient.Reply r = sf.post(V + "/composite", map("compositeRequest", subs));

        assertThat(r.status()).isEqualTo(400);
        assertThat(count("Account")).isZero();
    }

    // ---- API call accounting ----

    @Test
    void compositeCountsAsOneApiCall() {
        long before = SF.emulator().limits().used();

        RestClient.Reply r = sf.post(V + "/composite", composite(false,
                sub("POST", "/sobjects/Account", "a", map("Name", "A")),
                sub("POST", "/sobjects/Account", "b", map("Name", "B")),
                sub("GET", "/limits", "limits", null)));

        assertThat(SF.emulator().limits().used()).isEqualTo(before + 1);
        assertThat(r.header("Sforce-Limit-Info")).isEqualTo("api-usage=" + (before + 1) + "/15000");
    }

    @Test
    void compositeBatchCountsEverySubrequest() {
        long before = SF.emulator().limits().used();

        RestClient.Reply r = sf.post(V + "/composite/batch", map("batchRequests", List.of(
                map("method", "GET", "url", "v62.0/limits"),
                map("method", "GET", "url", "v62.0/limits"),
                map("method", "GET", "url", "v62.0/limits"))));

        assertThat(r.status()).isEqualTo(200);
        assertThat(SF.emulator().limits().used()).isEqualTo(before + 3);
        assertThat(r.header("Sforce-Limit-Info")).isEqualTo("api-usage=" + (before + 3) + "/15000");
    }

    @Test
    void compositeBatchAcceptsTheVersionRelativeUrlsSalesforceDocuments() {
        String id = createLeads(1).get(0);

        // the request body of Salesforce's own Composite Batch example: urls start at "vXX.X/"
        RestClient.Reply r = sf.post(V + "/composite/batch", map("batchRequests", List.of(
                map("method", "PATCH", "url", "v62.0/sobjects/Lead/" + id, "richInput", map("Title", "NewTitle")),
                map("method", "GET", "url", "v62.0/sobjects/Lead/" + id + "?fields=Title"))));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("hasErrors").asBoolean()).as(r.raw().body()).isFalse();
        assertThat(r.json().get("results").get(0).get("statusCode").asInt()).isEqualTo(204);
        assertThat(r.json().get("results").get(1).get("result").get("Title").asText()).isEqualTo("NewTitle");
    }

    // ---- builders and helpers ----

    private static Map<String, Object> typed(String type, Object... kv) {
        Map<String, Object> record = map("attributes", map("type", type));
        record.putAll(map(kv));
        return record;
    }

    private static Map<String, Object> lead(String lastName, String email) {
        return typed("Lead", "LastName", lastName, "Company", "C", "Email", email);
    }

    @SafeVarargs
    private static Map<String, Object> records(boolean allOrNone, Map<String, Object>... records) {
        return map("allOrNone", allOrNone, "records", List.of(records));
    }

    private static Map<String, Object> sub(String method, String path, String referenceId, Object body) {
        Map<String, Object> sub = map("method", method, "url", V + path, "referenceId", referenceId);
        if (body != null) {
            sub.put("body", body);
        }
        return sub;
    }

    @SafeVarargs
    private static Map<String, Object> composite(boolean allOrNone, Map<String, Object>... subrequests) {
        return map("allOrNone", allOrNone, "compositeRequest", List.of(subrequests));
    }

    private List<String> createLeads(int n) {
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leads.add(lead("L" + i, "l" + i + "@x.example"));
        }
        return sf.post(V + "/composite/sobjects", map("allOrNone", true, "records", leads)).json()
                .findValuesAsText("id");
    }

    private int count(String object) {
        return sf.query("SELECT COUNT() FROM " + object).json().get("totalSize").asInt();
    }
}
