package io.sfsync.cli;

import java.nio.file.Path;
import java.util.Map;

import io.sfsync.app.SfsyncRuntime;
import picocli.CommandLine.Option;

/** Where sfsync's files are, and whether to bring the bundled Salesforce emulator. */
final class RuntimeOptions {
    @Option(names = "--config", defaultValue = "config", description = "Configuration directory. Default: ${DEFAULT-VALUE}.")
    Path configDir;

    @Option(names = "--routes", defaultValue = "routes", description = "YAML routes directory. Default: ${DEFAULT-VALUE}.")
    Path routesDir;

    @Option(names = "--emulator", description = "Start the bundled Salesforce emulator in-process and sync to it.")
    boolean emulator;

    @Option(names = "--demo", description = "Create the demo schema and seed an empty source with demo people"
            + " (and, with --emulator, the emulator with the demo org).")
    boolean demo;

    @Option(names = "--verbose", description = "One-off commands: print the framework's and sfsync's logs too"
            + " (by default only warnings, errors, progress and the verdict).")
    boolean verbose;

    SfsyncRuntime.Options toOptions(boolean schedules) {
        if (!schedules && !verbose) {
            io.sfsync.app.LoggingSetup.warningsOnly();
        }
        // a one-off command starts nothing it does not need: no HTTP server (API, console), no Hawtio, no JMX
        // (Hawtio's), no route metrics (nothing scrapes them), no route reloading, no limits timer (its run's
        // opening call reads the limits), so it reaches its first Salesforce call sooner and never clashes
        // with a running service over a port
        return new SfsyncRuntime.Options(configDir, routesDir, emulator, demo, schedules, schedules ? Map.of()
                : Map.of("sfsync.limits.watch", "false", "sfsync.hawtio.enabled", "false",
                        "camel.main.routes-reload-enabled", "false", "camel.server.enabled", "false",
                        "camel.main.jmx-enabled", "false", "camel.metrics.enabled", "false",
                        SfsyncRuntime.API_ENABLED, "false"));
    }
}
