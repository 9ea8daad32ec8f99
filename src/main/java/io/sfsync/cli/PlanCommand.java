package io.sfsync.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.Action;
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

    @Option(names = "--action", split = ",", paramLabel = "ACTION", description = "Show only rows that would end so:"
            + " create, update, skip, duplicate, error, pending (comma-separated). The totals stay whole.")
    List<String> actions;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Show at most N rows (0: all)."
            + " Default: ${DEFAULT-VALUE}.")
    int limit;

    private static final Map<String, Action> ACTIONS = Map.of("create", Action.CREATED, "update", Action.UPDATED,
            "skip", Action.SKIPPED, "duplicate", Action.DUPLICATE, "error", Action.ERROR, "pending", Action.PENDING);

    /** What a plan says of a row: what a run would do, not what was done. */
    static String would(Action a) {
        return switch (a) {
            case CREATED -> "would create";
            case UPDATED -> "would update";
            case SKIPPED -> "would skip";
            case DUPLICATE -> "duplicate";
            case ERROR -> "would fail";
            case PENDING -> "would wait";
            default -> "would " + a.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String wouldSummary(io.sfsync.synclog.RunCounts c) {
        return "create " + c.created() + ", update " + c.updated() + ", skip " + c.skipped() + ", duplicate "
                + c.duplicates() + ", fail " + c.errors() + ", wait (pending) " + c.pending();
    }

    @Override
    public Integer call() {
        java.util.Set<Action> only = java.util.EnumSet.noneOf(Action.class);
        for (String a : actions == null ? List.<String>of() : actions) {
            Action action = ACTIONS.get(a.trim().toLowerCase(java.util.Locale.ROOT));
            if (action == null) {
                System.err.println("plan: --action: '" + a + "' is not one of create, update, skip, duplicate, error, pending");
                return ExitCodes.CONFIG_OR_USAGE;
            }
            only.add(action);
        }
        if (limit < 0) {
            System.err.println("plan: --limit: must be 0 (all) or more, not " + limit);
            return ExitCodes.CONFIG_OR_USAGE;
        }
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
            // the rows are decided batch by batch; the totals come first, so the rows shown wait until the end
            List<String> shown = new java.util.ArrayList<>();
            long[] matching = {0};
            RunContext run = rt.plan(job, "cli", segment, w -> {
                var o = w.outcome();
                Action action = o.action();
                if (!only.isEmpty() && !only.contains(action)) {
                    return;
                }
                matching[0]++;
                if (limit > 0 && shown.size() >= limit) {
                    return;
                }
                StringBuilder b = new StringBuilder(String.format("%-10s %-12s %-8s %-18s %s%n", o.sourceKey(),
                        would(action), w.targetObject() == null ? "" : w.targetObject(), o.sfId() == null ? "" : o.sfId(),
                        o.reason() == null || o.reason().equals("DRY_RUN") ? ""
                                : o.reason() + (o.message() == null ? "" : ": " + o.message())));
                for (Map.Entry<String, Object[]> d : w.diff().entrySet()) {
                    b.append(String.format("             %-22s %s → %s%n", d.getKey(), d.getValue()[0] == null ? "∅"
                            : d.getValue()[0], d.getValue()[1]));
                }
                shown.add(b.toString());
            });
            if ("BUSY".equals(run.status())) {
                System.out.println("BUSY: " + run.stopReason());
                return ExitCodes.BUSY;
            }
            var tasks = run.activityCounts();
            System.out.println("Plan for " + job + " (segment " + run.segment() + "): nothing was written");
            if (run.resync() != null) {
                System.out.println("  resync: " + run.resync() + " — the run reads the whole source again");
            }
            System.out.println("  would " + wouldSummary(run.counts())
                    + (tasks.attempted() == 0 ? "" : "; of them touchpoints as Tasks: " + wouldSummary(tasks))
                    + (run.stopReason() == null ? "" : " — stopped: " + run.stopReason()));
            String filter = only.isEmpty() ? "" : " that would " + String.join(" or ", actions);
            System.out.println("  " + (shown.size() < matching[0]
                    ? "showing " + shown.size() + " of " + matching[0] + " rows" + filter + " (--limit N, 0 for all; --action to filter)"
                    : matching[0] + " rows" + filter) + (shown.isEmpty() ? "" : ":"));
            if (!shown.isEmpty()) {
                System.out.println();
                shown.forEach(System.out::print);
            }
            // the status a run would end with: a plan with rows that would fail is PARTIAL (3)
            return ExitCodes.forStatus(run.status());
        }
    }
}
