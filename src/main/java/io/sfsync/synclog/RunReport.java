package io.sfsync.synclog;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sync report an operator reads after a run: the plain-language summary first, then each
 * category with its reasons, examples and the fix for the common ones.
 */
public final class RunReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Entries shown per reason; the rest are counted. */
    public static final int EXAMPLES = 5;

    private RunReport() {
    }

    public static String render(SyncStore.Run run, SyncStore.RunDigest digest) {
        return render(run, digest, EXAMPLES);
    }

    /** The report with up to {@code examples} rows per reason (Integer.MAX_VALUE: every row, {@code report --all}). */
    public static String render(SyncStore.Run run, SyncStore.RunDigest digest, int examples) {
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(run.id()).append(" of ").append(run.job()).append(" — ").append(run.status())
                .append(run.dryRun() ? " (dry run: nothing was written to Salesforce)" : "").append('\n');
        out.append("  ").append(TIME.format(run.startedAt()));
        if (run.finishedAt() != null) {
            out.append(" → ").append(TIME.format(run.finishedAt()));
        }
        out.append(", trigger ").append(run.trigger()).append(", segment ").append(run.segment())
                .append(", ").append(run.apiCalls()).append(" Salesforce API calls\n");
        if (run.resync() != null) {
            out.append("  resync: ").append(run.resync()).append('\n');
        }
        out.append('\n');
        out.append(run.summary() == null ? run.counts().summary() : run.summary()).append("\n");
        for (Action action : List.of(Action.CREATED, Action.UPDATED, Action.LINKED, Action.UNLINKED, Action.CONFLICT,
                Action.SKIPPED, Action.DUPLICATE, Action.ERROR, Action.PENDING)) {
            List<SyncStore.ReportGroup> groups = digest.groups().stream()
                    .filter(g -> g.action().equals(action.name())).toList();
            if (groups.isEmpty()) {
                continue;
            }
            out.append('\n').append(title(action)).append(" (").append(total(groups)).append(")\n");
            Map<String, List<SyncStore.ReportGroup>> byReason = new LinkedHashMap<>();
            for (SyncStore.ReportGroup g : groups) {
                byReason.computeIfAbsent(g.reason() == null ? "" : g.reason(), k -> new java.util.ArrayList<>()).add(g);
            }
            byReason.forEach((reason, list) -> {
                if (reason.isEmpty() && (action == Action.CREATED || action == Action.UPDATED)) {
                    out.append("  ").append(byObject(list)).append('\n');
                    return;
                }
                long count = total(list);
                out.append("  ").append(reason.isEmpty() ? "-" : reason).append(" (").append(count).append(")");
                String hint = Hints.forReason(reason);
                out.append(hint == null ? "" : " — fix: " + hint).append('\n');
                List<SyncStore.LogEntry> rows = digest.examples()
                        .getOrDefault(SyncStore.RunDigest.key(action.name(), reason.isEmpty() ? null : reason), List.of());
                for (SyncStore.LogEntry e : rows.subList(0, Math.min(examples, rows.size()))) {
                    out.append("    • ").append(e.sourceKey());
                    if (e.sfId() != null) {
                        out.append(" (").append(e.sobject()).append(' ').append(e.sfId()).append(')');
                    }
                    if (e.message() != null) {
                        out.append(": ").append(e.message());
                    }
                    out.append('\n');
                }
                if (count > examples) {
                    out.append("    … and ").append(count - examples).append(" more (sfsync report --run ")
                            .append(run.id()).append(" --all)\n");
                }
            });
        }
        return out.toString();
    }

    private static long total(List<SyncStore.ReportGroup> groups) {
        return groups.stream().mapToLong(SyncStore.ReportGroup::count).sum();
    }

    private static String byObject(List<SyncStore.ReportGroup> list) {
        Map<String, Long> counts = new LinkedHashMap<>();
        list.forEach(g -> counts.merge(g.sobject() == null ? "?" : g.sobject(), g.count(), Long::sum));
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(' ').append(k)
                .append(v == 1 ? "" : "s"));
        return sb.toString();
    }

    private static String title(Action a) {
        return switch (a) {
            case CREATED -> "Created";
            case UPDATED -> "Updated";
            case SKIPPED -> "Skipped";
            case DUPLICATE -> "Duplicates";
            case ERROR -> "Errors";
            case PENDING -> "Pending (retried on the next run)";
            case LINKED -> "Linked (counted as updated)";
            case UNLINKED -> "Unlinked (deleted or merged in Salesforce)";
            case CONFLICT -> "Conflicts (record and row differed when first linked)";
            default -> a.name();
        };
    }
}
