package io.sfsync.sync;

import java.util.List;

import io.sfsync.source.SourceRow;

/**
 * Reads the next page of changed rows after the run's cursor (or, for a retry, the rows with the
 * given keys, once).
 */
public final class ReadStep {

    public Batch read(RunContext run) {
        if (!run.more) {
            return new Batch(run.batches, List.of());
        }
        List<SourceRow> rows;
        if (run.onlyKeys != null) {
            rows = run.reader.byKeys(run.onlyKeys, run.segmentPredicate());
            run.more = false;
        } else {
            rows = run.reader.page(run.cursor, run.segmentPredicate(), run.job.batchSize());
            run.more = rows.size() == run.job.batchSize();
        }
        if (!rows.isEmpty()) {
            SourceRow last = rows.get(rows.size() - 1);
            run.cursor = new io.sfsync.synclog.Watermark(last.changedAt(), last.key());
        }
        run.batches++;
        return new Batch(run.batches, rows);
    }
}
