package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static io.sfsync.emulator.WireSObjectTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** SOQL over REST on the wire: result shape, paging with queryMore, queryAll, errors, literals and clauses. */
class WireQueryTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    /** Salesforce's ceiling for the request URI plus headers of one REST call (help article 000386264). */
    private static final int MAX_URI_BYTES = 16_384;

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void queryAnswersTotalSizeDoneAndRecordsWithAttributes() {
        seedLeads(3);

        RestClient.Reply r = sf.query("SELECT Id, Email FROM Lead");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("totalSize").asInt()).isEqualTo(3);
        assertThat(r.json().get("done").asBoolean()).isTrue();
        assertThat(r.json().has("nextRecordsUrl")).isFalse();
        JsonNode first = r.json().get("records").get(0);
        assertThat(first.get("attributes").get("type").asText()).isEqualTo("Lead");
        assertThat(first.get("attributes").get("url").asText()).isEqualTo(V + "/sobjects/Lead/" + first.get("Id").asText());
    }

    @Test
    void resultsComeInPagesOf2000FollowedThroughNextRecordsUrl() {
        seedLeads(4_500);

        JsonNode page = sf.query("SELECT Id FROM Lead").json();

        assertThat(page.get("totalSize").asInt()).isEqualTo(4_500);
        assertThat(page.get("done").asBoolean()).isFalse();
        assertThat(page.get("records")).hasSize(2_000);
        assertThat(page.get("nextRecordsUrl").asText()).matches("/services/data/v62\\.0/query/01g[0-9A-Za-z]{15}-2000");
        Set<String> ids = new HashSet<>(ids(page));
        List<Integer> pageSizes = new ArrayList<>(List.of(page.get("records").size()));
        while (!page.get("done").asBoolean()) {
            RestClient.Reply next = sf.get(page.get("nextRecordsUrl").asText());
            assertThat(next.status()).isEqualTo(200);
            page = next.json();
            assertThat(page.get("totalSize").asInt()).isEqualTo(4_500);
            ids.addAll(ids(page));
            pageSizes.add(page.get("records").size());
        }
        assertThat(pageSizes).containsExactly(2_000, 2_000, 500);
        assertThat(ids).hasSize(4_500);
    }

    @Test
    void explainAnswersPlansCheapestFirstWithTheIndexesAndTheTableScan() {
        seedLeads(50);
        String soql = "SELECT Id FROM Lead WHERE Email = 'l1@x.example' AND Title = 'CTO' ORDER BY CreatedDate";

        RestClient.Reply r = sf.get(V + "/query?explain=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode plans = r.json().get("plans");
        assertThat(plans.findValuesAsText("leadingOperationType")).containsExactly("Index", "Index", "TableScan");
        assertThat(List.of(plans.get(0).get("fields").get(0).asText(), plans.get(1).get("fields").get(0).asText()))
                .containsExactlyInAnyOrder("Email", "CreatedDate");
        for (JsonNode p : plans) {
            assertThat(p.get("sobjectType").asText()).isEqualTo("Lead");
            assertThat(p.get("sobjectCardinality").asInt()).isEqualTo(50);
            assertThat(p.get("cardinality").asInt()).isZero(); // no Lead is a CTO
        }
        assertThat(plans.get(0).get("relativeCost").asDouble()).isLessThanOrEqualTo(plans.get(2).get("relativeCost").asDouble());
        JsonNode note = plans.get(2).get("notes").get(0);
        assertThat(note.get("description").asText()).isEqualTo("Not considering filter for optimization because unindexed");
        assertThat(note.get("fields").get(0).asText()).isEqualTo("Title");
        assertThat(r.json().get("sourceQuery").asText()).isEqualTo(soql);
        assertThat(sf.get(V + "/query?explain=" + URLEncoder.encode("SELECT Nope FROM Lead", StandardCharsets.UTF_8))
                .raw().body()).contains("INVALID_FIELD");
    }

    @Test
    void forViewMarksTheRecordsRecentlyViewedWithoutChangingThem() {
        String old = sf.post(V + "/sobjects/Account", map("Name", "Old")).json().get("id").asText();
        String seen = sf.post(V + "/sobjects/Account", map("Name", "Seen")).json().get("id").asText();
        String modstamp = sf.get(V + "/sobjects/Account/" + seen).json().get("SystemModstamp").asText();

        String modified = sf.get(V + "/sobjects/Account/" + seen).json().get("LastModifiedDate").asText();

        sf.query("SELECT Name FROM Account WHERE Name = 'Seen' FOR VIEW"); // the Id not even selected

        JsonNode recent = sf.get(V + "/recent?limit=5").json();
        assertThat(recent.findValuesAsText("Id")).containsExactly(seen);
        assertThat(recent.get(0).get("Name").asText()).isEqualTo("Seen");
        assertThat(recent.get(0).get("attributes").get("type").asText()).isEqualTo("Account");
        JsonNode record = sf.get(V + "/sobjects/Account/" + seen).json();
        assertThat(record.get("LastViewedDate").isNull()).isFalse();
        assertThat(record.get("SystemModstamp").asText()).isEqualTo(modstamp);
        assertThat(record.get("LastModifiedDate").asText()).isEqualTo(modified);
        // change capture still pages over it once
        JsonNode page = sf.query("SELECT Id FROM Account WHERE SystemModstamp <= " + modstamp.replace("+0000", "Z")
                + " ORDER BY SystemModstamp, Id LIMIT 10").json();
        assertThat(page.get("records").findValuesAsText("Id")).containsExactly(old, seen);
        assertThat(sf.get(V + "/sobjects/Account").json().get("recentItems").findValuesAsText("Id")).containsExactly(seen);
        assertThat(sf.get(V + "/sobjects/Account/" + old).json().get("LastViewedDate").isNull()).isTrue();
        sf.query("SELECT Id FROM Account WHERE Name = 'Old' FOR REFERENCE");
        assertThat(sf.get(V + "/sobjects/Account/" + old).json().get("LastReferencedDate").isNull()).isFalse();
        assertThat(sf.get(V + "/recent?limit=x").status()).isEqualTo(400);
    }

    @Test
    void queryOptionsBatchSizeSetsThePageSize() {
        seedLeads(1_200);

        RestClient.Reply r = sf.call("GET", V + "/query?q=" + encode("SELECT Id FROM Lead"), null,
                Map.of("Sforce-Query-Options", "batchSize=500"));

        assertThat(r.json().get("records")).hasSize(500);
        assertThat(r.json().get("nextRecordsUrl").asText()).endsWith("-500");
    }

    @Test
    void queryAllShowsDeletedRecordsAndQueryDoesNot() {
        List<String> ids = seedLeads(2);
        sf.delete(V + "/sobjects/Lead/" + ids.get(0));

        JsonNode live = sf.query("SELECT Id, IsDeleted FROM Lead").json();
        JsonNode all = sf.get(V + "/queryAll?q=" + encode("SELECT Id, IsDeleted FROM Lead")).json();

        assertThat(ids(live)).containsExactly(ids.get(1));
        assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(all.get("records").findValuesAsText("IsDeleted")).containsExactlyInAnyOrder("true", "false");
    }

    // ---- errors ----

    @Test
    void badSoqlIsMalformedQuery() {
        assertError(sf.query("SELEC Id FROM Lead"), 400, "MALFORMED_QUERY");
        assertError(sf.query("SELECT Id FROM Lead WHERE"), 400, "MALFORMED_QUERY");
    }

    @Test
    void soqlLongerThan100000CharactersIsMalformedQuery() {
        // Too long for a GET URI, so it travels as Salesforce advises: inside a Composite request.
        String soql = inListQuery(100_001, 0);
        RestClient.Reply r = sf.post(V + "/composite", map("compositeRequest", List.of(map(
                "method", "GET", "url", queryUri(soql), "referenceId", "longQuery"))));

        JsonNode sub = r.json().get("compositeResponse").get(0);
        assertThat(sub.get("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(sub.get("body").get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
    }

    @Test
    void queryUriWithinSalesforcesUriLimitIsAccepted() {
        seedLeads(1);
        String soql = inListQuery(0, 14_000);
        assertThat(queryUri(soql).length()).isBetween(14_000, MAX_URI_BYTES - 1_000); // room for the headers

        RestClient.Reply r = sf.query(soql);

        assertThat(r.status()).as("a %d-byte query URI", queryUri(soql).length()).isEqualTo(200);
        assertThat(r.json().get("totalSize").asInt()).isEqualTo(1);
    }

    @Test
    void queryUriOverSalesforcesUriLimitIsUriTooLong() {
        RestClient.Reply r = sf.query(inListQuery(0, MAX_URI_BYTES + 1_000));

        assertThat(r.status()).isEqualTo(414);
    }

    @Test
    void unknownFieldIsInvalidFieldAndUnknownObjectIsInvalidType() {
        assertError(sf.query("SELECT Shoe_Size__c FROM Lead"), 400, "INVALID_FIELD");
        assertError(sf.query("SELECT Id FROM Spaceship__c"), 400, "INVALID_TYPE");
    }

    // ---- literals ----

    @Test
    void escapedQuoteInALiteralMatchesExactlyThatRecord() {
        String id = seed(lead("OBrien", "o'brien@x.com"));
        seed(lead("Obrien", "obrien@x.com"));

        JsonNode r = sf.query("SELECT Id, Email FROM Lead WHERE Email = " + literal("o'brien@x.com")).json();

        assertThat(ids(r)).containsExactly(id);
        assertThat(r.get("records").get(0).get("Email").asText()).isEqualTo("o'brien@x.com");
    }

    @Test
    void injectionAttemptInsideAnEscapedLiteralMatchesNothing() {
        seedLeads(3);

        RestClient.Reply r = sf.query("SELECT Id FROM Lead WHERE Email = " + literal("x' OR Email != '"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("totalSize").asInt()).isZero();
    }

    // ---- clauses ----

    @Test
    void parentRelationshipFieldsAreNestedObjects() {
        Map<String, String> refs = SF.emulator().seed(Map.of("User", List.of(
                map("_ref", "rep", "Email", "rep@corp.example", "LastName", "Rep"))));
        Map<String, String> acct = SF.emulator().seed(Map.of("Account", List.of(
                map("_ref", "acme", "Name", "Acme", "OwnerId", refs.get("rep")))));
        SF.emulator().seed(Map.of("Contact", List.of(
                map("LastName", "Doe", "AccountId", acct.get("acme"), "OwnerId", refs.get("rep")))));

        JsonNode record = sf.query("SELECT Id, Account.Name, Owner.Email FROM Contact").json().get("records").get(0);

        assertThat(record.get("Account").get("attributes").get("type").asText()).isEqualTo("Account");
        assertThat(record.get("Account").get("Name").asText()).isEqualTo("Acme");
        assertThat(record.get("Owner").get("Email").asText()).isEqualTo("rep@corp.example");
    }

    @Test
    void countAnswersTotalSizeWithoutRecords() {
        seedLeads(3);

        JsonNode r = sf.query("SELECT COUNT() FROM Lead").json();

        assertThat(r.get("totalSize").asInt()).isEqualTo(3);
        assertThat(r.get("done").asBoolean()).isTrue();
        assertThat(r.get("records")).isEmpty();
    }

    @Test
    void orderByLimitAndOffsetSelectTheWindow() {
        for (String name : List.of("Cole", "Adams", "Evans", "Burke", "Drake")) {
            seed(lead(name, name.toLowerCase() + "@x.example"));
        }

        JsonNode r = sf.query("SELECT LastName FROM Lead ORDER BY LastName DESC LIMIT 2 OFFSET 1").json();

        assertThat(r.get("records").findValuesAsText("LastName")).containsExactly("Drake", "Cole");
    }

    @Test
    void dateTimeLiteralsCompareWithSystemModstamp() {
        Map<String, Object> old = lead("Old", "old@x.example");
        old.put("SystemModstamp", "2020-01-01T00:00:00.000+0000");
        Map<String, Object> recent = lead("Recent", "recent@x.example");
        recent.put("SystemModstamp", "2024-06-01T12:00:00.000+0000");
        seed(old);
        String recentId = seed(recent);

        JsonNode after = sf.query("SELECT Id FROM Lead WHERE SystemModstamp > 2023-01-01T00:00:00Z").json();
        JsonNode before = sf.query("SELECT Id FROM Lead WHERE SystemModstamp <= 2023-01-01T00:00:00.000+0000").json();

        assertThat(ids(after)).containsExactly(recentId);
        assertThat(ids(before)).doesNotContain(recentId).hasSize(1);
    }

    // ---- builders and helpers ----

    private static Map<String, Object> lead(String lastName, String email) {
        return map("LastName", lastName, "Company", "Engines Ltd", "Email", email);
    }

    private static String seed(Map<String, Object> lead) {
        Map<String, Object> withRef = new LinkedHashMap<>(lead);
        withRef.put("_ref", "it");
        return SF.emulator().seed(Map.of("Lead", List.of(withRef))).get("it");
    }

    private static List<String> seedLeads(int n) {
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> lead = lead("L" + i, "l" + i + "@x.example");
            lead.put("_ref", "l" + i);
            leads.add(lead);
        }
        Map<String, String> refs = SF.emulator().seed(Map.of("Lead", leads));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(refs.get("l" + i));
        }
        return ids;
    }

    /** A SOQL string literal with Salesforce's escapes for backslash and quote. */
    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A valid IN-list query that has at least {@code minChars} characters and a query URI of at least {@code minUriBytes}. */
    private static String inListQuery(int minChars, int minUriBytes) {
        StringBuilder soql = new StringBuilder("SELECT Id FROM Lead WHERE Email IN ('l0@x.example'");
        int uriBytes = queryUri(soql + ")").length();
        for (int i = 1; soql.length() < minChars || uriBytes < minUriBytes; i++) {
            String item = ",'someone" + i + "@x.example'";
            soql.append(item);
            uriBytes += encode(item).length();
        }
        return soql.append(')').toString();
    }

    private static String queryUri(String soql) {
        return V + "/query?q=" + encode(soql);
    }

    private static String encode(String soql) {
        return URLEncoder.encode(soql, StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode page) {
        return page.get("records").findValuesAsText("Id");
    }

    @Test
    void columnsTrueAnswersTheQuerysColumnMetadataAsTheSalesforceCliExpects() {
        RestClient.Reply r = sf.get(RestClient.V + "/query?columns=true&q="
                + java.net.URLEncoder.encode("SELECT Id, Email, Owner.Name, NumberOfEmployees FROM Lead",
                        java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("entityName").asText()).isEqualTo("Lead");
        assertThat(r.json().get("idSelected").asBoolean()).isTrue();
        assertThat(r.json().get("keyPrefix").asText()).isEqualTo("00Q");
        var columns = r.json().get("columnMetadata");
        assertThat(columns.get(0).get("apexType").asText()).isEqualTo("Id");
        assertThat(columns.get(1).get("textType").asBoolean()).isTrue();
        assertThat(columns.get(2).get("columnName").asText()).isEqualTo("Owner");
        assertThat(columns.get(2).get("joinColumns").get(0).get("columnName").asText()).isEqualTo("Name");
        assertThat(columns.get(3).get("numberType").asBoolean()).isTrue();
        assertThat(r.json().has("records")).isFalse();
    }

    @Test
    void aDoubleSlashAfterTheInstanceUrlIsAccepted() {
        assertThat(sf.get("/" + RestClient.V + "/limits").status()).isEqualTo(200);
    }
}
