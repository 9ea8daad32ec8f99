package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The standard objects carry Salesforce's standard fields (not only the ones sfsync reads), and the
 * standard objects sfsync does not use, Opportunity and Case, work like the others: what a client
 * written against a real org (jsforce's own tests) selects, creates and describes.
 */
class WireStandardObjectsTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void accountsStandardFieldsAreQueriedCreatedAndDescribed() {
        String id = sf.post(V + "/sobjects/Account", map("Name", "Edge", "Fax", "(512) 757-9000", "AccountNumber",
                "CD451796", "Sic", "6576", "SicDesc", "Crafts", "Ownership", "Public", "TickerSymbol", "EDGE",
                "Rating", "Hot", "Site", "Austin", "AccountSource", "Web")).json().get("id").asText();

        JsonNode r = sf.query("SELECT Fax, AccountNumber, Sic, SicDesc, Ownership, TickerSymbol, Rating, Site,"
                + " AccountSource, LastActivityDate, Jigsaw, DunsNumber FROM Account WHERE Id = '" + id + "'").json();

        assertThat(r.get("totalSize").asInt()).as(r.toString()).isEqualTo(1);
        JsonNode a = r.get("records").get(0);
        assertThat(a.get("Fax").asText()).isEqualTo("(512) 757-9000");
        assertThat(a.get("TickerSymbol").asText()).isEqualTo("EDGE");
        assertThat(a.get("LastActivityDate").isNull()).isTrue();
        JsonNode fax = field(describe("Account"), "Fax");
        assertThat(fax.get("type").asText()).isEqualTo("phone");
        assertThat(fax.get("label").asText()).isEqualTo("Account Fax");
        JsonNode last = field(describe("Account"), "LastActivityDate");
        assertThat(last.get("createable").asBoolean()).isFalse();
        assertThat(last.get("updateable").asBoolean()).isFalse();
        assertThat(sf.patch(V + "/sobjects/Account/" + id, map("LastActivityDate", "2026-01-01")).status()).isEqualTo(400);
    }

    @Test
    void compoundAddressFieldsHoldTheirPartsAndAreReadOnly() {
        String id = sf.post(V + "/sobjects/Account", map("Name", "Edge", "BillingStreet", "312 Constitution Place",
                "BillingCity", "Austin", "BillingState", "TX", "BillingPostalCode", "78767")).json().get("id").asText();
        sf.post(V + "/sobjects/Contact", map("LastName", "Doe", "MailingCity", "Paris"));

        JsonNode a = sf.query("SELECT BillingAddress, ShippingAddress FROM Account WHERE Id = '" + id + "'").json()
                .get("records").get(0);
        assertThat(a.get("BillingAddress").get("city").asText()).isEqualTo("Austin");
        assertThat(a.get("BillingAddress").get("street").asText()).isEqualTo("312 Constitution Place");
        assertThat(a.get("BillingAddress").get("country").isNull()).isTrue();
        assertThat(a.get("ShippingAddress").isNull()).isTrue();
        sf.patch(V + "/sobjects/Account/" + id, map("BillingCity", "Dallas"));
        assertThat(sf.get(V + "/sobjects/Account/" + id).json().get("BillingAddress").get("city").asText()).isEqualTo("Dallas");
        assertThat(sf.query("SELECT MailingAddress FROM Contact").json().get("records").get(0).get("MailingAddress")
                .get("city").asText()).isEqualTo("Paris");
        JsonNode describe = field(describe("Account"), "BillingAddress");
        assertThat(describe.get("type").asText()).isEqualTo("address");
        assertThat(describe.get("soapType").asText()).isEqualTo("urn:address");
        assertThat(sf.patch(V + "/sobjects/Account/" + id, map("BillingAddress", map("city", "Waco"))).status()).isEqualTo(400);
        assertThat(describe.get("filterable").asBoolean()).isFalse();
        assertThat(describe.get("sortable").asBoolean()).isFalse();
        assertThat(field(describe("Account"), "BillingCity").get("compoundFieldName").asText()).isEqualTo("BillingAddress");
        for (String soql : List.of("SELECT Id FROM Account WHERE BillingAddress != null",
                "SELECT Id FROM Account ORDER BY BillingAddress", "SELECT COUNT(Id) FROM Account GROUP BY BillingAddress",
                "SELECT Id FROM Account WHERE BillingAddress LIKE '%Austin%'")) {
            RestClient.Reply refused = sf.query(soql);
            assertThat(refused.status()).as(soql).isEqualTo(400);
            assertThat(refused.raw().body()).as(soql).contains("INVALID_FIELD").contains("BillingAddress");
        }
    }

    @Test
    void aUserCreatedWithoutIsActiveIsActiveAndHasItsLocaleFields() {
        String id = sf.post(V + "/sobjects/User", map("Username", "new@example.com", "LastName", "New", "Email",
                "new@example.com", "Alias", "new")).json().get("id").asText();

        JsonNode u = sf.get(V + "/sobjects/User/" + id).json();

        assertThat(u.get("IsActive").asBoolean()).isTrue();
        assertThat(u.get("TimeZoneSidKey").asText()).isEqualTo("America/Los_Angeles");
        assertThat(u.get("LocaleSidKey").asText()).isEqualTo("en_US");
        JsonNode describe = describe("User");
        assertThat(field(describe, "IsActive").get("defaultValue").asBoolean()).isTrue();
        assertThat(names(describe)).contains("TimeZoneSidKey", "LocaleSidKey", "EmailEncodingKey", "LanguageLocaleKey",
                "ManagerId", "Department", "Phone");
        assertThat(sf.patch(V + "/sobjects/User/" + id, map("TimeZoneSidKey", "Mars/Olympus")).status()).isEqualTo(400);
    }

    @Test
    void opportunitiesBelongToAccountsAndNeedAStageAndACloseDate() {
        String account = sf.post(V + "/sobjects/Account", map("Name", "Acme")).json().get("id").asText();

        RestClient.Reply missing = sf.post(V + "/sobjects/Opportunity", map("Name", "Big deal", "AccountId", account));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.raw().body()).contains("REQUIRED_FIELD_MISSING").contains("StageName").contains("CloseDate");
        RestClient.Reply created = sf.post(V + "/sobjects/Opportunity", map("Name", "Big deal", "AccountId", account,
                "StageName", "Prospecting", "CloseDate", "2027-03-31", "Amount", 12000));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("id").asText()).startsWith("006");

        JsonNode r = sf.query("SELECT Name, (SELECT Name, StageName, Amount FROM Opportunities) FROM Account"
                + " WHERE Id = '" + account + "'").json();
        JsonNode opportunities = r.get("records").get(0).get("Opportunities");
        assertThat(opportunities.get("totalSize").asInt()).as(r.toString()).isEqualTo(1);
        assertThat(opportunities.get("records").get(0).get("StageName").asText()).isEqualTo("Prospecting");
        assertThat(sf.post(V + "/sobjects/Opportunity", map("Name", "x", "StageName", "Dreaming", "CloseDate",
                "2027-03-31")).raw().body()).contains("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    }

    @Test
    void casesAreNumberedAndDefaultToNew() {
        String first = sf.post(V + "/sobjects/Case", map("Subject", "Broken")).json().get("id").asText();
        String second = sf.post(V + "/sobjects/Case", map("Subject", "Still broken")).json().get("id").asText();

        JsonNode r = sf.query("SELECT CaseNumber, Status, Priority FROM Case ORDER BY CaseNumber").json();

        assertThat(first).startsWith("500");
        assertThat(second).startsWith("500");
        assertThat(r.get("records").findValuesAsText("CaseNumber")).containsExactly("00000001", "00000002");
        assertThat(r.get("records").findValuesAsText("Status")).containsOnly("New");
        assertThat(r.get("records").findValuesAsText("Priority")).containsOnly("Medium");
        JsonNode describe = describe("Case");
        assertThat(field(describe, "CaseNumber").get("nameField").asBoolean()).isTrue();
        assertThat(describeGlobalNames()).contains("Opportunity", "Case");
    }

    private JsonNode describe(String object) {
        RestClient.Reply r = sf.get(V + "/sobjects/" + object + "/describe");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private List<String> describeGlobalNames() {
        return sf.get(V + "/sobjects").json().get("sobjects").findValuesAsText("name");
    }

    private static JsonNode field(JsonNode describe, String name) {
        for (JsonNode f : describe.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + names(describe));
    }

    private static List<String> names(JsonNode describe) {
        List<String> out = new ArrayList<>();
        describe.get("fields").forEach(f -> out.add(f.get("name").asText()));
        return out;
    }
}
