package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoqlSelectTest extends SoqlTestSupport {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Map<String, Object> rec, String key) {
        return (Map<String, Object>) rec.get(key);
    }

    private Map<String, Object> single(String soql) {
        SoqlResult result = query(soql);
        assertEquals(1, result.totalSize(), soql);
        return result.records().get(0);
    }

    @Test
    void recordStartsWithAttributesThenSelectedFieldsInSelectOrder() {
        Map<String, Object> rec = single("SELECT Email, Id, Company FROM Lead WHERE Id = '" + lead1 + "'");
        assertEquals(List.of("attributes", "Email", "Id", "Company"), List.copyOf(rec.keySet()));
        assertEquals(Map.of("type", "Lead", "url", "/services/data/v62.0/sobjects/Lead/" + lead1),
                rec.get("attributes"));
        assertEquals("o'brien@x.com", rec.get("Email"));
        assertEquals("Acme", rec.get("Company"));
    }

    @Test
    void fieldAndObjectNamesComeBackInCanonicalCase() {
        Map<String, Object> rec = single("select EMAIL, id, owner.EMAIL from LEAD where ID = '" + lead1 + "'");
        assertEquals(List.of("attributes", "Email", "Id", "Owner"), List.copyOf(rec.keySet()));
        assertEquals("Lead", nested(rec, "attributes").get("type"));
        assertEquals(List.of("attributes", "Email"), List.copyOf(nested(rec, "Owner").keySet()));
    }

    @Test
    void groupIsAnObjectNameAfterFromThoughGroupIsReservedElsewhere() {
        Map<String, Object> rec = single("SELECT Id, Name FROM Group WHERE Type = 'Queue' AND (Name = 'Lead Queue'"
                + " OR Name = 'x') LIMIT 1");
        assertEquals(queue, rec.get("Id"));
    }

    @Test
    void idKeepsItsStored18CharacterFormWhenQueriedBy15CharacterId() {
        Map<String, Object> rec = single("SELECT Id FROM Lead WHERE Id = '" + lead1.substring(0, 15) + "'");
        assertEquals(18, lead1.length());
        assertEquals(lead1, rec.get("Id"));
    }

    @Test
    void valuesKeepTheirStoredJavaTypes() {
        Map<String, Object> rec = single("SELECT IsConverted, NumberOfEmployees, AnnualRevenue, LastActivityDate,"
                + " CreatedDate, FirstName FROM Lead WHERE Id = '" + lead1 + "'");
        assertEquals(Boolean.FALSE, rec.get("IsConverted"));
        assertEquals(10, rec.get("NumberOfEmployees"));
        assertEquals(5000.5, rec.get("AnnualRevenue"));
        assertEquals("2026-11-23", rec.get("LastActivityDate"));
        assertEquals("2026-11-23T08:00:00.000+0000", rec.get("CreatedDate"));
        assertEquals("Ann", rec.get("FirstName"));
    }

    @Test
    void nullFieldValuesArePresentAsNull() {
        Map<String, Object> rec = single("SELECT FirstName, Email FROM Lead WHERE Id = '" + lead4 + "'");
        assertTrue(rec.containsKey("Email"));
        assertNull(rec.get("Email"));
    }

    @Test
    void parentRelationshipFieldIsNestedUnderRelationshipNameWithItsOwnAttributes() {
        Map<String, Object> rec = single("SELECT Id, Owner.Email FROM Lead WHERE Id = '" + lead1 + "'");
        Map<String, Object> owner = nested(rec, "Owner");
        assertEquals(Map.of("type", "User", "url", "/services/data/v62.0/sobjects/User/" + alice),
                owner.get("attributes"));
        assertEquals("alice@example.com", owner.get("Email"));
    }

    @Test
    void polymorphicOwnerReportsTheActualTargetType() {
        Map<String, Object> rec = single("SELECT Owner.Name, Owner.Email FROM Lead WHERE Id = '" + lead2 + "'");
        Map<String, Object> owner = nested(rec, "Owner");
        assertEquals("Group", nested(owner, "attributes").get("type"));
        assertEquals("Lead Queue", owner.get("Name"));
        assertEquals("queue@example.com", owner.get("Email"));
    }

    @Test
    void severalPathsThroughOneRelationshipMergeIntoOneMapAtItsFirstPosition() {
        Map<String, Object> rec = single("SELECT Owner.Email, Id, owner.Name FROM Lead WHERE Id = '" + lead1 + "'");
        assertEquals(List.of("attributes", "Owner", "Id"), List.copyOf(rec.keySet()));
        assertEquals(List.of("attributes", "Email", "Name"), List.copyOf(nested(rec, "Owner").keySet()));
        assertEquals("Alice Admin", nested(rec, "Owner").get("Name"));
    }

    @Test
    void nullReferenceYieldsNullInsteadOfNestedMap() {
        Map<String, Object> rec = single("SELECT Id, ConvertedContact.Email FROM Lead WHERE Id = '" + lead1 + "'");
        assertTrue(rec.containsKey("ConvertedContact"));
        assertNull(rec.get("ConvertedContact"));
    }

    @Test
    void convertedContactPathFollowsTheReference() {
        Map<String, Object> rec = single("SELECT ConvertedContact.Email, ConvertedContact.LastName FROM Lead"
                + " WHERE Id = '" + lead3 + "'");
        Map<String, Object> c = nested(rec, "ConvertedContact");
        assertEquals("Contact", nested(c, "attributes").get("type"));
        assertEquals("carla@acme.com", c.get("Email"));
        assertEquals("Convert", c.get("LastName"));
    }

    @Test
    void threeLevelPathNestsThreeMaps() {
        Map<String, Object> rec = single("SELECT ConvertedContact.Account.Owner.Email, ConvertedContact.Account.Name"
                + " FROM Lead WHERE Id = '" + lead3 + "'");
        Map<String, Object> contactMap = nested(rec, "ConvertedContact");
        Map<String, Object> account = nested(contactMap, "Account");
        assertEquals(List.of("attributes", "Owner", "Name"), List.copyOf(account.keySet()));
        assertEquals("Acme", account.get("Name"));
        Map<String, Object> owner = nested(account, "Owner");
        assertEquals("User", nested(owner, "attributes").get("type"));
        assertEquals("bob@example.com", owner.get("Email"));
    }

    @Test
    void twoLevelPathFromContact() {
        Map<String, Object> rec = single("SELECT Account.Name, Account.Owner.Email FROM Contact");
        assertEquals("Acme", nested(rec, "Account").get("Name"));
        assertEquals("bob@example.com", nested(nested(rec, "Account"), "Owner").get("Email"));
    }

    @Test
    void nullReferenceHalfwayDownAPathYieldsNullAtThatLevel() {
        Map<String, Object> rec = single("SELECT Owner.Manager.Email FROM Lead WHERE Id = '" + lead1 + "'");
        assertTrue(nested(rec, "Owner").containsKey("Manager"));
        assertNull(nested(rec, "Owner").get("Manager"));
        Map<String, Object> bobs = single("SELECT Owner.Manager.Email FROM Lead WHERE Id = '" + lead3 + "'");
        assertEquals("alice@example.com", nested(nested(bobs, "Owner"), "Manager").get("Email"));
    }

    @Test
    void customRelationshipUsesDoubleUnderscoreR() {
        Map<String, Object> rec = single("SELECT Partner__r.Name FROM Lead WHERE Id = '" + lead3 + "'");
        assertEquals("Globex", nested(rec, "Partner__r").get("Name"));
    }

    @Test
    void objectAliasMayQualifyFields() {
        Map<String, Object> rec = single("SELECT l.Email, l.Owner.Email FROM Lead l WHERE l.Id = '" + lead1 + "'"
                + " ORDER BY l.Email");
        assertEquals(List.of("attributes", "Email", "Owner"), List.copyOf(rec.keySet()));
    }

    @Test
    void objectNameMayQualifyFields() {
        Map<String, Object> rec = single("SELECT Lead.Email FROM Lead WHERE Lead.Id = '" + lead1 + "'");
        assertEquals("o'brien@x.com", rec.get("Email"));
    }

    @Test
    void duplicateFieldIsRejected() {
        SoqlException e = error("SELECT Id, Email, email FROM Lead");
        assertEquals("DUPLICATE_FIELD", e.errorCode());
        assertEquals("duplicate field selected: Email", e.getMessage());
        assertError("DUPLICATE_FIELD", "SELECT Owner.Email, OWNER.EMAIL FROM Lead");
    }

    @Test
    void countAloneReturnsTotalSizeAndNoRecords() {
        SoqlResult result = query("SELECT COUNT() FROM Lead");
        assertEquals(4, result.totalSize());
        assertEquals(List.of(), result.records());
        assertEquals(2, query("select count() from Lead where Company = 'acme'").totalSize());
        assertEquals(1, query("SELECT COUNT() FROM Lead LIMIT 1").totalSize());
        assertEquals(5, queryAll("SELECT COUNT() FROM Lead").totalSize());
    }

    @Test
    void countWithOtherFieldsIsMalformed() {
        assertError("MALFORMED_QUERY", "SELECT COUNT(), Id FROM Lead");
    }

    @Test
    void aggregateFunctionsProduceOneAggregateResultRow() {
        SoqlResult result = query("SELECT COUNT(Id), COUNT(Email), MAX(NumberOfEmployees), MIN(CreatedDate),"
                + " SUM(AnnualRevenue), AVG(Score__c), COUNT_DISTINCT(Company) FROM Lead");
        assertEquals(1, result.totalSize());
        Map<String, Object> row = result.records().get(0);
        assertEquals(Map.of("type", "AggregateResult"), row.get("attributes"));
        assertEquals(List.of("attributes", "expr0", "expr1", "expr2", "expr3", "expr4", "expr5", "expr6"),
                List.copyOf(row.keySet()));
        assertEquals(4, row.get("expr0"));
        assertEquals(3, row.get("expr1"));
        assertEquals(200, row.get("expr2"));
        assertEquals("2025-12-31T23:30:00.000+0000", row.get("expr3"));
        assertEquals(5000.5 + 250.0 + 99.0, (Double) row.get("expr4"), 1e-9);
        assertEquals((1.5 + 10.0) / 2, (Double) row.get("expr5"), 1e-9);
        assertEquals(3, row.get("expr6"));
    }

    @Test
    void aggregateAliasesReplaceExprNamesAndOnlyUnaliasedOnesAreNumbered() {
        Map<String, Object> row = query("SELECT COUNT(Id) total, MAX(LastName), MIN(LastName) lowest FROM Lead")
                .records().get(0);
        assertEquals(List.of("attributes", "total", "expr0", "lowest"), List.copyOf(row.keySet()));
        assertEquals(4, row.get("total"));
        assertEquals("Smith", row.get("expr0"));
        assertEquals("100%_Sure", row.get("lowest"));
    }

    @Test
    void aggregateOverNoRowsStillReturnsOneRow() {
        Map<String, Object> row = query("SELECT COUNT(Id), MAX(Email) FROM Lead WHERE Company = 'none'")
                .records().get(0);
        assertEquals(0, row.get("expr0"));
        assertNull(row.get("expr1"));
    }

    @Test
    void groupByReturnsOneRowPerGroupOrderedByGroupedField() {
        SoqlResult result = query("SELECT LeadSource, COUNT(Id) n FROM Lead GROUP BY LeadSource"
                + " ORDER BY LeadSource NULLS LAST");
        assertEquals(3, result.totalSize());
        assertEquals(Arrays.asList("Phone", "Web", null),
                result.records().stream().map(r -> r.get("LeadSource")).toList());
        assertEquals(List.of(1, 2, 1), result.records().stream().map(r -> r.get("n")).toList());
    }

    @Test
    void ungroupedFieldInAggregateQueryIsMalformed() {
        SoqlException e = error("SELECT Id, COUNT(Email) FROM Lead");
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertEquals("Field must be grouped or aggregated: Id", e.getMessage());
        assertError("MALFORMED_QUERY", "SELECT LeadSource, COUNT(Id) FROM Lead GROUP BY LeadSource ORDER BY Email");
    }

    @Test
    void sumOfTextFieldIsRejected() {
        assertError("MALFORMED_QUERY", "SELECT SUM(Email) FROM Lead");
    }
}
