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
        description = "Validates config/sync.yaml against the source database and Salesforce's describe.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try {
            new SyncConfigLoader().load(runtime.configDir.resolve("sync.yaml"));
        } catch (SyncConfigLoader.InvalidConfigException e) {
            System.out.println(e.getMessage());
            return 1;
        }
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            ConfigChecker checker = new ConfigChecker(rt.config(), rt.source(), rt.salesforce());
            List<String> problems = checker.check();
            checker.warnings().forEach(w -> System.out.println("warning: " + w));
            if (problems.isEmpty()) {
                System.out.println("sync.yaml is valid: " + rt.config().jobs().size() + " job(s) checked against the source"
                        + " database and Salesforce.");
                return 0;
            }
            System.out.println("sync.yaml has " + problems.size() + " problem(s):");
            problems.forEach(p -> System.out.println("  " + p));
            return 1;
        }
    }
}
