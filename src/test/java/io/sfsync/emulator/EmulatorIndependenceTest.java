package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The emulator imports nothing from the sync code, and the sync code only knows a login URL. */
class EmulatorIndependenceTest {

    private static List<String> violations(Path root, String forbiddenPrefix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.startsWith("import " + forbiddenPrefix))
                            .map(l -> root.relativize(p) + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theEmulatorImportsNothingFromTheSyncCode() throws IOException {
        Path emulator = Path.of("src/main/java/io/sfsync/emulator");
        try (Stream<Path> files = Files.walk(emulator)) {
            List<String> bad = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream()
                            .filter(l -> l.startsWith("import io.sfsync.") && !l.startsWith("import io.sfsync.emulator."))
                            .map(l -> p + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(bad).isEmpty();
        }
    }

    @Test
    void theSyncCodeDoesNotImportTheEmulator() throws IOException {
        for (String pkg : List.of("sync", "mapping", "matching", "salesforce", "synclog", "source", "config", "routes")) {
            assertThat(violations(Path.of("src/main/java/io/sfsync", pkg), "io.sfsync.emulator")).as(pkg).isEmpty();
        }
    }
}
