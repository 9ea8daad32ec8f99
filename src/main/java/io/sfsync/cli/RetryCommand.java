package io.sfsync.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sfsync retry JOB}: runs the rows whose last outcome was an error again. */
@Command(name = "retry", mixinStandardHelpOptions = true, description = "Runs the rows that ended in ERROR again.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:SUCCEEDED (or no errors to retry)", "1:FAILED, or an unexpected error",
                "2:bad configuration or usage (an unknown job)", "3:PARTIAL (rows still fail) or PAUSED", "4:BUSY"})
final class RetryCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job.")
    String job;

    @Option(names = "--run", description = "Only the errors of this run.")
    Long runId;

    @Option(names = "--reason", description = "Only errors with this reason code (e.g. REQUIRED_FIELD_MISSING).")
    String reason;

    @Mixin
    ServiceClient.Options remote;

    @Override
    public Integer call() {
        if (remote.remote()) {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            if (runId != null) {
                body.put("runId", runId);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return ServiceClient.runThrough(remote, "/jobs/" + ServiceClient.segment(job) + "/retry", body);
        }
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            String problem = RunCommand.usageProblem(rt.config(), job, null);
            if (problem != null) {
                System.err.println(problem);
                return ExitCodes.CONFIG_OR_USAGE;
            }
            if (rt.config().jobs().get(job).direction() == io.sfsync.config.JobConfig.Direction.INBOUND) {
                System.err.println("retry sends rows that failed again; job " + job + " is inbound: its records are read again when they change in Salesforce (sfsync conflicts " + job + " lists the ones held)");
                return ExitCodes.CONFIG_OR_USAGE;
            }
            var work = rt.retryWork(job, runId, reason);
            if (work.none()) {
                System.out.println("No errors to retry for " + job + ".");
                return ExitCodes.SUCCEEDED;
            }
            System.out.println("Retrying " + work.keys().size() + " rows" + (work.touchpoints() > 0 ? " and "
                    + work.touchpoints() + " touchpoints" : "") + " of " + job + " …");
            return RunCommand.report(rt, rt.retry(job, "cli", work.keys(), line -> System.out.println("  … " + line)));
        }
    }
}
