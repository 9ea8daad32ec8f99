package io.sfsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference is the one rendered from the definitions: a setting added, renamed or
 * redocumented in ConfigKeys without the README (or the other way round) fails here. To write the README's
 * table anew: {@code mvn -q test -Dtest=ConfigReferenceTest -Dsfsync.config-reference.write=true}.
 */
class ConfigReferenceTest {
    private static final Path README = Path.of("README.md");

    @Test
    void theReadmeHoldsTheReferenceRenderedFromTheDefinitions() throws Exception {
        String readme = Files.readString(README);
        if (Boolean.getBoolean("sfsync.config-reference.write")) {
            Files.writeString(README, ConfigReference.render(readme));
            readme = Files.readString(README);
        }
        assertThat(ConfigReference.current(readme))
                .as("README.md's configuration reference differs from io.sfsync.config.ConfigKeys; write it anew with"
                        + " mvn -q test -Dtest=ConfigReferenceTest -Dsfsync.config-reference.write=true")
                .isEqualTo(ConfigReference.table());
    }

    @Test
    void everyDefinitionHasARowWithItsPathAndDoc() {
        String table = ConfigReference.table();
        List<String> paths = new ArrayList<>();
        collect(paths, "", ConfigKeys.Root.SECTION);
        for (String path : paths) {
            assertThat(table).contains("| `" + path + "` |");
        }
        assertThat(paths).contains("salesforce.dailyApiBudget", "jobs.J.source.overlapSeconds", "jobs.J.route",
                "jobs.J.fields.<Object>.<Field>.onInvalid", "alerts.apiBudgetLowPercent");
        assertThat(table.lines().filter(l -> l.startsWith("| `"))).hasSize(paths.size());
        assertThat(table).contains("| `jobs.J.batchSize` | whole number 1–10000 | 1000 | rows per batch");
    }

    @Test
    void aChangedDefinitionNoLongerMatchesTheReadme() throws Exception {
        String readme = Files.readString(README);
        String tampered = readme.replace("| `jobs.J.batchSize` | whole number 1–10000 | 1000 |",
                "| `jobs.J.batchSize` | whole number 1–10000 | 500 |");
        assertThat(tampered).isNotEqualTo(readme);
        assertThat(ConfigReference.current(tampered)).isNotEqualTo(ConfigReference.table());
        assertThat(ConfigReference.current(ConfigReference.render(tampered))).isEqualTo(ConfigReference.table());
    }

    private static void collect(List<String> paths, String prefix, Section section) {
        for (Setting<?> s : section.settings()) {
            paths.add(prefix + s.key());
            if (s.section() != null) {
                collect(paths, prefix + s.key() + "." + (s.entries() == null ? "" : s.entries() + "."), s.section());
            }
        }
    }
}
