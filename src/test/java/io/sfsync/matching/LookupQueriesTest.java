package io.sfsync.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The lookup SOQL both the match step and the API's lookup send. */
class LookupQueriesTest {

    @Test
    void peopleAreLookedUpByIdExternalIdAndEmailInOneQuery() {
        assertThat(LookupQueries.people("Lead", List.of("Id", "Email"), List.of("00Q1"), "Ext__c", List.of("7"),
                List.of("a@x.example")))
                .isEqualTo("SELECT Id, Email FROM Lead WHERE Id IN ('00Q1') OR Ext__c IN ('7') OR Email IN ('a@x.example')");
    }

    @Test
    void anExternalIdWithoutAFieldIsNotAskedForAndNothingToLookForIsNoQuery() {
        assertThat(LookupQueries.people("Contact", List.of("Id"), List.of(), null, List.of("7"), List.of("a@x.example")))
                .isEqualTo("SELECT Id FROM Contact WHERE Email IN ('a@x.example')");
        assertThat(LookupQueries.people("Contact", List.of("Id"), List.of(), null, List.of(), List.of())).isNull();
        assertThat(LookupQueries.accounts(List.of("Id"), List.of(), List.of())).isNull();
    }

    @Test
    void accountsAreLookedUpByNameAndWebsiteDomainWithQuotesEscaped() {
        assertThat(LookupQueries.accounts(List.of("Id", "Website"), List.of("O'Brien & Co"), List.of("acme.com")))
                .isEqualTo("SELECT Id, Website FROM Account WHERE Name IN ('O\\'Brien & Co') OR Website LIKE '%acme.com%'");
    }
}
