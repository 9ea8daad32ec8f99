package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoqlWhereTest extends SoqlTestSupport {

    /** Result ids as a set, for filters where order does not matter. */
    private Set<Object> where(String condition) {
        return Set.copyOf(ids("SELECT Id FROM Lead WHERE " + condition));
    }

    // ---- text ----

    @Test
    void textEqualityIgnoresCase() {
        assertEquals(Set.of(lead2), where("Email = 'ben.smith@example.com'"));
        assertEquals(Set.of(lead2), where("Email = 'BEN.SMITH@EXAMPLE.COM'"));
    }

    @Test
    void textInequalityBothSpellings() {
        assertEquals(Set.of(lead2, lead3, lead4), where("Email != 'O\\'Brien@X.com'"));
        assertEquals(Set.of(lead2, lead3, lead4), where("Email <> 'o\\'brien@x.com'"));
    }

    @Test
    void notEqualsIncludesNullValuesLikeSalesforce() {
        assertEquals(Set.of(lead1, lead2, lead3, lead4), where("LeadSource != 'Email'"));
    }

    @Test
    void textOrderingComparesCaseInsensitively() {
        assertEquals(Set.of(lead2, lead4), where("Company > 'ACME'"));
        assertEquals(Set.of(lead1, lead2, lead3, lead4), where("Company <= 'initech'"));
        assertEquals(Set.of(lead1, lead3), where("Company < 'b'"));
        assertEquals(Set.of(lead1, lead2, lead3), where("Company >= 'acme' AND Company < 'I'"));
    }

    @Test
    void emptyStringLiteralMatchesNullText() {
        assertEquals(Set.of(lead4), where("Email = ''"));
        assertEquals(Set.of(lead1, lead2, lead3), where("Email != ''"));
    }

    @Test
    void escapedQuoteInsideLiteralIsPartOfTheValueNotTheQuery() {
        assertEquals(Set.of(lead1), where("Email = 'o\\'brien@x.com'"));
        // An attempted injection stays one literal and matches nothing.
        assertEquals(Set.of(), where("Email = 'x\\' OR Email != \\'x'"));
        assertEquals(Set.of(), where("Email = '\\' OR Id != null OR Email = \\''"));
    }

    @Test
    void allDocumentedEscapesDecode() {
        String id = ds.insert("Lead", "LastName", "Esc", "Description", "q' d\" b\\ n\n r\r t\t b\b f\f u\u00e9");
        assertEquals(Set.of(id), where("Description = 'q\\' d\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f u\\u00e9'"));
        assertEquals(Set.of(id), where("Description = 'Q\\' D\\\" B\\\\ N\\N R\\R T\\T B\\B F\\F U\\u00C9'"));
    }

    @Test
    void wildcardEscapesKeepTheirBackslashOutsideLike() {
        // Salesforce documents \_ and \% as "LIKE expression only"; elsewhere they stay verbatim.
        String id = ds.insert("Lead", "LastName", "a\\_b");
        assertEquals(Set.of(id), where("LastName = 'a\\_b'"));
        assertEquals(Set.of(), where("LastName LIKE 'a\\_b'"));
        assertEquals(Set.of(id), where("LastName LIKE 'a\\\\\\_b'"));
    }

    @Test
    void unicodeEscapedWildcardIsLiteralInLike() {
        assertEquals(Set.of(lead4), where("LastName LIKE '100\\u0025\\u005FSure'"));
        assertEquals(Set.of(), where("LastName LIKE '\\u0025'"));
    }

    // ---- LIKE ----

    @Test
    void likeWithPercentMatchesAnyRunCaseInsensitively() {
        assertEquals(Set.of(lead2), where("Email LIKE 'ben%'"));
        assertEquals(Set.of(lead1, lead2, lead3), where("Email LIKE '%.COM'"));
        assertEquals(Set.of(lead1, lead3), where("Company LIKE 'acme'"));
    }

    @Test
    void likeWithUnderscoreMatchesExactlyOneCharacter() {
        assertEquals(Set.of(lead1), where("FirstName LIKE 'A_n'"));
        assertEquals(Set.of(), where("FirstName LIKE 'A_'"));
    }

    @Test
    void likeWithEscapedWildcardsMatchesThemLiterally() {
        assertEquals(Set.of(lead4), where("LastName LIKE '100\\%\\_Sure'"));
        assertEquals(Set.of(lead4), where("LastName LIKE '%\\%%'"));
        assertEquals(Set.of(), where("LastName LIKE '100\\%\\_Surely'"));
        assertEquals(Set.of(lead4), where("LastName LIKE '%\\_%'"));
    }

    @Test
    void likeTreatsRegexCharactersLiterally() {
        String id = ds.insert("Lead", "LastName", "a.b*c[d]$", "Company", "(x)");
        assertEquals(Set.of(id), where("LastName LIKE 'a.b*c[d]$'"));
        assertEquals(Set.of(id), where("Company LIKE '(%)'"));
        assertEquals(Set.of(), where("LastName LIKE 'aXb%'"));
    }

    @Test
    void likeNeverMatchesNull() {
        assertEquals(Set.of(lead1, lead2, lead3), where("Email LIKE '%'"));
    }

    @Test
    void likeOnNonTextFieldIsAnInvalidOperator() {
        assertError("INVALID_QUERY_FILTER_OPERATOR", "SELECT Id FROM Lead WHERE NumberOfEmployees LIKE '1%'");
    }

    // ---- IN / NOT IN ----

    @Test
    void inMatchesAnyListedValueIgnoringCase() {
        assertEquals(Set.of(lead1, lead2), where("Email IN ('O\\'BRIEN@x.com', 'ben.smith@example.com', 'nobody@x')"));
    }

    @Test
    void notInExcludesListedValuesAndKeepsNulls() {
        assertEquals(Set.of(lead3, lead4), where("Email NOT IN ('o\\'brien@x.com', 'ben.smith@example.com')"));
    }

    @Test
    void inListMayContainNull() {
        assertEquals(Set.of(lead1, lead4), where("Email IN (null, 'o\\'brien@x.com')"));
        assertEquals(Set.of(lead2, lead3), where("Email NOT IN (null, 'o\\'brien@x.com')"));
    }

    @Test
    void inWorksForNumbersIdsAndDates() {
        assertEquals(Set.of(lead1, lead3), where("NumberOfEmployees IN (10, 50.0)"));
        assertEquals(Set.of(lead1, lead2), where("Id IN ('" + lead1 + "', '" + lead2.substring(0, 15) + "')"));
        assertEquals(Set.of(lead2, lead3), where("LastActivityDate IN (2026-11-22, 2026-10-01)"));
        assertEquals(Set.of(lead1, lead2), where("LastActivityDate IN (TODAY, YESTERDAY)"));
    }

    // ---- logic ----

    @Test
    void andOrNotAndParenthesesCombine() {
        assertEquals(Set.of(lead1, lead4), where("Status = 'Open' AND IsConverted = false"));
        assertEquals(Set.of(lead2, lead3), where("Status = 'Working' OR IsConverted = true"));
        assertEquals(Set.of(lead2, lead3), where("NOT Status = 'Open'"));
        assertEquals(Set.of(lead1, lead2),
                where("(Status = 'Open' OR Status = 'Working') AND (LeadSource = 'Web' OR LeadSource = 'Phone')"));
        assertEquals(Set.of(lead4), where("Status = 'Open' AND NOT (LeadSource = 'Web' OR LeadSource = 'Phone')"));
        assertEquals(Set.of(lead1, lead2, lead3, lead4), where("((Id != null))"));
        assertEquals(Set.of(lead3), where("NOT NOT IsConverted = true"));
    }

    // ---- null, boolean ----

    @Test
    void nullComparisons() {
        assertEquals(Set.of(lead4), where("Email = null"));
        assertEquals(Set.of(lead1, lead2, lead3), where("Email != null"));
        assertEquals(Set.of(lead3), where("ConvertedContactId != null"));
        assertEquals(Set.of(), where("NumberOfEmployees > null"));
    }

    @Test
    void booleanComparisons() {
        assertEquals(Set.of(lead3), where("IsConverted = true"));
        assertEquals(Set.of(lead1, lead2, lead4), where("IsConverted = FALSE"));
        assertEquals(Set.of(lead3), where("IsConverted != false"));
    }

    @Test
    void booleanOrderingOperatorIsInvalid() {
        assertError("INVALID_QUERY_FILTER_OPERATOR", "SELECT Id FROM Lead WHERE IsConverted > false");
    }

    // ---- numbers ----

    @Test
    void numbersCompareNumerically() {
        assertEquals(Set.of(lead2, lead3), where("NumberOfEmployees > 10"));
        assertEquals(Set.of(lead1, lead3), where("NumberOfEmployees <= 50"));
        assertEquals(Set.of(lead1), where("NumberOfEmployees = 10.00"));
        assertEquals(Set.of(lead1, lead2, lead4), where("AnnualRevenue >= -1.5"));
        assertEquals(Set.of(lead1), where("AnnualRevenue > +1000"));
        assertEquals(Set.of(lead2), where("Score__c = 10"));
        assertEquals(Set.of(lead2, lead4), where("AnnualRevenue < 5000.5"));
    }

    // ---- ids ----

    @Test
    void idsMatchIn15And18CharacterFormsButAreCaseSensitive() {
        assertEquals(Set.of(lead1), where("Id = '" + lead1 + "'"));
        assertEquals(Set.of(lead1), where("Id = '" + lead1.substring(0, 15) + "'"));
        assertEquals(Set.of(lead1, lead4), where("OwnerId = '" + alice.substring(0, 15) + "'"));
        String wrongCase = lead1.substring(0, 15).toLowerCase();
        assertEquals(Set.of(), where("Id = '" + wrongCase + "'"));
    }

    @Test
    void malformedIdLiteralIsRejected() {
        SoqlException e = error("SELECT Id FROM Lead WHERE Id = 'abc'");
        assertEquals("INVALID_QUERY_FILTER_OPERATOR", e.errorCode());
        assertEquals("invalid ID field: abc", e.getMessage());
        assertError("INVALID_QUERY_FILTER_OPERATOR", "SELECT Id FROM Lead WHERE OwnerId IN ('" + alice + "', 'x')");
    }

    // ---- dates and datetimes ----

    @Test
    void datetimeLiteralsCompareAsInstants() {
        assertEquals(Set.of(lead1, lead2), where("CreatedDate > 2026-06-01T00:00:00Z"));
        assertEquals(Set.of(lead1), where("CreatedDate = 2026-11-23T08:00:00.000+0000"));
        assertEquals(Set.of(lead1), where("CreatedDate = 2026-11-23T08:00:00Z"));
        assertEquals(Set.of(lead1), where("CreatedDate = 2026-11-23T10:00:00+02:00"));
        assertEquals(Set.of(lead1), where("CreatedDate = 2026-11-23T03:00:00-0500"));
        assertEquals(Set.of(lead1), where("CreatedDate = 2026-11-23t08:00:00.000z"));
        assertEquals(Set.of(lead3, lead4), where("CreatedDate <= 2026-01-01T00:00:00Z"));
        assertEquals(Set.of(lead4), where("CreatedDate < 2026-01-01T00:31:00+01:00"));
    }

    @Test
    void systemModstampWindowQueryLikeAnIncrementalSync() {
        assertEquals(List.of(lead2, lead1), ids("SELECT Id FROM Lead WHERE SystemModstamp > 2026-11-01T00:00:00Z"
                + " AND SystemModstamp <= 2026-11-23T18:54:20.000+0000 ORDER BY SystemModstamp ASC, Id ASC"));
    }

    @Test
    void dateLiteralsCompareAsDates() {
        assertEquals(Set.of(lead1), where("LastActivityDate = 2026-11-23"));
        assertEquals(Set.of(lead1, lead2), where("LastActivityDate > 2026-10-01"));
        assertEquals(Set.of(lead3), where("LastActivityDate < 2026-11-22"));
    }

    @Test
    void todayAndYesterdayOnDateAndDatetimeFields() {
        // The fixture clock is 2026-11-23T18:54:20Z, zone UTC.
        assertEquals(Set.of(lead1), where("LastActivityDate = TODAY"));
        assertEquals(Set.of(lead2), where("LastActivityDate = YESTERDAY"));
        assertEquals(Set.of(lead1), where("CreatedDate = TODAY"));
        assertEquals(Set.of(lead2), where("CreatedDate = YESTERDAY"));
        assertEquals(Set.of(lead2, lead3, lead4), where("CreatedDate < TODAY"));
        assertEquals(Set.of(lead3, lead4), where("CreatedDate < YESTERDAY"));
        assertEquals(Set.of(lead1), where("CreatedDate > YESTERDAY"));
        assertEquals(Set.of(lead1, lead2), where("CreatedDate >= YESTERDAY"));
        assertEquals(Set.of(lead2, lead3, lead4), where("CreatedDate <= YESTERDAY"));
        assertEquals(Set.of(lead3, lead4, lead1, lead2), where("CreatedDate != TOMORROW"));
    }

    @Test
    void lastNDaysIncludesTodayAndGoesBackNDays() {
        assertEquals(Set.of(lead1, lead2), where("CreatedDate = LAST_N_DAYS:1"));
        assertEquals(Set.of(lead1), where("CreatedDate = LAST_N_DAYS:0"));
        assertEquals(Set.of(lead1, lead2, lead3), where("LastActivityDate = LAST_N_DAYS:60"));
        assertEquals(Set.of(lead1, lead2), where("LastActivityDate = last_n_days:10"));
        assertEquals(Set.of(lead3, lead4), where("CreatedDate < LAST_N_DAYS:30"));
        assertEquals(Set.of(lead1, lead2, lead3, lead4), where("CreatedDate = LAST_N_DAYS:365"));
    }

    @Test
    void otherRelativeDateLiterals() {
        assertEquals(Set.of(lead1, lead2), where("CreatedDate = THIS_MONTH"));
        assertEquals(Set.of(lead1, lead2, lead3), where("CreatedDate = THIS_YEAR"));
        assertEquals(Set.of(lead4), where("CreatedDate = LAST_YEAR"));
        assertEquals(Set.of(lead3), where("LastActivityDate = LAST_N_MONTHS:2"));
        assertEquals(Set.of(lead2), where("LastActivityDate = N_DAYS_AGO:1"));
        assertEquals(Set.of(), where("CreatedDate = NEXT_N_DAYS:5"));
        // 2026-11-23 is a Monday; the week starts on Sunday 2026-11-22.
        assertEquals(Set.of(lead1, lead2), where("CreatedDate = THIS_WEEK"));
        assertEquals(Set.of(lead1, lead2), where("CreatedDate = THIS_QUARTER"));
    }

    // ---- type checking ----

    @Test
    void literalOfTheWrongTypeIsInvalidField() {
        SoqlException e = error("SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01'");
        assertEquals("INVALID_FIELD", e.errorCode());
        assertEquals("value of filter criterion for field 'CreatedDate' must be of type dateTime and should not"
                + " be enclosed in quotes", e.getMessage());
        SoqlException text = error("SELECT Id FROM Lead WHERE Email = 5");
        assertEquals("value of filter criterion for field 'Email' must be of type string and should be enclosed"
                + " in quotes", text.getMessage());
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE LastActivityDate > 2026-01-01T00:00:00Z");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE IsConverted = 'true'");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE NumberOfEmployees = '10'");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE Email = TODAY");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE Email IN ('a', 1)");
    }

    // ---- relationships ----

    @Test
    void relationshipPathsFilter() {
        assertEquals(Set.of(lead1, lead4), where("Owner.Email = 'ALICE@example.com'"));
        assertEquals(Set.of(lead2), where("Owner.Name LIKE '%queue%'"));
        assertEquals(Set.of(lead3), where("ConvertedContact.Account.Name = 'Acme'"));
        assertEquals(Set.of(lead1, lead2, lead4), where("ConvertedContact.Email = null"));
        assertEquals(Set.of(lead3), where("Owner.Manager.Email = 'alice@example.com'"));
    }

    // ---- deleted records ----

    @Test
    void deletedRecordsAreExcludedUnlessQueryAll() {
        assertEquals(Set.of(), where("LastName = 'Deleted'"));
        assertEquals(1, queryAll("SELECT Id FROM Lead WHERE LastName = 'Deleted'").totalSize());
        assertEquals(5, queryAll("SELECT Id FROM Lead").totalSize());
    }

    @Test
    void isDeletedCanBeFiltered() {
        SoqlResult deleted = queryAll("SELECT Id, IsDeleted FROM Lead WHERE IsDeleted = true");
        assertEquals(1, deleted.totalSize());
        assertEquals(lead5, deleted.records().get(0).get("Id"));
        assertEquals(Boolean.TRUE, deleted.records().get(0).get("IsDeleted"));
        assertEquals(Set.of(), where("IsDeleted = true"));
        assertEquals(4, queryAll("SELECT Id FROM Lead WHERE IsDeleted = false").totalSize());
    }
}
