package io.sfsync.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How a Contact's company is found among the looked-up Accounts, and how a missing one is created. */
class AccountIndexTest {
    private static final Map<String, Object> ACME_OLD = Map.of("Id", "001A", "Name", "Acme", "Website", "https://www.acme.com");
    private static final Map<String, Object> ACME_NEW = Map.of("Id", "001B", "Name", "ACME Corp", "Website", "acme.com/about");
    private static final Map<String, Object> GLOBEX = Map.of("Id", "001G", "Name", "Globex");

    private final AccountIndex index = new AccountIndex(List.of(ACME_OLD, ACME_NEW, GLOBEX));

    @Test
    void byDomainTheOldestAccountOfTheDomainWins() {
        assertThat(index.find(List.of("domain", "name"), "acme.com", "Anything")).isEqualTo(ACME_OLD);
    }

    @Test
    void byNameWhenTheDomainIsNotFoundOrNotAsked() {
        assertThat(index.find(List.of("domain", "name"), "globex.example", "  globex ")).isEqualTo(GLOBEX);
        assertThat(index.find(List.of("name"), "acme.com", "ACME Corp")).isEqualTo(ACME_NEW);
        assertThat(index.find(List.of("domain"), "globex.example", "Globex")).isNull();
    }

    @Test
    void aMissingCompanyIsKnownByItsDomainElseItsNameAndCreatedWithNameAndWebsite() {
        assertThat(AccountIndex.newAccountKey("initech.example", "Initech")).isEqualTo("d:initech.example");
        assertThat(AccountIndex.newAccountKey(null, " Initech ")).isEqualTo("n:initech");
        assertThat(AccountIndex.newAccountKey(null, null)).isNull();
        assertThat(AccountIndex.newAccountValues(Map.of("Industry", "Software"), "initech.example", null, "005U"))
                .containsEntry("Name", "initech.example").containsEntry("Website", "initech.example")
                .containsEntry("Industry", "Software").containsEntry("OwnerId", "005U");
        assertThat(AccountIndex.newAccountValues(Map.of(), null, "Initech", "00GQ"))
                .as("a queue cannot own an Account").containsEntry("Name", "Initech").doesNotContainKey("OwnerId");
    }
}
