package io.sfsync.app;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.emulator.SalesforceEmulator;

/**
 * The Camel Main application behind {@code sfsync serve}: properties from
 * config/application.properties (secrets only through environment placeholders), YAML routes from
 * routes/ (hot-reloaded), and optionally the bundled Salesforce emulator in-process with
 * camel-salesforce pointed at it.
 */
public final class SfsyncApplication {
    private static final Logger LOG = LoggerFactory.getLogger(SfsyncApplication.class);

    private final Path configDir;
    private final Path routesDir;
    private final boolean embeddedEmulator;
    private SalesforceEmulator emulator;

    public SfsyncApplication(Path configDir, Path routesDir, boolean embeddedEmulator) {
        this.configDir = configDir;
        this.routesDir = routesDir;
        this.embeddedEmulator = embeddedEmulator;
    }

    /** A configured but not yet started Camel Main. */
    public Main createMain() {
        Path properties = configDir.resolve("application.properties");
        if (!Files.isRegularFile(properties)) {
            throw new IllegalArgumentException("No " + properties.toAbsolutePath()
                    + ": run from the sfsync directory or pass --config");
        }
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + properties.toAbsolutePath());
        String routes = routesDir.toAbsolutePath().toString();
        main.addOverrideProperty("camel.main.routesIncludePattern", "file:" + routes + "/*.camel.yaml");
        main.addOverrideProperty("camel.main.routesReloadDirectory", routes);
        if (embeddedEmulator) {
            emulator = SalesforceEmulator.builder().build().start();
            LOG.info("Embedded Salesforce emulator at {}", emulator.loginUrl());
            main.addOverrideProperty("camel.component.salesforce.loginUrl", emulator.loginUrl());
            main.addOverrideProperty("camel.component.salesforce.authenticationType", "CLIENT_CREDENTIALS");
            main.addOverrideProperty("camel.component.salesforce.clientId", emulator.credentials().clientId());
            main.addOverrideProperty("camel.component.salesforce.clientSecret", emulator.credentials().clientSecret());
        }
        return main;
    }

    public SalesforceEmulator emulator() {
        return emulator;
    }

    /** Runs until the JVM is asked to stop. */
    public int run() throws Exception {
        Main main = createMain();
        try {
            main.run();
            return main.getExitCode();
        } finally {
            if (emulator != null) {
                emulator.stop();
            }
        }
    }
}
