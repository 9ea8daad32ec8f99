package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared fixture: two users (one with a manager), a queue (Group), two accounts, a contact
 * and five leads covering nulls, mixed case, numbers, dates and relationships.
 */
abstract class SoqlTestSupport {
    protected InMemoryDataSource ds;
    protected String alice;
    protected String bob;
    protected String queue;
    protected String acme;
    protected String globex;
    protected String contact;
    protected String lead1;
    protected String lead2;
    protected String lead3;
    protected String lead4;
    protected String lead5;

    @BeforeEach
    void createFixture() {
        ds = new InMemoryDataSource();
        alice = ds.insert("User", "Name", "Alice Admin", "Email", "alice@example.com", "IsActive", true,
                "CreatedDate", "2025-01-01T00:00:00.000+0000");
        bob = ds.insert("User", "Name", "Bob Builder", "Email", "bob@example.com", "IsActive", true,
                "ManagerId", alice, "CreatedDate", "2025-02-01T00:00:00.000+0000");
        queue = ds.insert("Group", "Name", "Lead Queue", "Email", "queue@example.com", "Type", "Queue");
        acme = ds.insert("Account", "Name", "Acme", "OwnerId", bob, "Industry", "Manufacturing",
                "AnnualRevenue", 1000000.0, "NumberOfEmployees", 250);
        globex = ds.insert("Account", "Name", "Globex", "OwnerId", alice, "Industry", null);
        contact = ds.insert("Contact", "FirstName", "Carla", "LastName", "Convert", "Email", "carla@acme.com",
                "AccountId", acme, "OwnerId", bob, "Birthdate", "1990-05-17");
        lead1 = ds.insert("Lead", "FirstName", "Ann", "LastName", "O'Brien", "Company", "Acme",
                "Email", "o'brien@x.com", "Status", "Open", "LeadSource", "Web", "OwnerId", alice,
                "IsConverted", false, "AnnualRevenue", 5000.5, "NumberOfEmployees", 10, "Score__c", 1.5,
                "LastActivityDate", "2026-11-23",
                "CreatedDate", "2026-11-23T08:00:00.000+0000", "SystemModstamp", "2026-11-23T18:54:20.000+0000");
        lead2 = ds.insert("Lead", "FirstName", "Ben", "LastName", "Smith", "Company", "Globex",
                "Email", "Ben.Smith@Example.com", "Status", "Working", "LeadSource", "Phone", "OwnerId", queue,
                "IsConverted", false, "AnnualRevenue", 250.0, "NumberOfEmployees", 200, "Score__c", 10.0,
                "LastActivityDate", "2026-11-22",
                "CreatedDate", "2026-11-22T23:59:59.000+0000", "SystemModstamp", "2026-11-22T23:59:59.000+0000");
        lead3 = ds.insert("Lead", "FirstName", null, "LastName", "Converted", "Company", "Acme",
                "Email", "carla@acme.com", "Status", "Closed - Converted", "LeadSource", "Web", "OwnerId", bob,
                "IsConverted", true, "ConvertedContactId", contact, "ConvertedAccountId", acme,
                "Partner__c", globex, "AnnualRevenue", null, "NumberOfEmployees", 50,
                "LastActivityDate", "2026-10-01",
                "CreatedDate", "2026-01-01T00:00:00.000+0000", "SystemModstamp", "2026-01-01T00:00:00.000+0000");
        lead4 = ds.insert("Lead", "FirstName", "dora", "LastName", "100%_Sure", "Company", "Initech",
                "Email", null, "Status", "Open", "LeadSource", null, "OwnerId", alice,
                "IsConverted", false, "AnnualRevenue", 99.0, "NumberOfEmployees", null,
                "LastActivityDate", null,
                "CreatedDate", "2025-12-31T23:30:00.000+0000", "SystemModstamp", "2025-12-31T23:30:00.000+0000");
        lead5 = ds.insert("Lead", "FirstName", "Eve", "LastName", "Deleted", "Company", "Gone",
                "Email", "eve@x.com", "Status", "Open", "OwnerId", alice, "IsConverted", false,
                "CreatedDate", "2026-06-01T12:00:00.000+0000", "SystemModstamp", "2026-06-01T12:00:00.000+0000");
        ds.delete(lead5);
    }

    protected SoqlResult query(String soql) {
        return SoqlQuery.parse(soql).execute(ds, false);
    }

    protected SoqlResult queryAll(String soql) {
        return SoqlQuery.parse(soql).execute(ds, true);
    }

    /** Ids of the result records, in result order. */
    protected List<Object> ids(String soql) {
        List<Object> ids = new ArrayList<>();
        for (Map<String, Object> rec : query(soql).records()) {
            ids.add(rec.get("Id"));
        }
        return ids;
    }

    protected SoqlException error(String soql) {
        return assertThrows(SoqlException.class, () -> query(soql));
    }

    protected void assertError(String expectedCode, String soql) {
        assertEquals(expectedCode, error(soql).errorCode(), soql);
    }
}
