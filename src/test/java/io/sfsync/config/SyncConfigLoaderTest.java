package io.sfsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SyncConfigLoaderTest {
    private static final String MINIMAL = """
            jobs:
              people:
                source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                externalIdField: Sfsync_Person_Id__c
                fields:
                  Lead:
                    LastName: {from: last_name}
                    Title: {from: title, overwrite: %s}
                  Contact:
                    LastName: {from: last_name}
            """;

    private final SyncConfigLoader loader = new SyncConfigLoader(Map.of("SF_URL", "https://acme.my.salesforce.com")::get);

    @Test
    void theShippedConfigurationIsValid() {
        SyncConfig config = new SyncConfigLoader(name -> null).load(Path.of("config/sync.yaml"));
        JobConfig people = config.job("people");
        assertThat(people.createAs()).isEqualTo("Lead");
        assertThat(people.matchIn()).containsExactly("Contact", "Lead");
        assertThat(people.cron()).isEqualTo("0 0/10 * * * ?");
        assertThat(people.fieldsOf("Lead")).extracting(FieldRule::field).contains("Email", "Company", "Sfsync_Person_Id__c");
    }

    @Test
    void aBadValueIsReportedWithItsPath() {
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class,
                () -> loader.parse(MINIMAL.formatted("sometimes"), "sync.yaml"));
        assertThat(e.problems()).containsExactly(
                "jobs.people.fields.Lead.Title.overwrite: 'sometimes' is not one of always|if_blank|never|when");
    }

    @Test
    void everyProblemIsReportedInOnePass() {
        String yaml = """
                salesforce: {environment: custom, auth: magic, dailyApiBudget: lots}
                jobs:
                  people:
                    every: fortnightly
                    colour: blue
                    source: {query: "SELECT 1", key: id}
                    createAs: Opportunity
                    fields:
                      Lead:
                        Title: {overwrite: when}
                """;
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class, () -> loader.parse(yaml, "sync.yaml"));
        assertThat(e.problems()).contains(
                "salesforce.loginUrl: is required when environment is custom (My Domain or the emulator)",
                "salesforce.auth: 'magic' is not one of client_credentials|jwt|refresh_token|password",
                "salesforce.dailyApiBudget: 'lots' is not a share like 50%",
                "jobs.people.every: 'fortnightly' is not a period like 1m, 5m, 10m, 1h",
                "jobs.people.source.changedAt: is required",
                "jobs.people.createAs: 'Opportunity' is not one of Lead|Contact",
                "jobs.people.fields.Lead.Title: needs from (a source column) or value (a constant)",
                "jobs.people.fields.Lead.Title.when: is required when overwrite is when");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jobs.people.colour: unknown setting (known: "));
        assertThat(e.getMessage()).startsWith("sync.yaml has " + e.problems().size() + " problems:");
    }

    @Test
    void environmentPlaceholdersAreResolvedAndMissingOnesReported() {
        String yaml = "salesforce: {environment: custom, loginUrl: \"{{env:SF_URL}}\"}\n"
                + MINIMAL.formatted("if_blank");
        assertThat(loader.parse(yaml, "s").salesforce().resolvedLoginUrl()).isEqualTo("https://acme.my.salesforce.com");
        String missing = "salesforce: {environment: custom, loginUrl: \"{{env:NOPE}}\"}\n" + MINIMAL.formatted("if_blank");
        assertThatThrownBy(() -> loader.parse(missing, "s")).hasMessageContaining("environment variable NOPE is not set");
        String defaulted = "salesforce: {environment: custom, loginUrl: \"{{env:NOPE:http://127.0.0.1:8089}}\"}\n"
                + MINIMAL.formatted("if_blank");
        assertThat(loader.parse(defaulted, "s").salesforce().loginUrl()).isEqualTo("http://127.0.0.1:8089");
    }

    @Test
    void schedulesOwnershipFallbacksAndConditionsAreParsed() {
        String yaml = """
                jobs:
                  a: &a
                    every: 5m
                    source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                    matchBy: [link, email]
                    ownership: {ownerFrom: owner_email, fallback: "queue:Inbound Leads"}
                    fields:
                      Lead:
                        Status: {value: Working, overwrite: when, when: "Status in [Open - Not Contacted, New]"}
                      Contact:
                        LastName: {from: last_name}
                  b:
                    <<: *a
                    schedule: "0 15 * * * ?"
                    every: null
                    ownership: {fallback: "user:rep@corp.example", updateRegardlessOfOwnership: true}
                """;
        SyncConfig c = loader.parse(yaml, "s");
        assertThat(c.job("a").cron()).isEqualTo("0 0/5 * * * ?");
        assertThat(c.job("a").ownership().fallback()).isEqualTo(OwnershipConfig.Fallback.QUEUE);
        assertThat(c.job("a").ownership().fallbackTarget()).isEqualTo("Inbound Leads");
        FieldRule.Condition when = c.job("a").fieldsOf("Lead").get(0).when();
        assertThat(when.test("New")).isTrue();
        assertThat(when.test("Working - Contacted")).isFalse();
        assertThat(c.job("b").cron()).isEqualTo("0 15 * * * ?");
        assertThat(c.job("b").ownership().fallbackTarget()).isEqualTo("rep@corp.example");
        assertThat(c.job("b").ownership().updateRegardlessOfOwnership()).isTrue();
        assertThat(c.job("b").fieldsOf("Lead")).hasSize(1);
    }

    @Test
    void malformedYamlIsOneClearProblem() {
        assertThatThrownBy(() -> loader.parse("jobs: [unclosed", "sync.yaml"))
                .isInstanceOf(SyncConfigLoader.InvalidConfigException.class)
                .hasMessageContaining("is not valid YAML");
    }
}
