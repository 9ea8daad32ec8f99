package io.sfsync.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.sfsync.source.SourceRow;
import io.sfsync.synclog.Link;

/**
 * Reads a batch: the next page of changed rows after the run's watermark, from one streamed query
 * ordered by (changedAt, key) — or, for a retry, the rows with the given keys, once — with each row's
 * sync_link. Rows that need no log row at all are set aside here: rows the overlap window brings back
 * whose version is already settled, and invalid rows already reported. The page is then filled up from
 * the stream, so a batch stays full (one lookup, one write call).
 */
public final class ReadStep {

    /** Reads the batch of this number; runs on the reading thread, or on the run's thread for a retry. */
    public Batch read(RunContext run, int number) {
        if (run.onlyKeys != null) {
            List<RecordWork> works = withLinks(run, run.reader.byKeys(run.onlyKeys, run.segmentPredicate()));
            return Batch.ofRows(number, works, true);
        }
        int size = run.job.batchSize();
        List<RecordWork> kept = new ArrayList<>();
        boolean done = false;
        while (kept.size() < size && !done) {
            int want = size - kept.size();
            List<SourceRow> rows = run.source.next(want);
            done = rows.size() < want || run.source.exhausted();
            kept.addAll(withoutInvalidAlreadyReported(run, withoutReplaysAlreadySettled(run, withLinks(run, rows))));
        }
        return Batch.ofRows(number, kept, done);
    }

    private static List<RecordWork> withLinks(RunContext run, List<SourceRow> rows) {
        Map<String, Link> links = run.store.links(run.job.name(),
                rows.stream().map(SourceRow::key).collect(Collectors.toList()));
        List<RecordWork> works = new ArrayList<>(rows.size());
        for (SourceRow row : rows) {
            RecordWork w = new RecordWork(row);
            w.link = links.get(row.key());
            w.targetObject = w.link != null ? w.link.sobject() : run.createAs;
            w.externalIdField = run.job.externalIdField();
            works.add(w);
        }
        return works;
    }

    /**
     * The overlap window brings back rows at or before the watermark. One is set aside (no log row, no
     * API call) only when this version of it is known to be settled: Salesforce has exactly its payload
     * (its link's hash), or a real run already settled this version or a later one (sync_log's
     * source_changed_at; PENDING and dry-run entries do not count). Anything else — a row committed
     * late, behind rows already read, or a version still pending — is synced now. Telling the payload
     * apart needs the row mapped: those few rows are mapped here (the map step keeps that mapping).
     */
    private static List<RecordWork> withoutReplaysAlreadySettled(RunContext run, List<RecordWork> works) {
        List<String> replays = works.stream().filter(w -> w.row.replay()).map(RecordWork::key).toList();
        if (replays.isEmpty()) {
            return works;
        }
        java.util.Map<String, java.time.Instant> settled = run.store.attemptedVersions(run.job.name(), replays);
        return works.stream().filter(w -> {
            if (!w.row.replay()) {
                return true;
            }
            if (w.link != null && !w.row.isInvalid()) {
                w.mapped = run.mapper.map(w.row);
            }
            boolean unchanged = w.link != null && w.mapped != null
                    && w.mapped.payloadHash().equals(w.link.payloadHash());
            java.time.Instant version = settled.get(w.key());
            return !unchanged && (version == null || version.isBefore(w.row.changedAt()));
        }).toList();
    }

    /**
     * Rows that cannot be synced (no key, no changedAt) come with every run until the source is fixed:
     * each is logged ERROR/INVALID_SOURCE_ROW once, then set aside while it stays the same.
     */
    private static List<RecordWork> withoutInvalidAlreadyReported(RunContext run, List<RecordWork> works) {
        List<String> invalid = works.stream().filter(w -> w.row.isInvalid()).map(RecordWork::key).toList();
        if (invalid.isEmpty()) {
            return works;
        }
        java.util.Set<String> reported = run.store.alreadyReportedInvalid(run.job.name(), invalid);
        return reported.isEmpty() ? works
                : works.stream().filter(w -> !w.row.isInvalid() || !reported.contains(w.key())).toList();
    }
}
