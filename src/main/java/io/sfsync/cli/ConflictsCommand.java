package io.sfsync.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.config.JobConfig;
import io.sfsync.inbound.Conflicts;
import io.sfsync.inbound.SourceTables;
import io.sfsync.synclog.InboundStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sfsync conflicts JOB}: the records an inbound job holds because they differed from their row when
 * first linked, with both values; {@code --resolve ID --take salesforce|source} settles one.
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        description = "Lists a job's conflicts (record and row differing when first linked) or resolves one.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed, or resolved", "1:an unexpected error",
                "2:bad usage (an unknown job or conflict, one already resolved, --take missing)"})
final class ConflictsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    RuntimeOptions runtime;

    @Parameters(index = "0", description = "The job.")
    String job;

    @Option(names = "--all", description = "Also the resolved ones.")
    boolean all;

    @Option(names = "--resolve", paramLabel = "ID", description = "The conflict to resolve.")
    Long resolve;

    @Option(names = "--take", paramLabel = "SIDE", description = "salesforce (its values go into the row) or source"
            + " (the row's values stay and, for a job that also sends, go to Salesforce).")
    String take;

    @Override
    public Integer call() {
        try (SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(false))) {
            JobConfig j = rt.config().jobs().get(job);
            if (j == null) {
                System.err.println("sync.yaml has no job '" + job + "' (jobs: " + String.join(", ", rt.config().jobs().keySet()) + ")");
                return ExitCodes.CONFIG_OR_USAGE;
            }
            if (!j.polls()) {
                System.err.println("job " + job + " is outbound: conflicts come from jobs with direction inbound or both");
                return ExitCodes.CONFIG_OR_USAGE;
            }
            if (resolve != null) {
                if (take == null) {
                    System.err.println("--resolve needs --take salesforce or --take source");
                    return ExitCodes.CONFIG_OR_USAGE;
                }
                try {
                    InboundStore.Conflict c = rt.store().inbound().conflict(resolve).orElse(null);
                    if (c != null && !c.job().equals(job)) {
                        System.err.println("conflict " + resolve + " belongs to job " + c.job() + ", not " + job);
                        return ExitCodes.CONFIG_OR_USAGE;
                    }
                    InboundStore.Conflict done = Conflicts.resolve(rt.store(), new SourceTables(rt.source()),
                            rt.config().jobs(), resolve, Conflicts.take(take), "cli (" + System.getProperty("user.name") + ")");
                    System.out.println("Conflict " + done.id() + " resolved: " + done.status() + " — row " + done.sourceKey()
                            + " is linked to " + done.sobject() + " " + done.sfId() + ".");
                    return ExitCodes.SUCCEEDED;
                } catch (Conflicts.CannotResolve e) {
                    System.err.println(e.getMessage());
                    return ExitCodes.CONFIG_OR_USAGE;
                }
            }
            List<InboundStore.Conflict> list = rt.store().inbound().conflicts(job, all ? null : "OPEN");
            if (list.isEmpty()) {
                System.out.println(all ? "Job " + job + " has had no conflicts." : "Job " + job + " has no open conflicts.");
                return ExitCodes.SUCCEEDED;
            }
            System.out.println(list.size() + (all ? " conflict" : " open conflict") + (list.size() == 1 ? "" : "s")
                    + " of job " + job + ":");
            for (InboundStore.Conflict c : list) {
                System.out.println();
                System.out.println("  #" + c.id() + "  " + c.sobject() + " " + c.sfId() + "  ↔  row " + c.sourceKey() + "  ["
                        + c.status() + (c.resolvedBy() == null ? "" : " by " + c.resolvedBy()) + "]");
                print(c.values());
            }
            if (!all) {
                System.out.println();
                System.out.println("Resolve one: sfsync conflicts " + job + " --resolve ID --take salesforce|source");
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    private static void print(String values) {
        try {
            JsonNode v = JSON.readTree(values);
            v.fields().forEachRemaining(f -> System.out.println(String.format("    %-22s Salesforce: %-28s source (%s): %s",
                    f.getKey(), "'" + f.getValue().path("salesforce").asText() + "'", f.getValue().path("column").asText(),
                    "'" + f.getValue().path("source").asText() + "'")));
        } catch (java.io.IOException e) {
            System.out.println("    " + values);
        }
    }
}
