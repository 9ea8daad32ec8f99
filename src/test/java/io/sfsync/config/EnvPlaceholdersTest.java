package io.sfsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.AppProperties;

/**
 * One resolver for {@code {{env:…}}} in sync.yaml and application.properties: it answers as Camel's properties
 * component does, and a variable that is not set and has no default is the same problem in both files,
 * naming the variable and where it was used.
 */
class EnvPlaceholdersTest {
    private static final String UNSET = "SFSYNC_TEST_NEVER_SET";

    @TempDir
    Path dir;

    @Test
    void resolvesAsCamelsEnvFunctionDoes() throws Exception {
        String name = System.getenv().keySet().stream().filter(k -> k.matches("[A-Z][A-Z0-9_]*")
                && !System.getenv(k).contains("}}")).sorted().findFirst().orElseThrow();
        assertThat(System.getenv(UNSET)).isNull();
        EnvPlaceholders ours = new EnvPlaceholders(System::getenv);
        try (CamelContext camel = new DefaultCamelContext()) {
            for (String text : List.of("{{env:" + name + "}}", "a-{{env:" + name.toLowerCase(Locale.ROOT) + "}}-b",
                    "{{env:" + UNSET + ":fallback}}", "{{env:" + UNSET + ":}}", "{{env:" + UNSET + ":http://127.0.0.1:8089}}",
                    "{{env:" + name + ":unused}}/{{env:" + UNSET + ":x}}")) {
                List<String> problems = new ArrayList<>();
                assertThat(ours.resolve(text, "k", problems)).as(text).isEqualTo(camel.resolvePropertyPlaceholders(text));
                assertThat(problems).as(text).isEmpty();
            }
            String missing = "{{env:" + UNSET + "}}";
            assertThatThrownBy(() -> camel.resolvePropertyPlaceholders(missing)).isInstanceOf(IllegalArgumentException.class);
            List<String> problems = new ArrayList<>();
            ours.resolve(missing, "k", problems);
            assertThat(problems).containsExactly("k: environment variable " + UNSET + " is not set (used in '" + missing
                    + "'; set it, or give a default: {{env:" + UNSET + ":value}})");
        }
    }

    @Test
    void aMissingVariableInApplicationPropertiesNamesItsKeyAndTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"),
                "sfsync.source.url = jdbc:h2:mem:x\nsfsync.source.user = {{env:" + UNSET + "}}\n"
                        + "sfsync.source.password = {{env:" + UNSET + "_TOO}}\n");
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class,
                () -> new AppProperties(file, Map.of(), name -> null));
        assertThat(e.problems()).containsExactly(
                "sfsync.source.password: environment variable " + UNSET + "_TOO is not set (used in '{{env:" + UNSET
                        + "_TOO}}'; set it, or give a default: {{env:" + UNSET + "_TOO:value}})",
                "sfsync.source.user: environment variable " + UNSET + " is not set (used in '{{env:" + UNSET
                        + "}}'; set it, or give a default: {{env:" + UNSET + ":value}})");
        assertThat(e.getMessage()).startsWith(file + " has 2 problems:");
    }

    @Test
    void applicationPropertiesTakeTheVariableOrElseItsDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"),
                "a = {{env:SET}}\nb = {{env:" + UNSET + ":sa}}\nc = {{env:" + UNSET + ":}}\nd = jdbc:{{env:SET}}:{{env:"
                        + UNSET + ":8089}}\n");
        AppProperties props = new AppProperties(file, Map.of(), Map.of("SET", "value")::get);
        assertThat(props.get("a", null)).isEqualTo("value");
        assertThat(props.get("b", null)).isEqualTo("sa");
        assertThat(props.get("c", "unused")).isEmpty();
        assertThat(props.get("d", null)).isEqualTo("jdbc:value:8089");
        assertThat(props.get("e", "absent")).isEqualTo("absent");
    }

    @Test
    void syncYamlAnswersAMissingVariableAsApplicationPropertiesDoesWithItsConfigPath() throws Exception {
        String yaml = """
                salesforce: {environment: custom, loginUrl: "{{env:%s}}"}
                jobs:
                  people:
                    source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                    matchBy: [link, email]
                    createAs: Contact
                    matchIn: [Contact]
                    fields:
                      Contact: {LastName: {from: last_name}}
                """;
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class,
                () -> new SyncConfigLoader(name -> null).parse(yaml.formatted(UNSET), "sync.yaml"));
        Path file = Files.writeString(dir.resolve("application.properties"), "sfsync.login-url = {{env:" + UNSET + "}}\n");
        var p = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class,
                () -> new AppProperties(file, Map.of(), name -> null));
        String problem = "environment variable " + UNSET + " is not set (used in '{{env:" + UNSET + "}}'; set it, or give a"
                + " default: {{env:" + UNSET + ":value}})";
        assertThat(e.problems()).contains("salesforce.loginUrl: " + problem);
        assertThat(p.problems()).containsExactly("sfsync.login-url: " + problem);
        assertThat(new SyncConfigLoader(name -> null).parse(yaml.formatted(UNSET + ":http://127.0.0.1:8089"), "sync.yaml")
                .salesforce().loginUrl()).isEqualTo("http://127.0.0.1:8089");
    }
}
