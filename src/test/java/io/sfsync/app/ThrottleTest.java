package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.sync.RunContext;

/** salesforce.maxCallsPerSecond: calls wait their turn instead of bursting. */
class ThrottleTest {

    @Test
    void callsAreSpacedToTheConfiguredRate(@TempDir Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.copy(Path.of("config/application.properties"), config.resolve("application.properties"));
        Files.writeString(config.resolve("sync.yaml"), Files.readString(Path.of("config/sync.yaml"))
                .replace("  dailyApiBudget: 50%", "  dailyApiBudget: 50%\n  maxCallsPerSecond: 2"));
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(config, Path.of("routes"), true, true, false,
                Map.of("sfsync.source.url", "jdbc:h2:mem:throttle;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "30",
                        "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            assertThat(rt.camel().getRoute("salesforce-call-throttle")).isNotNull();
            long start = System.nanoTime();
            RunContext run = rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(run.apiCalls()).isGreaterThanOrEqualTo(3);
            // at 2 calls a second, the third call cannot go out before a second has passed
            assertThat(millis).isGreaterThanOrEqualTo(900);
            assertThat(run.counts().created()).isPositive();
        }
    }
}
