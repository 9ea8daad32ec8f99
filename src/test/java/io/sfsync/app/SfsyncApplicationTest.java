package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Camel Main application as `sfsync serve --emulator` runs it: real config, real YAML routes. */
class SfsyncApplicationTest {

    @Test
    void loadsTheYamlRoutesAndReadsLimitsFromTheEmbeddedEmulator() throws Exception {
        SfsyncApplication app = new SfsyncApplication(Path.of("config"), Path.of("routes"), true);
        Main main = app.createMain();
        main.addOverrideProperty("sfsync.limits.poll-period", "200");
        try {
            main.start();
            CamelContext camel = main.getCamelContext();
            assertThat(camel.getRoute("salesforce-limits-watch")).isNotNull();
            NotifyBuilder twoPolls = new NotifyBuilder(camel).fromRoute("salesforce-limits-watch").whenCompleted(2).create();
            assertThat(twoPolls.matches(20, TimeUnit.SECONDS)).isTrue();
            // each poll is one GET /limits against the org's daily allowance
            assertThat(app.emulator().calls().snapshot()).containsKey("GET /limits");
            assertThat(app.emulator().limits().used()).isGreaterThanOrEqualTo(2);
        } finally {
            main.stop();
            app.emulator().stop();
        }
    }

    @Test
    void refusesToStartWithoutItsConfiguration(@TempDir Path empty) {
        assertThatThrownBy(() -> new SfsyncApplication(empty, Path.of("routes"), false).createMain())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application.properties");
    }
}
