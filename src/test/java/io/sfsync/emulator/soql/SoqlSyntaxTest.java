package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoqlSyntaxTest extends SoqlTestSupport {

    private static SoqlException parseError(String soql) {
        return assertThrows(SoqlException.class, () -> SoqlQuery.parse(soql), soql);
    }

    @Test
    void keywordsAreCaseInsensitive() {
        assertEquals(List.of(lead1), ids("sElEcT id FrOm lEaD wHeRe EMAIL = 'o\\'brien@x.com' oRdEr By LaStNaMe AsC "
                + "NuLlS fIrSt LiMiT 5 oFfSeT 0"));
    }

    @Test
    void whitespaceAndNewlinesAreAllowedAnywhere() {
        String soql = "\n  SELECT\n\tId ,\r\n Owner . Email\nFROM\n  Lead\n WHERE\n\tEmail\n=\n'o\\'brien@x.com'\n"
                + "ORDER\n BY\n Id\n";
        SoqlResult result = query(soql);
        assertEquals(1, result.totalSize());
        assertEquals(lead1, result.records().get(0).get("Id"));
    }

    @Test
    void misspelledFromIsMalformedQueryNamingTheToken() {
        SoqlException e = parseError("SELECT Id FORM Lead");
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertEquals("unexpected token: 'FORM'", e.getMessage());
    }

    @Test
    void unexpectedEndOfQueryIsReportedAsEof() {
        SoqlException e = parseError("SELECT Id FROM Lead WHERE");
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertEquals("unexpected token: '<EOF>'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "SELECT",
        "SELECT FROM Lead",
        "SELECT Id, FROM Lead",
        "SELECT Id Lead",
        "SELECT Id FROM",
        "SELECT Id FROM Lead garbage garbage",
        "SELECT Id FROM Lead WHERE Email",
        "SELECT Id FROM Lead WHERE Email = ",
        "SELECT Id FROM Lead WHERE Email == 'a'",
        "SELECT Id FROM Lead WHERE Email IN ()",
        "SELECT Id FROM Lead WHERE Email IN ('a',)",
        "SELECT Id FROM Lead WHERE Email IN 'a'",
        "SELECT Id FROM Lead WHERE (Email = 'a'",
        "SELECT Id FROM Lead WHERE Email = 'a')",
        "SELECT Id FROM Lead WHERE Email = \"a\"",
        "SELECT Id FROM Lead WHERE Email = 'unterminated",
        "SELECT Id FROM Lead WHERE Email = 'bad \\x escape'",
        "SELECT Id FROM Lead WHERE Email LIKE 5",
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS",
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:x",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00",
        "SELECT Id FROM Lead WHERE CreatedDate > SOMEDAY",
        "SELECT Id FROM Lead ORDER Id",
        "SELECT Id FROM Lead ORDER BY Id NULLS",
        "SELECT Id FROM Lead ORDER BY Id NULLS MIDDLE",
        "SELECT Id FROM Lead LIMIT",
        "SELECT Id FROM Lead LIMIT -1",
        "SELECT Id FROM Lead LIMIT 1.5",
        "SELECT Id FROM Lead LIMIT 'ten'",
        "SELECT Id FROM Lead OFFSET 5 LIMIT 1",
        "SELECT Id FROM Lead LIMIT 1 LIMIT 2",
        "SELECT Id FROM Lead WHERE Name = 'a' # comment",
        "SELECT Id FROM Lead WHERE Email = :bound",
        "SELECT Id FROM Lead WHERE Email NOT LIKE 'a%'",
        "SELECT Id FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember)",
        "SELECT FIELDS(ALL) FROM Lead LIMIT 200",
        "SELECT toLabel(Status) FROM Lead",
        "SELECT Id FROM Lead WHERE Email INCLUDES ('a')",
        "SELECT Id FROM Lead HAVING COUNT(Id) > 1",
        "SELECT Id FROM Lead WITH SECURITY_ENFORCED",
        "SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) FROM Contacts) FROM Account",
        "SELECT Id, (SELECT COUNT() FROM Contacts) FROM Account",
        "SELECT Id, (SELECT Id FROM Contacts GROUP BY Id) FROM Account",
        "SELECT Id, (SELECT Id FROM Contacts FROM Account",
        "SELECT Id, (SELECT FROM Contacts) FROM Account",
        "SELECT Id FROM Lead FOR UPDATE",
    })
    void invalidSyntaxIsMalformedQuery(String soql) {
        assertEquals("MALFORMED_QUERY", parseError(soql).errorCode());
    }

    @Test
    void mixingAndWithOrWithoutParenthesesIsRejectedLikeSalesforce() {
        SoqlException e = parseError("SELECT Id FROM Lead WHERE Status = 'Open' AND LeadSource = 'Web' OR Email = null");
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertEquals("unexpected token: 'OR'", e.getMessage());
        assertEquals("MALFORMED_QUERY",
                parseError("SELECT Id FROM Lead WHERE Status = 'Open' OR LeadSource = 'Web' AND Email = null")
                        .errorCode());
    }

    @Test
    void reservedWordsCannotBeUsedAsFieldNames() {
        assertEquals("unexpected token: 'Limit'", parseError("SELECT Id, Limit FROM Lead").getMessage());
    }

    @Test
    void queryLongerThan100000CharactersIsRejectedBeforeParsing() {
        String padding = " ".repeat(SoqlQuery.MAX_LENGTH);
        SoqlException e = parseError("SELECT Id FROM Lead" + padding);
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertTrue(e.getMessage().startsWith("Query is too long"), e.getMessage());
    }

    @Test
    void queryOfExactly100000CharactersIsAccepted() {
        String base = "SELECT Id FROM Lead";
        SoqlQuery q = SoqlQuery.parse(base + " ".repeat(SoqlQuery.MAX_LENGTH - base.length()));
        assertEquals(4, q.execute(ds, false).totalSize());
    }

    @Test
    void stringLiteralLongerThan4000CharactersIsRejected() {
        SoqlException e = parseError("SELECT Id FROM Lead WHERE Description = '" + "x".repeat(4001) + "'");
        assertEquals("MALFORMED_QUERY", e.errorCode());
        assertTrue(e.getMessage().contains("4000"), e.getMessage());
        assertEquals(0, query("SELECT Id FROM Lead WHERE Description = '" + "x".repeat(4000) + "'").totalSize());
    }

    @Test
    void offsetAbove2000IsNumberOutsideValidRange() {
        SoqlException e = parseError("SELECT Id FROM Lead LIMIT 10 OFFSET 2001");
        assertEquals("NUMBER_OUTSIDE_VALID_RANGE", e.errorCode());
        assertEquals("Maximum SOQL offset allowed is 2000", e.getMessage());
        SoqlQuery.parse("SELECT Id FROM Lead OFFSET 2000");
    }

    @Test
    void illegalEscapeNamesTheSequence() {
        SoqlException e = parseError("SELECT Id FROM Lead WHERE Email = 'a\\qb'");
        assertTrue(e.getMessage().contains("Illegal character sequence '\\q'"), e.getMessage());
    }

    @Test
    void parsingDoesNotNeedTheSchemaButExecutionValidatesIt() {
        SoqlQuery q = SoqlQuery.parse("SELECT Nope FROM Nothing");
        assertEquals("Nothing", q.objectName());
        assertEquals("INVALID_TYPE", assertThrows(SoqlException.class, () -> q.execute(ds, false)).errorCode());
    }

    @Test
    void countQueryIsRecognisedAfterParsing() {
        assertTrue(SoqlQuery.parse("select count() from Lead").isCountQuery());
        assertFalse(SoqlQuery.parse("select Id from Lead").isCountQuery());
    }

    @Test
    void forViewAndForReferenceAreAcceptedAndIgnored() {
        assertEquals(4, query("SELECT Id FROM Lead FOR VIEW").totalSize());
        assertEquals(4, query("SELECT Id FROM Lead LIMIT 10 FOR REFERENCE").totalSize());
    }

    @Test
    void datetimeWithoutTimeZoneIsReportedAsOneToken() {
        assertEquals("unexpected token: '2026-01-01T00:00:00'",
                parseError("SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00").getMessage());
    }

    @Test
    void impossibleCalendarDateIsMalformed() {
        assertEquals("MALFORMED_QUERY", parseError("SELECT Id FROM Lead WHERE LastActivityDate = 2026-02-30").errorCode());
        assertEquals("MALFORMED_QUERY", parseError("SELECT Id FROM Lead WHERE CreatedDate = 2026-13-01T00:00:00Z").errorCode());
    }
}
