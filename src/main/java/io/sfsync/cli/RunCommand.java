package io.sfsync.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfig;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.RunReport;
import io.sfsync.synclog.SyncStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sfsync run JOB}: one run now, with progress, ending with the report. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a job once and prints its report.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:SUCCEEDED", "1:FAILED, or an unexpected error", "2:bad configuration or usage (an unknown job or segment)",
                "3:PARTIAL or PAUSED", "4:BUSY (another run holds the job)"})
final class RunCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job (a key under jobs: in sync.yaml).")
    String job;

    @Option(names = "--segment", description = "Use this segment instead of the job's.")
    String segment;

    @Option(names = "--dry-run", description = "Match and decide, record the run, write nothing to Salesforce.")
    boolean dryRun;

    @Mixin
    ServiceClient.Options remote;

    @Override
    public Integer call() {
        if (remote.remote()) {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            if (segment != null) {
                body.put("segment", segment);
            }
            if (dryRun) {
                body.put("dryRun", true);
            }
            return ServiceClient.runThrough(remote, "/jobs/" + ServiceClient.segment(job) + "/run", body);
        }
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            String problem = usageProblem(rt.config(), job, segment);
            if (problem != null) {
                System.err.println(problem);
                return ExitCodes.CONFIG_OR_USAGE;
            }
            return runAndReport(rt, job, dryRun ? RunContext.Mode.DRY_RUN : RunContext.Mode.RUN, "cli", segment, null);
        }
    }

    /** Why a job (and segment) named on the command line cannot run, or null when they can. */
    static String usageProblem(SyncConfig config, String job, String segment) {
        JobConfig j = config.jobs().get(job);
        if (j == null) {
            return "sync.yaml has no job '" + job + "' (jobs: " + String.join(", ", config.jobs().keySet()) + ")";
        }
        if (segment != null && j.segmentPredicate(segment) == null) {
            return "job " + job + " has no segment '" + segment + "' (--segment: one of "
                    + String.join(", ", j.segments().keySet()) + ")";
        }
        return null;
    }

    /** Runs the job, prints its report and returns the exit code for its status (see {@link ExitCodes}). */
    static int runAndReport(SfsyncRuntime rt, String job, RunContext.Mode mode, String trigger, String segment,
            List<String> keys) {
        return report(rt, rt.run(job, mode, trigger, segment, keys, line -> System.out.println("  … " + line)));
    }

    /** Prints a finished run's report and returns the exit code for its status (see {@link ExitCodes}). */
    static int report(SfsyncRuntime rt, RunContext run) {
        if ("BUSY".equals(run.status())) {
            // a BUSY run did nothing and has no sync_run row: the reason (who holds the job) is the whole answer
            System.out.println("BUSY: " + run.stopReason());
            return ExitCodes.BUSY;
        }
        System.out.println();
        Optional<SyncStore.Run> row = run.runId() > 0 ? rt.store().run(run.runId()) : Optional.empty();
        if (row.isPresent()) {
            System.out.print(RunReport.render(row.get(), rt.store().digest(run.runId(), RunReport.EXAMPLES)));
        } else {
            System.out.println(run.status() + ": " + run.counts().summary()
                    + (run.stopReason() == null ? "" : " — stopped: " + run.stopReason()));
        }
        return ExitCodes.forStatus(run.status());
    }
}
