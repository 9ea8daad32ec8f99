package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sfsync as `serve --emulator` starts it: the real config, the YAML routes, the schedules. */
class SfsyncRuntimeTest {

    @Test
    void startsTheYamlRoutesAndSchedulesAndReadsLimitsFromTheEmbeddedEmulator(@TempDir Path dir) {
        try (SfsyncRuntime rt = SfsyncRuntime.start(withEmulatorPollingLimitsFast(dir))) {
            CamelContext camel = rt.camel();
            assertThat(camel.getRoute("outbound-sync")).isNotNull();
            assertThat(camel.getRoute("people-schedule")).isNotNull();
            assertThat(camel.getRoute("dead-letter-to-sync-log")).isNotNull();
            NotifyBuilder twoPolls = new NotifyBuilder(camel).fromRoute("salesforce-limits-watch").whenCompleted(2).create();
            assertThat(twoPolls.matches(20, TimeUnit.SECONDS)).isTrue();
            // each poll is one GET /limits against the org's daily allowance
            assertThat(rt.emulator().calls().snapshot()).containsKey("GET /limits");
        }
    }

    @Test
    void aLimitsReadingThatFailsIsAWarningAndTheWatchGoesOn(@TempDir Path dir) {
        try (SfsyncRuntime rt = SfsyncRuntime.start(withEmulatorPollingLimitsFast(dir))) {
            rt.emulator().faults().add(new io.sfsync.emulator.control.Faults.Rule(
                    io.sfsync.emulator.control.Faults.Kind.SERVER_UNAVAILABLE, 1.0, 1000, "limits$", "GET"));
            NotifyBuilder failed = new NotifyBuilder(rt.camel()).fromRoute("salesforce-limits-watch").whenFailed(1).create();
            NotifyBuilder handled = new NotifyBuilder(rt.camel()).fromRoute("salesforce-limits-watch").whenCompleted(3)
                    .create();
            assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
            assertThat(failed.matches(0, TimeUnit.SECONDS)).isFalse();
        }
    }

    /** serve --emulator as shipped, on a database of its own, reading limits every 200 ms. */
    private static SfsyncRuntime.Options withEmulatorPollingLimitsFast(Path dir) {
        return SfsyncRuntime.Options.defaults().withEmulator(true).withOverrides(Map.of(
                "sfsync.limits.poll-period", "200",
                "sfsync.source.url", "jdbc:h2:file:" + dir.resolve("db") + ";AUTO_SERVER=TRUE",
                "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
    }

    @Test
    void refusesToStartWithoutItsConfiguration(@TempDir Path empty) {
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(empty, Path.of("routes"), false, false, false, Map.of());
        assertThatThrownBy(() -> SfsyncRuntime.start(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application.properties");
    }
}
