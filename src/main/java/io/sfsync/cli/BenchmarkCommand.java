package io.sfsync.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.sfsync.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sfsync benchmark}: the performance figures, as one JSON line. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Seeds N rows, runs the people job against the emulator (own JVM, fixed latency) and prints one JSON line.")
final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--scenario", defaultValue = "incremental", description = "initial | incremental | incremental-mix | idle | matching | bulk | inbound | bidirectional | activities. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--rows", defaultValue = "10000", description = "Source rows. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Option(names = "--changed", defaultValue = "1000", description = "Rows changed before the measured incremental run. Default: ${DEFAULT-VALUE}.")
    int changed;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Emulator latency per call. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--process", description = "Measure a cold `sfsync run people` process (its own JVM, the source in an"
            + " H2 file; JVM options from -Dsfsync.benchmark.process-jvm-args) instead of a run inside this JVM: initial,"
            + " incremental, incremental-mix, idle and bulk.")
    boolean process;

    @Option(names = "--postgres", paramLabel = "JDBC_URL", description = "The source and sync tables on this PostgreSQL"
            + " server (jdbc:postgresql://HOST:PORT/DB; user and password from SFSYNC_BENCH_PG_USER, SFSYNC_BENCH_PG_PASSWORD)"
            + " instead of H2: the benchmark creates a database of its own there and drops it at the end.")
    String postgres;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "0", description = "With --postgres: N serving"
            + " instances in this JVM share the measured run's backlog (units claimed by every instance's workers):"
            + " initial and incremental (its units), inbound (the first load's poll pages). Default: none (one run, no"
            + " sharing).")
    int instances;

    @Option(names = "--config", defaultValue = "config", description = "Configuration directory. Default: ${DEFAULT-VALUE}.")
    Path configDir;

    @Option(names = "--routes", defaultValue = "routes", description = "YAML routes directory. Default: ${DEFAULT-VALUE}.")
    Path routesDir;

    @Override
    public Integer call() throws Exception {
        if (!java.util.List.of("initial", "incremental", "incremental-mix", "idle", "matching", "bulk", "inbound", "bidirectional", "activities").contains(scenario)) {
            System.err.println("--scenario must be initial, incremental, incremental-mix, idle, matching, bulk, inbound, bidirectional or activities");
            return 2;
        }
        if (process && !java.util.List.of("initial", "incremental", "incremental-mix", "idle", "bulk").contains(scenario)) {
            System.err.println("--process measures initial, incremental, incremental-mix, idle or bulk");
            return 2;
        }
        if (postgres != null && !java.util.List.of("initial", "incremental", "incremental-mix", "idle", "matching", "bulk", "inbound").contains(scenario)) {
            System.err.println("--postgres measures initial, incremental, incremental-mix, idle, matching, bulk or inbound");
            return 2;
        }
        if (postgres != null && !postgres.startsWith("jdbc:postgresql://")) {
            System.err.println("--postgres: expected a jdbc:postgresql://HOST:PORT/DATABASE URL, not '" + postgres + "'");
            return 2;
        }
        if (instances != 0 && (postgres == null || instances < 1 || instances > 8 || process
                || !java.util.List.of("initial", "incremental", "inbound").contains(scenario))) {
            System.err.println("--instances: 1 to 8 instances share a run on the database of --postgres (scenario initial,"
                    + " incremental or inbound, not --process)");
            return 2;
        }
        System.out.println(Benchmark.json(new Benchmark().run(new Benchmark.Settings(scenario, rows, changed, latencyMs,
                configDir, routesDir, process, postgres, instances))));
        return 0;
    }
}
