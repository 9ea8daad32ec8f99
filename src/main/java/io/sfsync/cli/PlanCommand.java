package io.sfsync.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sfsync plan JOB}: per record, what a run would do and which fields it would change. Writes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Shows what a run would create, update or skip, with field-level diffs. Nothing is written.",
        exitCodeListHeading = "%nExit codes (the status a run would end with):%n",
        exitCodeList = {"0:SUCCEEDED", "1:FAILED, or an unexpected error", "2:bad configuration or usage (an unknown job or segment)",
                "3:PARTIAL (some rows would end in ERROR or DUPLICATE) or PAUSED", "4:BUSY"})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job.")
    String job;

    @Option(names = "--segment", description = "Use this segment instead of the job's.")
    String segment;

    @Override
    public Integer call() {
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            String problem = RunCommand.usageProblem(rt.config(), job, segment);
            if (problem != null) {
                System.err.println(problem);
                return ExitCodes.CONFIG_OR_USAGE;
            }
            if (rt.config().jobs().get(job).direction() == io.sfsync.config.JobConfig.Direction.INBOUND) {
                System.err.println("plan shows what a run would send to Salesforce; job " + job + " is inbound: run it with --dry-run to see, in its report and log, what it would write (nothing is written)");
                return ExitCodes.CONFIG_OR_USAGE;
            }
            RunContext run = rt.plan(job, "cli", segment, w -> {
                var o = w.outcome();
                System.out.printf("%-10s %-9s %-8s %-18s %s%n", o.sourceKey(), o.action(), w.targetObject() == null ? ""
                        : w.targetObject(), o.sfId() == null ? "" : o.sfId(), o.reason() == null || o.reason().equals("DRY_RUN")
                        ? "" : o.reason() + (o.message() == null ? "" : ": " + o.message()));
                for (Map.Entry<String, Object[]> d : w.diff().entrySet()) {
                    System.out.printf("             %-22s %s → %s%n", d.getKey(), d.getValue()[0] == null ? "∅"
                            : d.getValue()[0], d.getValue()[1]);
                }
            });
            if ("BUSY".equals(run.status())) {
                System.out.println("BUSY: " + run.stopReason());
                return ExitCodes.BUSY;
            }
            System.out.println();
            var tasks = run.activityCounts();
            System.out.println("Plan: " + run.counts().summary().replace("created", "to create").replace("updated", "to update")
                    + (tasks.attempted() == 0 ? "" : " — of them touchpoints as Tasks: " + tasks.summary()
                            .replace("created", "to create").replace("updated", "to update"))
                    + (run.stopReason() == null ? "" : " — stopped: " + run.stopReason()));
            // the status a run would end with: a plan with rows that would fail is PARTIAL (3)
            return ExitCodes.forStatus(run.status());
        }
    }
}
