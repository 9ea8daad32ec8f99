package io.sfsync.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sfsync serve}: the long-running service (Camel Main with the YAML routes). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs sfsync: the routes in routes/ with the settings in config/application.properties.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "config", description = "Configuration directory. Default: ${DEFAULT-VALUE}.")
    Path configDir;

    @Option(names = "--routes", defaultValue = "routes", description = "YAML routes directory. Default: ${DEFAULT-VALUE}.")
    Path routesDir;

    @Option(names = "--emulator", description = "Start the bundled Salesforce emulator in-process and sync to it.")
    boolean emulator;

    @Override
    public Integer call() throws Exception {
        return new SfsyncApplication(configDir, routesDir, emulator).run();
    }
}
