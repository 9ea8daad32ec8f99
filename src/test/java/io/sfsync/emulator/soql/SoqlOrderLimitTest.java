package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoqlOrderLimitTest extends SoqlTestSupport {

    @Test
    void orderByAscendingPutsNullsFirstByDefault() {
        // AnnualRevenue: lead1 5000.5, lead2 250, lead3 null, lead4 99
        assertEquals(List.of(lead3, lead4, lead2, lead1), ids("SELECT Id FROM Lead ORDER BY AnnualRevenue"));
        assertEquals(List.of(lead3, lead4, lead2, lead1), ids("SELECT Id FROM Lead ORDER BY AnnualRevenue ASC"));
    }

    @Test
    void orderByDescendingPutsNullsLastByDefault() {
        assertEquals(List.of(lead1, lead2, lead4, lead3), ids("SELECT Id FROM Lead ORDER BY AnnualRevenue DESC"));
    }

    @Test
    void explicitNullsPlacementWinsInEitherDirection() {
        // NumberOfEmployees: lead1 10, lead2 200, lead3 50, lead4 null
        assertEquals(List.of(lead1, lead3, lead2, lead4),
                ids("SELECT Id FROM Lead ORDER BY NumberOfEmployees ASC NULLS LAST, Id"));
        assertEquals(List.of(lead3, lead1, lead2, lead4),
                ids("SELECT Id FROM Lead ORDER BY AnnualRevenue DESC NULLS FIRST"));
    }

    @Test
    void textSortsCaseInsensitively() {
        // FirstNames: Ann, Ben, null, dora
        assertEquals(List.of(lead3, lead1, lead2, lead4), ids("SELECT Id FROM Lead ORDER BY FirstName"));
    }

    @Test
    void multipleKeysBreakTies() {
        // Status: lead1 Open, lead2 Working, lead3 Closed - Converted, lead4 Open
        assertEquals(List.of(lead2, lead1, lead4, lead3),
                ids("SELECT Id FROM Lead ORDER BY Status DESC, LastActivityDate DESC NULLS LAST"));
        assertEquals(List.of(lead3, lead1, lead2, lead4),
                ids("SELECT Id FROM Lead ORDER BY Company, IsConverted DESC"));
    }

    @Test
    void datetimeSortsByInstantNotByText() {
        String early = ds.insert("Lead", "LastName", "TZ", "CreatedDate", "2026-11-23T09:00:00.000+0200");
        // 07:00Z, i.e. before lead1's 08:00Z although its text sorts after it.
        List<Object> ordered = ids("SELECT Id FROM Lead WHERE CreatedDate > 2026-11-23T00:00:00Z ORDER BY CreatedDate");
        assertEquals(List.of(early, lead1), ordered);
    }

    @Test
    void orderByRelationshipPath() {
        // Owner emails: lead1 alice, lead2 queue, lead3 bob, lead4 alice
        assertEquals(List.of(lead1, lead4, lead3, lead2), ids("SELECT Id FROM Lead ORDER BY Owner.Email, Id"));
        assertEquals(List.of(lead3, lead1, lead2, lead4),
                ids("SELECT Id FROM Lead ORDER BY ConvertedContact.Account.Name DESC NULLS LAST, Id"));
    }

    @Test
    void orderByIdIsStableForPagingByKeyset() {
        assertEquals(List.of(lead1, lead2, lead3, lead4), ids("SELECT Id FROM Lead ORDER BY Id"));
        assertEquals(List.of(lead3, lead4), ids("SELECT Id FROM Lead WHERE Id > '" + lead2 + "' ORDER BY Id"));
    }

    @Test
    void limitAndOffsetWindowTheSortedResult() {
        assertEquals(List.of(lead1, lead2), ids("SELECT Id FROM Lead ORDER BY Id LIMIT 2"));
        assertEquals(List.of(lead2, lead3), ids("SELECT Id FROM Lead ORDER BY Id LIMIT 2 OFFSET 1"));
        assertEquals(List.of(lead3, lead4), ids("SELECT Id FROM Lead ORDER BY Id OFFSET 2"));
        assertEquals(List.of(), ids("SELECT Id FROM Lead ORDER BY Id OFFSET 10"));
        assertEquals(List.of(), ids("SELECT Id FROM Lead LIMIT 0"));
        assertEquals(2, query("SELECT Id FROM Lead ORDER BY Id LIMIT 2").totalSize());
    }

    @Test
    void withoutOrderByRecordsComeInDataSourceOrder() {
        assertEquals(List.of(lead1, lead2, lead3, lead4), ids("SELECT Id FROM Lead"));
    }
}
