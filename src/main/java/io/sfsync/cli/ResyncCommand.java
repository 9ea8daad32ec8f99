package io.sfsync.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.sfsync.app.SfsyncRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sfsync resync JOB}: reads rows already synced again, after a change the fingerprint does not
 * see (a YAML step of one's own, a transform's code) or to repair records changed by hand in Salesforce.
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
        description = "Reads the job's rows again, whatever its watermark says: all of them, those changed since a"
                + " time, those with these keys, or those whose last outcome had a reason. Rows whose values are"
                + " unchanged cost no Salesforce call.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:SUCCEEDED (or nothing to resync)", "1:FAILED, or an unexpected error",
                "2:bad configuration or usage", "3:PARTIAL (some rows failed) or PAUSED", "4:BUSY"})
final class ResyncCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job.")
    String job;

    @Option(names = "--keys", split = ",", paramLabel = "KEY", description = "Only the rows with these source keys.")
    List<String> keys;

    @Option(names = "--since", paramLabel = "TIME", description = "Only the rows changed at or after this instant"
            + " (ISO-8601, e.g. 2026-12-01T00:00:00Z).")
    String since;

    @Option(names = "--reason", paramLabel = "CODE", description = "Only the rows whose last outcome had this reason"
            + " (e.g. NOT_IN_SEGMENT, OWNED_BY_OTHER_USER).")
    String reason;

    @Mixin
    ServiceClient.Options remote;

    @Override
    public Integer call() {
        long chosen = Arrays.asList(keys, since, reason).stream().filter(o -> o != null).count();
        if (chosen > 1) {
            System.err.println("resync: --keys, --since and --reason choose the rows in different ways; give one of them");
            return ExitCodes.CONFIG_OR_USAGE;
        }
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                System.err.println("resync: --since: expected an ISO-8601 instant such as 2026-12-01T00:00:00Z, not '"
                        + since + "'");
                return ExitCodes.CONFIG_OR_USAGE;
            }
        }
        if (remote.remote()) {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            if (keys != null) {
                body.put("keys", keys);
            }
            if (since != null) {
                body.put("since", since);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return ServiceClient.runThrough(remote, "/jobs/" + ServiceClient.segment(job) + "/resync", body);
        }
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            String problem = RunCommand.usageProblem(rt.config(), job, null);
            if (problem == null) {
                problem = rt.config().jobs().get(job).resyncProblem();
            }
            if (problem != null) {
                System.err.println(problem);
                return ExitCodes.CONFIG_OR_USAGE;
            }
            if (reason != null) {
                keys = rt.store().keysWithLatestReason(job, reason);
                if (keys.isEmpty()) {
                    System.out.println("No rows of " + job + " whose last outcome was " + reason + ".");
                    return ExitCodes.SUCCEEDED;
                }
            }
            if (keys != null) {
                System.out.println("Resyncing the rows of " + job + " with " + keys.size() + " keys …");
                return RunCommand.runAndReport(rt, job, io.sfsync.sync.RunContext.Mode.RUN, "cli", null, keys);
            }
            System.out.println("Resyncing " + (from == null ? "every row" : "the rows changed since " + from) + " of "
                    + job + " …");
            return RunCommand.report(rt, rt.resync(job, "cli", from, line -> System.out.println("  … " + line)));
        }
    }
}
