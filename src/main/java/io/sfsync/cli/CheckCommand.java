package io.sfsync.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.sfsync.app.ConfigChecker;
import io.sfsync.app.SfsyncRuntime;
import io.sfsync.config.SyncConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sfsync check}: validates sync.yaml, then checks it against the source database and Salesforce. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates config/sync.yaml against the source database and Salesforce's describe.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:valid", "1:an unexpected error (e.g. the database or Salesforce cannot be reached)",
                "2:sync.yaml has problems (each printed with its path)"})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        SfsyncRuntime started;
        try {
            // sync.yaml is read as a run reads it (with --emulator's login URL), and fails before anything starts
            started = SfsyncRuntime.start(runtime.toOptions(false));
        } catch (SyncConfigLoader.InvalidConfigException e) {
            System.out.println(e.getMessage());
            return ExitCodes.CONFIG_OR_USAGE;
        }
        try (SfsyncRuntime rt = started) {
            ConfigChecker checker = new ConfigChecker(rt.config(), rt.source(), rt.salesforce());
            List<String> problems = checker.check();
            checker.warnings().forEach(w -> System.out.println("warning: " + w));
            if (problems.isEmpty()) {
                System.out.println("sync.yaml is valid: " + rt.config().jobs().size() + " job(s) checked against the source"
                        + " database and Salesforce.");
                return ExitCodes.SUCCEEDED;
            }
            System.out.println("sync.yaml has " + problems.size() + " problem(s):");
            problems.forEach(p -> System.out.println("  " + p));
            return ExitCodes.CONFIG_OR_USAGE;
        }
    }
}
