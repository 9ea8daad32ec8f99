package io.sfsync.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Which package may know which: the wiring (app) knows the parts; the parts do not know the wiring. */
class PackageDependenciesTest {

    /** Every mention (import or fully qualified name) of {@code other} in the sources of {@code pkg}. */
    private static List<String> mentions(String pkg, String other) throws IOException {
        Path root = Path.of("src/main/java/io/sfsync").resolve(pkg);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.contains("io.sfsync." + other + "."))
                            .map(l -> p.getFileName() + ": " + l.trim());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theApiWorksOnItsBackendAndKnowsNothingOfTheRuntimeThatWiresIt() throws IOException {
        assertThat(mentions("api", "app")).isEmpty();
    }

    @Test
    void theInboundEngineKnowsNeitherTheStepsNorTheRuntimeNorTheApi() throws IOException {
        assertThat(mentions("inbound", "sync")).isEmpty();
        assertThat(mentions("inbound", "app")).isEmpty();
        assertThat(mentions("inbound", "api")).isEmpty();
    }

    @Test
    void theActivitiesEngineKnowsNeitherTheStepsNorTheRuntimeNorTheApiNorTheInboundEngine() throws IOException {
        assertThat(mentions("activities", "sync")).isEmpty();
        assertThat(mentions("activities", "app")).isEmpty();
        assertThat(mentions("activities", "api")).isEmpty();
        assertThat(mentions("activities", "inbound")).isEmpty();
    }

    @Test
    void theSyncStepsKnowNeitherTheRuntimeNorTheApi() throws IOException {
        assertThat(mentions("sync", "app")).isEmpty();
        assertThat(mentions("sync", "api")).isEmpty();
        assertThat(mentions("sync", "cli")).isEmpty();
    }
}
