package io.sfsync.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sfsync run JOB}: one run now, with progress, ending with the report. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a job once and prints its report.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job (a key under jobs: in sync.yaml).")
    String job;

    @Option(names = "--segment", description = "Use this segment instead of the job's.")
    String segment;

    @Option(names = "--dry-run", description = "Match and decide, record the run, write nothing to Salesforce.")
    boolean dryRun;

    @Override
    public Integer call() {
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            return runAndReport(rt, job, dryRun ? RunContext.Mode.DRY_RUN : RunContext.Mode.RUN, "cli", segment, null);
        }
    }

    static int runAndReport(SfsyncRuntime rt, String job, RunContext.Mode mode, String trigger, String segment,
            List<String> keys) {
        RunContext run = rt.run(job, mode, trigger, segment, keys, line -> System.out.println("  … " + line));
        System.out.println();
        System.out.print(RunReport.render(rt.store().run(run.runId()).orElseThrow(),
                rt.store().digest(run.runId(), RunReport.EXAMPLES)));
        return "FAILED".equals(run.status()) || "PAUSED".equals(run.status()) ? 1 : 0;
    }
}
