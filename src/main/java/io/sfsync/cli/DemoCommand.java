package io.sfsync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sfsync demo}: the embedded default — a fresh H2 source with demo people, the bundled
 * emulator seeded with an org that already knows some of them, one run of the people job with its
 * report, then serving on schedule.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the demo: H2 demo data, the bundled Salesforce emulator, one sync with its report, then serves.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config", description = "Configuration directory. Default: ${DEFAULT-VALUE}.")
    Path configDir;

    @Option(names = "--routes", defaultValue = "routes", description = "YAML routes directory. Default: ${DEFAULT-VALUE}.")
    Path routesDir;

    @Option(names = "--people", defaultValue = "200", description = "Demo people to generate. Default: ${DEFAULT-VALUE}.")
    int people;

    @Option(names = "--emulator-port", defaultValue = "8089", description = "The emulator's port (0 for a free one)."
            + " Default: ${DEFAULT-VALUE}.")
    int emulatorPort;

    @Option(names = "--http-port", defaultValue = "${env:SFSYNC_HTTP_PORT:-8080}",
            description = "Port of the API and console (0 for a free one). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--hawtio-port", defaultValue = "${env:SFSYNC_HAWTIO_PORT:-8090}",
            description = "Port of Hawtio (0 for a free one). Default: ${DEFAULT-VALUE}.")
    int hawtioPort;

    @Option(names = "--exit", description = "Exit after the first run instead of serving.")
    boolean exit;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path data = Path.of("data");
        Files.createDirectories(data);
        try (Stream<Path> old = Files.list(data)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith("demo.")).toList()) {
                Files.delete(p); // the demo starts from scratch every time
            }
        }
        Map<String, String> overrides = new java.util.LinkedHashMap<>(Map.of(
                "sfsync.source.url", "jdbc:h2:file:./data/demo;AUTO_SERVER=TRUE",
                "sfsync.demo.people", String.valueOf(people),
                "sfsync.emulator.port", String.valueOf(emulatorPort),
                "camel.server.port", String.valueOf(httpPort),
                "sfsync.hawtio.port", String.valueOf(hawtioPort)));
        // the demo's users get throwaway passwords unless the environment sets them
        Map<String, String> generated = new java.util.LinkedHashMap<>();
        for (String role : java.util.List.of("admin", "operator", "viewer")) {
            String var = "SFSYNC_" + role.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
            if (System.getenv(var) == null) {
                String pw = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(6));
                overrides.put("env." + var, pw);
                generated.put(role, pw);
            }
        }
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(configDir, routesDir, true, true, !exit, overrides);
        SfsyncRuntime rt = SfsyncRuntime.start(options);
        String url = rt.httpUrl(); // the real port when 0 asked for a free one
        System.out.println("Salesforce emulator: " + rt.emulator().loginUrl() + " (control plane: "
                + rt.emulator().loginUrl() + "/_emulator)");
        System.out.println("Console:  " + url + "/console/   API: " + url + "/api/openapi.json");
        if (rt.hawtioUrl() != null) {
            System.out.println("Hawtio:   " + rt.hawtioUrl() + "  (log in as admin or operator)");
        }
        if (!generated.isEmpty()) {
            // demo-only credentials, generated for this run; set SFSYNC_*_PASSWORD to choose your own
            StringBuilder users = new StringBuilder("Demo users (this run only):");
            generated.forEach((role, pw) -> users.append("  ").append(role).append(" / ").append(pw));
            System.out.println(users);
        }
        System.out.println("Running the people job once …");
        int code = RunCommand.runAndReport(rt, "people", RunContext.Mode.RUN, "cli", null, null);
        if (rt.config().jobs().containsKey("crm") && rt.emulator() != null) {
            // the other way: Salesforce's records come into the source, then what users change there
            int settle = rt.config().jobs().get("crm").inbound().settleSeconds();
            System.out.println("\nRunning the crm job (Salesforce → source) once, after its " + settle
                    + " s settle window: the org's records come in …");
            Thread.sleep(settle * 1000L + 500);
            RunContext first = rt.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
            System.out.println("  crm: " + first.status() + " — " + first.counts().summary() + " (" + first.apiCalls()
                    + " API calls)");
            System.out.println("\nMeanwhile, in Salesforce:");
            io.sfsync.demo.DemoOrg.salesforceUsersWork(rt.emulator()).forEach(l -> System.out.println("  " + l));
            System.out.println("\nRunning the crm job again, " + settle + " s later …");
            Thread.sleep(settle * 1000L + 500);
            RunCommand.runAndReport(rt, "crm", RunContext.Mode.RUN, "cli", null, null);
            // the rows crm just wrote into the source are changed rows for people: Salesforce has their values
            System.out.println("\nRunning the people job again: the rows crm changed in the source read as changed,"
                    + " and Salesforce already has their values …");
            RunCommand.runAndReport(rt, "people", RunContext.Mode.RUN, "cli", null, null);
        }
        if (exit) {
            rt.close();
            return code;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rt.close();
            stopped.countDown();
        }, "sfsync-shutdown"));
        System.out.println("\nsfsync keeps serving: people runs every 10 minutes, crm every 15. Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
