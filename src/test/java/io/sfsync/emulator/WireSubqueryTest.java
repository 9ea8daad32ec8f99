package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.WireSObjectTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Parent-to-child subqueries on the wire: each parent carries its children as a nested query
 * result (or null), WHERE / ORDER BY / LIMIT per parent, queryAll, the relationship names
 * Salesforce uses and describe's childRelationships.
 */
class WireSubqueryTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;
    private Map<String, String> ids;

    @BeforeEach
    void seed() {
        sf = new RestClient(SF.emulator()).login();
        ids = SF.emulator().seed(Map.of(
                "Account", List.of(
                        Map.of("_ref", "acme", "Name", "Acme"),
                        Map.of("_ref", "globex", "Name", "Globex"),
                        Map.of("_ref", "empty", "Name", "Empty")),
                "Contact", List.of(
                        Map.of("_ref", "ann", "LastName", "Ann", "AccountId", "@acme", "Title", "CEO"),
                        Map.of("_ref", "cid", "LastName", "Cid", "AccountId", "@acme", "Title", "CTO"),
                        Map.of("_ref", "bea", "LastName", "Bea", "AccountId", "@acme", "Title", "CFO"),
                        Map.of("_ref", "gus", "LastName", "Gus", "AccountId", "@globex"),
                        Map.of("_ref", "loner", "LastName", "Loner")),
                "Lead", List.of(Map.of("_ref", "lead", "LastName", "Lee", "Company", "Lee Co")),
                "Task", List.of(
                        Map.of("_ref", "call", "Subject", "Call", "WhatId", "@acme", "WhoId", "@ann"),
                        Map.of("_ref", "mail", "Subject", "Mail", "WhoId", "@lead"))));
    }

    @Test
    void eachParentCarriesItsChildrenAsANestedQueryResultInSelectOrder() {
        JsonNode r = query("SELECT Id, (SELECT Id, LastName FROM Contacts), Name FROM Account WHERE Name = 'Acme'");

        assertThat(r.get("totalSize").asInt()).isEqualTo(1);
        JsonNode acme = r.get("records").get(0);
        assertThat(fieldNames(acme)).containsExactly("attributes", "Id", "Contacts", "Name");
        JsonNode contacts = acme.get("Contacts");
        assertThat(fieldNames(contacts)).containsExactly("totalSize", "done", "records");
        assertThat(contacts.get("totalSize").asInt()).isEqualTo(3);
        assertThat(contacts.get("done").asBoolean()).isTrue();
        JsonNode first = contacts.get("records").get(0);
        assertThat(fieldNames(first)).containsExactly("attributes", "Id", "LastName");
        assertThat(first.get("attributes").get("type").asText()).isEqualTo("Contact");
        assertThat(first.get("attributes").get("url").asText()).isEqualTo(V + "/sobjects/Contact/" + ids.get("ann"));
        assertThat(contacts.get("records").findValuesAsText("LastName")).containsExactly("Ann", "Cid", "Bea");
    }

    @Test
    void aParentWithoutChildrenCarriesNull() {
        JsonNode r = query("SELECT Name, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Empty'");

        JsonNode empty = r.get("records").get(0);
        assertThat(empty.has("Contacts")).isTrue();
        assertThat(empty.get("Contacts").isNull()).isTrue();
    }

    @Test
    void whereOrderByAndLimitApplyToEachParentsChildren() {
        JsonNode r = query("SELECT Name, (SELECT LastName FROM Contacts WHERE LastName != 'Cid' ORDER BY LastName DESC"
                + " LIMIT 1) FROM Account ORDER BY Name");

        Map<String, List<String>> byAccount = childrenByParent(r, "Contacts", "LastName");
        assertThat(byAccount).containsEntry("Acme", List.of("Bea")).containsEntry("Globex", List.of("Gus"))
                .containsEntry("Empty", null);
        assertThat(r.get("records").get(0).get("Contacts").get("totalSize").asInt()).isEqualTo(1);
    }

    @Test
    void aWhereThatNoChildPassesLeavesNull() {
        JsonNode r = query("SELECT Name, (SELECT Id FROM Contacts WHERE Title = 'Janitor') FROM Account"
                + " WHERE Name = 'Acme'");

        assertThat(r.get("records").get(0).get("Contacts").isNull()).isTrue();
    }

    @Test
    void childFieldsMayFollowParentRelationshipsAndBeQualifiedByAliases() {
        JsonNode r = query("SELECT a.Name, (SELECT c.LastName, c.Account.Name FROM a.Contacts c"
                + " WHERE c.Account.Name = 'Globex') FROM Account a WHERE a.Name = 'Globex'");

        JsonNode gus = r.get("records").get(0).get("Contacts").get("records").get(0);
        assertThat(gus.get("LastName").asText()).isEqualTo("Gus");
        assertThat(gus.get("Account").get("Name").asText()).isEqualTo("Globex");
        assertThat(gus.get("Account").get("attributes").get("type").asText()).isEqualTo("Account");
    }

    @Test
    void queryLeavesDeletedChildrenOutAndQueryAllKeepsThem() {
        assertThat(sf.delete(V + "/sobjects/Contact/" + ids.get("cid")).status()).isEqualTo(204);
        String soql = "SELECT Name, (SELECT LastName, IsDeleted FROM Contacts ORDER BY LastName) FROM Account"
                + " WHERE Name = 'Acme'";

        JsonNode live = query(soql).get("records").get(0).get("Contacts");
        JsonNode all = sf.get(V + "/queryAll?q=" + encode(soql)).json().get("records").get(0).get("Contacts");

        assertThat(live.get("records").findValuesAsText("LastName")).containsExactly("Ann", "Bea");
        assertThat(all.get("totalSize").asInt()).isEqualTo(3);
        assertThat(all.get("records").findValuesAsText("LastName")).containsExactly("Ann", "Bea", "Cid");
        assertThat(all.get("records").get(2).get("IsDeleted").asBoolean()).isTrue();
    }

    @Test
    void tasksAreChildrenOfAccountsThroughWhatIdAndOfContactsAndLeadsThroughWhoId() {
        JsonNode accounts = query("SELECT Name, (SELECT Subject FROM Tasks) FROM Account WHERE Name = 'Acme'");
        JsonNode contacts = query("SELECT LastName, (SELECT Subject FROM Tasks) FROM Contact WHERE LastName = 'Ann'");
        JsonNode leads = query("SELECT LastName, (SELECT Subject FROM Tasks) FROM Lead");

        assertThat(subjects(accounts)).containsExactly("Call");
        assertThat(subjects(contacts)).containsExactly("Call");
        assertThat(subjects(leads)).containsExactly("Mail");
    }

    @Test
    void childAccountsAreTheAccountsWhoseParentIdPointsAtTheParent() {
        sf.patch(V + "/sobjects/Account/" + ids.get("globex"), Map.of("ParentId", ids.get("acme")));

        JsonNode r = query("SELECT Name, (SELECT Name FROM ChildAccounts) FROM Account WHERE Name = 'Acme'");

        assertThat(r.get("records").get(0).get("ChildAccounts").get("records").findValuesAsText("Name"))
                .containsExactly("Globex");
    }

    @Test
    void anUnknownChildRelationshipIsInvalidTypeAsSalesforceSaysIt() {
        RestClient.Reply r = sf.query("SELECT Name, (SELECT Id FROM Contactz) FROM Account");

        assertError(r, 400, "INVALID_TYPE");
        assertThat(r.json().get(0).get("message").asText())
                .startsWith("Didn't understand relationship 'Contactz' in FROM part of query call.")
                .contains("append the '__r' after the custom relationship name");
        // an object name is not a relationship name
        assertError(sf.query("SELECT Name, (SELECT Id FROM Contact) FROM Account"), 400, "INVALID_TYPE");
        // Contacts is Account's, not Lead's
        assertError(sf.query("SELECT Id, (SELECT Id FROM Contacts) FROM Lead"), 400, "INVALID_TYPE");
    }

    @Test
    void anUnknownFieldInASubqueryIsInvalidField() {
        assertError(sf.query("SELECT Name, (SELECT Nope FROM Contacts) FROM Account"), 400, "INVALID_FIELD");
        assertError(sf.query("SELECT Name, (SELECT Id FROM Contacts WHERE Nope = 1) FROM Account"), 400,
                "INVALID_FIELD");
        assertError(sf.query("SELECT Name, (SELECT Id FROM Contacts ORDER BY Nope) FROM Account"), 400,
                "INVALID_FIELD");
    }

    @Test
    void subqueriesInsideSubqueriesOrAggregatesAreMalformed() {
        assertError(sf.query("SELECT Name, (SELECT Id, (SELECT Id FROM Tasks) FROM Contacts) FROM Account"), 400,
                "MALFORMED_QUERY");
        assertError(sf.query("SELECT Name, (SELECT COUNT() FROM Contacts) FROM Account"), 400, "MALFORMED_QUERY");
        assertError(sf.query("SELECT Name, COUNT(Id), (SELECT Id FROM Contacts) FROM Account GROUP BY Name"), 400,
                "MALFORMED_QUERY");
        assertError(sf.query("SELECT COUNT(), (SELECT Id FROM Contacts) FROM Account"), 400, "MALFORMED_QUERY");
        assertError(sf.query("SELECT Name, (SELECT Id FROM Contacts FROM Account"), 400, "MALFORMED_QUERY");
    }

    @Test
    void describeListsTheChildRelationshipsByTheirSalesforceNames() {
        JsonNode account = sf.get(V + "/sobjects/Account/describe").json().get("childRelationships");
        JsonNode contact = sf.get(V + "/sobjects/Contact/describe").json().get("childRelationships");
        JsonNode lead = sf.get(V + "/sobjects/Lead/describe").json().get("childRelationships");

        assertThat(relationship(account, "Contact", "AccountId").get("relationshipName").asText()).isEqualTo("Contacts");
        assertThat(relationship(account, "Task", "WhatId").get("relationshipName").asText()).isEqualTo("Tasks");
        assertThat(relationship(account, "Account", "ParentId").get("relationshipName").asText())
                .isEqualTo("ChildAccounts");
        assertThat(relationship(account, "Lead", "ConvertedAccountId").get("relationshipName").isNull()).isTrue();
        assertThat(relationship(contact, "Task", "WhoId").get("relationshipName").asText()).isEqualTo("Tasks");
        assertThat(relationship(lead, "Task", "WhoId").get("relationshipName").asText()).isEqualTo("Tasks");
        assertThat(relationship(account, "Contact", "AccountId").get("cascadeDelete").isBoolean()).isTrue();
    }

    @Test
    void columnsTrueDescribesASubqueryAsAnAggregateColumnWithJoinColumns() {
        RestClient.Reply r = sf.get(V + "/query?columns=true&q="
                + encode("SELECT Name, (SELECT LastName, Email FROM Contacts) FROM Account"));

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode contacts = r.json().get("columnMetadata").get(1);
        assertThat(contacts.get("columnName").asText()).isEqualTo("Contacts");
        assertThat(contacts.get("aggregate").asBoolean()).isTrue();
        assertThat(contacts.get("apexType").isNull()).isTrue();
        assertThat(contacts.get("joinColumns").findValuesAsText("columnName")).containsExactly("LastName", "Email");
    }

    private JsonNode query(String soql) {
        RestClient.Reply r = sf.query(soql);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json();
    }

    private static Map<String, List<String>> childrenByParent(JsonNode result, String relationship, String field) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (JsonNode parent : result.get("records")) {
            JsonNode children = parent.get(relationship);
            out.put(parent.get("Name").asText(),
                    children.isNull() ? null : children.get("records").findValuesAsText(field));
        }
        return out;
    }

    private static List<String> subjects(JsonNode result) {
        return result.get("records").get(0).get("Tasks").get("records").findValuesAsText("Subject");
    }

    private static JsonNode relationship(JsonNode childRelationships, String childSObject, String field) {
        for (JsonNode r : childRelationships) {
            if (r.get("childSObject").asText().equals(childSObject) && r.get("field").asText().equals(field)) {
                return r;
            }
        }
        throw new AssertionError("no child relationship " + childSObject + "." + field + " in " + childRelationships);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String encode(String soql) {
        return URLEncoder.encode(soql, StandardCharsets.UTF_8);
    }
}
