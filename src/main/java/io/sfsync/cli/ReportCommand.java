package io.sfsync.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;

import io.sfsync.app.AppProperties;
import io.sfsync.db.Databases;
import io.sfsync.synclog.RunReport;
import io.sfsync.synclog.SyncStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sfsync report}: a run's report from the sync tables (no Salesforce needed). */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Prints a run's report (default: the latest run).")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config", description = "Configuration directory. Default: ${DEFAULT-VALUE}.")
    Path configDir;

    @Option(names = "--run", description = "The run's id.")
    Long runId;

    @Option(names = "--job", description = "The latest run of this job.")
    String job;

    @Option(names = "--all", description = "Every row of each reason, not the first five.")
    boolean all;

    @Override
    public Integer call() {
        if (!java.nio.file.Files.isRegularFile(configDir.resolve("application.properties"))) {
            throw new io.sfsync.config.SyncConfigLoader.InvalidConfigException(
                    configDir.resolve("application.properties").toAbsolutePath().toString(),
                    List.of("does not exist: run sfsync from its directory or pass --config DIR"));
        }
        AppProperties props = new AppProperties(configDir.resolve("application.properties"), Map.of(), System::getenv);
        try (HikariDataSource ds = Databases.pool("report", props.get("sfsync.source.url", null),
                props.get("sfsync.source.user", "sa"), props.get("sfsync.source.password", ""), 2)) {
            Databases.migrateSyncTables(ds);
            SyncStore store = new SyncStore(ds);
            Optional<SyncStore.Run> run = runId != null ? store.run(runId)
                    : job != null ? store.lastRun(job) : store.recentRuns(1).stream().findFirst();
            if (run.isEmpty()) {
                System.out.println("No such run.");
                return 1;
            }
            int examples = all ? Integer.MAX_VALUE : RunReport.EXAMPLES;
            System.out.print(RunReport.render(run.get(), store.digest(run.get().id(), examples), examples));
            return 0;
        }
    }
}
