package io.sfsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The definitions are what the loader takes: every defined key is accepted, and only those. */
class ConfigKeysTest {
    private static final String MINIMAL = """
            jobs:
              people:
                source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                externalIdField: Sfsync_Person_Id__c
                fields:
                  Lead:
                    LastName: {from: last_name}
                  Contact:
                    LastName: {from: last_name}
            """;

    private final SyncConfigLoader loader = new SyncConfigLoader(Map.<String, String>of()::get);

    private List<String> problems(String yaml) {
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class, () -> loader.parse(yaml, "sync.yaml"));
        assertThat(e).as("sync.yaml should be rejected:%n%s", yaml).isNotNull();
        return e.problems();
    }

    @Test
    void everyDefinedJobSettingIsAKeyTheLoaderTakes() {
        StringBuilder yaml = new StringBuilder(MINIMAL);
        for (String key : ConfigKeys.Job.SECTION.known()) {
            if (!MINIMAL.contains("    " + key + ":")) {
                // an empty value reads as the default: only the key is on trial
                yaml.insert(MINIMAL.indexOf("    source:"), "    " + key + ":\n");
            }
        }
        assertThat(loader.parse(yaml.toString(), "s").job("people").batchSize()).isEqualTo(1000);
    }

    @Test
    void aKeyWithoutADefinitionIsRefusedNamingTheDefinedOnes() {
        String yaml = MINIMAL.replace("    source:", "    colour: blue\n    source:")
                .replace("changedAt: updated_at}", "changedAt: updated_at, since: 0}")
                .replaceFirst("LastName: \\{from: last_name}", "LastName: {from: last_name, colour: red}");
        assertThat(problems(yaml)).containsExactly(
                "jobs.people.colour: unknown setting (known: " + sorted(ConfigKeys.Job.SECTION) + ")",
                "jobs.people.source.since: unknown setting (known: " + sorted(ConfigKeys.Source.SECTION) + ")",
                "jobs.people.fields.Lead.LastName.colour: unknown setting (known: " + sorted(ConfigKeys.Field.SECTION) + ")");
        assertThat(sorted(ConfigKeys.Source.SECTION)).isEqualTo("changedAt, key, overlapSeconds, query");
    }

    @Test
    void aDefaultComesFromItsDefinition() {
        JobConfig people = loader.parse(MINIMAL, "s").job("people");
        assertThat(people.source().overlapSeconds()).isEqualTo(Integer.parseInt(ConfigKeys.Source.OVERLAP_SECONDS.defaultText()));
        assertThat(String.valueOf(people.batchSize())).isEqualTo(ConfigKeys.Job.BATCH_SIZE.defaultText());
        assertThat(people.mode().name().toLowerCase()).isEqualTo(ConfigKeys.Job.MODE.defaultText());
        assertThat(people.cron()).isEqualTo(ConfigKeys.EVERY.get(ConfigKeys.Job.EVERY.defaultText()));
    }

    private static String sorted(Section section) {
        return String.join(", ", section.known().stream().sorted().toList());
    }
}
