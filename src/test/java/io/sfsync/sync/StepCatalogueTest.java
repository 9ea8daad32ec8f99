package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's step catalogue is the steps' own definitions, and every step the shipped flows name is
 * defined: a step added, renamed or dropped without the other side fails here.
 */
class StepCatalogueTest {

    @Test
    void theReadmeCatalogueIsTheStepDefinitions() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- step-catalogue:start -->\n(.*?)<!-- step-catalogue:end -->", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the step-catalogue markers").isTrue();
        assertThat(m.group(1)).as("README step catalogue (regenerate: SyncSteps.markdownCatalogue())")
                .isEqualTo(SyncSteps.markdownCatalogue());
    }

    /** The shipped Kamelets (routes/kamelets) as the README lists them: one table per Kamelet, from its definition. */
    static String kameletCatalogue() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        StringBuilder sb = new StringBuilder();
        java.util.List<Path> files;
        try (var list = Files.list(Path.of("routes/kamelets"))) {
            files = list.filter(p -> p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
        for (Path f : files) {
            var k = yaml.readTree(f.toFile());
            var def = k.path("spec").path("definition");
            java.util.Set<String> required = new java.util.HashSet<>();
            def.path("required").forEach(r -> required.add(r.asText()));
            sb.append("#### `kamelet:").append(k.path("metadata").path("name").asText()).append("` — ")
                    .append(def.path("title").asText()).append("\n\n").append(def.path("description").asText())
                    .append("\n\n| parameter | type | default | example | what it is |\n|---|---|---|---|---|\n");
            def.path("properties").fields().forEachRemaining(p -> sb.append("| `").append(p.getKey()).append('`')
                    .append(required.contains(p.getKey()) ? " (required)" : "").append(" | ")
                    .append(p.getValue().path("type").asText()).append(" | ")
                    .append(p.getValue().has("default") ? "`" + p.getValue().path("default").asText() + "`" : "-")
                    .append(" | `").append(p.getValue().path("example").asText().replace("|", "\\|")).append("` | ")
                    .append(p.getValue().path("description").asText()).append(" |\n"));
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void theReadmeListsTheShippedKameletsAsTheyAreDefined() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- kamelet-catalogue:start -->\n(.*?)<!-- kamelet-catalogue:end -->", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the kamelet-catalogue markers").isTrue();
        assertThat(m.group(1)).isEqualTo(kameletCatalogue());
    }

    @Test
    void everyHeaderAndPropertyTheRoutesNameIsOneExchangeKeysNames() throws Exception {
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : io.sfsync.exchange.ExchangeKeys.class.getFields()) {
            named.add((String) f.get(null));
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        try (var files = Files.walk(Path.of("routes"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Matcher m = Pattern.compile("\\bSfsync[A-Z][A-Za-z]+\\b").matcher(Files.readString(p));
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(named).containsAll(used);
    }

    @Test
    void theReadmeFailureTableIsTheFailurePolicy() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- failure-policy:start -->\n(.*?)<!-- failure-policy:end -->", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the failure-policy markers").isTrue();
        assertThat(m.group(1)).isEqualTo(io.sfsync.salesforce.FailurePolicy.markdownTable());
    }

    @Test
    void everyStepTheShippedFlowsNameIsInTheCatalogueAndTheOtherWayRound() throws Exception {
        String flow = Files.readString(Path.of("routes/outbound-sync.camel.yaml"))
                + Files.readString(Path.of("routes/inbound-sync.camel.yaml"))
                + Files.readString(Path.of("routes/activities-sync.camel.yaml"));
        java.util.Set<String> named = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("- to: (direct:sfsync-[a-z-]+)").matcher(flow);
        while (m.find()) {
            named.add(m.group(1));
        }
        java.util.Set<String> defined = new java.util.TreeSet<>();
        SyncSteps.CATALOGUE.forEach(s -> defined.add(s.endpoint()));
        defined.remove(SyncSteps.DEAD_LETTER); // named by the route configuration, not by a `to:`
        assertThat(named.remove(SyncSteps.ACTIVITIES_FLOW)).as("the people's flows call the activities flow").isTrue();
        assertThat(named).isEqualTo(defined);
        String errors = Files.readString(Path.of("routes/sync-errors.camel.yaml"));
        assertThat(errors).contains("deadLetterUri: " + SyncSteps.DEAD_LETTER);
        // the call redelivery declared there backs off as the failure policy says
        assertThat(errors).contains("backOffMultiplier: " + io.sfsync.salesforce.FailurePolicy.BACKOFF_MULTIPLIER);
    }
}
