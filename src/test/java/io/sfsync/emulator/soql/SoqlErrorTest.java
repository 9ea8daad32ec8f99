package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoqlErrorTest extends SoqlTestSupport {

    @Test
    void unknownObjectIsInvalidType() {
        SoqlException e = error("SELECT Id FROM Foo");
        assertEquals("INVALID_TYPE", e.errorCode());
        assertTrue(e.getMessage().startsWith("sObject type 'Foo' is not supported."), e.getMessage());
    }

    @Test
    void unknownFieldIsInvalidFieldWithSalesforcesMessage() {
        SoqlException e = error("SELECT Id, Foo FROM Lead");
        assertEquals("INVALID_FIELD", e.errorCode());
        assertEquals("No such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure"
                + " to append the '__c' after the custom field name. Please reference your WSDL or the describe call"
                + " for the appropriate names.", e.getMessage());
    }

    @Test
    void objectNameInErrorIsCanonical() {
        assertTrue(error("SELECT Foo FROM lead").getMessage().startsWith("No such column 'Foo' on entity 'Lead'."));
    }

    @Test
    void unknownFieldInWhereOrderByOrAggregateIsInvalidField() {
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE Foo = 'x'");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead ORDER BY Foo");
        assertError("INVALID_FIELD", "SELECT MAX(Foo) FROM Lead");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead GROUP BY Foo");
    }

    @Test
    void unknownFieldOnParentNamesTheParentEntity() {
        SoqlException e = error("SELECT Account.Foo FROM Contact");
        assertEquals("INVALID_FIELD", e.errorCode());
        assertTrue(e.getMessage().startsWith("No such column 'Foo' on entity 'Account'."), e.getMessage());
    }

    @Test
    void unknownRelationshipIsInvalidField() {
        SoqlException e = error("SELECT Foo.Email FROM Lead");
        assertEquals("INVALID_FIELD", e.errorCode());
        assertTrue(e.getMessage().startsWith("Didn't understand relationship 'Foo' in field path."), e.getMessage());
        assertError("INVALID_FIELD", "SELECT Id FROM Lead WHERE Owner.Foo.Email = 'x'");
        assertError("INVALID_FIELD", "SELECT Id FROM Lead ORDER BY Foo.Email");
    }

    @Test
    void referenceFieldNameIsNotARelationshipName() {
        SoqlException e = error("SELECT OwnerId.Email FROM Lead");
        assertTrue(e.getMessage().startsWith("Didn't understand relationship 'OwnerId'"), e.getMessage());
    }

    @Test
    void relationshipNameAloneIsNotAColumn() {
        SoqlException e = error("SELECT Owner FROM Lead");
        assertEquals("INVALID_FIELD", e.errorCode());
        assertTrue(e.getMessage().startsWith("No such column 'Owner' on entity 'Lead'."), e.getMessage());
    }

    @Test
    void selectErrorsAreReportedBeforeWhereErrors() {
        assertTrue(error("SELECT Foo FROM Lead WHERE Bar = 1").getMessage().contains("'Foo'"));
    }

    @Test
    void pathDeeperThanFiveRelationshipsIsMalformed() {
        assertError("MALFORMED_QUERY", "SELECT Owner.Manager.Manager.Manager.Manager.Manager.Email FROM Lead");
        assertEquals(0, query("SELECT Id FROM Lead WHERE Owner.Manager.Manager.Manager.Manager.Email = 'x'")
                .totalSize());
    }
}
