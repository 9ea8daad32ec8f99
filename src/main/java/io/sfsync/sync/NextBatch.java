package io.sfsync.sync;

import java.util.List;
import java.util.function.IntFunction;

import io.sfsync.synclog.Watermark;

/**
 * The next-batch step: hands the run its next batch. A watermark run opens the source stream on its
 * first batch and from then on takes batches the prepare-batch route made ahead on the reading thread;
 * a run of chosen rows (a retry) prepares its one batch here. A run whose API budget share would not
 * cover another batch stops PAUSED before it.
 */
final class NextBatch {
    private NextBatch() {
    }

    /** How many batches a flow may ask for after the last one before it is stopped (its loop ignores SfsyncMore). */
    static final int ASKS_PAST_THE_END = 100;

    static Batch next(RunContext run, IntFunction<Batch> prepare) {
        if (run.finishedStatus != null) {
            // a flow of one's own that goes on after finish-run: the run is closed and holds no lease
            return new Batch(run.tally.batches, List.of(), true);
        }
        if (!run.more) {
            if (++run.asksPastTheEnd > ASKS_PAST_THE_END) {
                throw new IllegalStateException("the flow asked for a batch " + run.asksPastTheEnd + " times after the"
                        + " last one; its loop must end when the property SfsyncMore is false");
            }
            return new Batch(run.tally.batches, List.of(), true);
        }
        if (run.unit != null && run.mode == RunContext.Mode.RUN && !SharedWork.reserve(run)) {
            run.stop("PAUSED", "the run reached its share of the daily API budget across the cluster's instances;"
                    + " the rest waits for the next run");
            return new Batch(run.tally.batches, List.of(), true);
        }
        if (!run.budgetAllowsAnotherBatch()) {
            run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                    + run.tally.apiAllowance + " calls); the rest waits for the next run");
            return new Batch(run.tally.batches, List.of(), true);
        }
        Batch batch;
        if (run.onlyKeys != null) {
            batch = prepare.apply(run.tally.batches + 1);
            run.more = false;
        } else {
            if (run.source == null) {
                int size = run.job.batchSize();
                if (!run.sharedDone && SharedWork.shares(run)) {
                    run.sharedDone = true;
                    if (run.shared.share(run) && run.stopReason != null) {
                        return new Batch(run.tally.batches, List.of(), true);
                    }
                }
                if (run.unit != null && (run.unit.unit.first() || run.unit.unit.keys() == null)) {
                    // the first unit reads its range, with the overlap window before the job's watermark
                    var u = run.unit.unit;
                    run.source = run.reader.open(u.resume() != null ? u.resume() : u.after(), u.upTo(),
                            u.first() && u.resume() == null, false, run.segmentPredicate(), size);
                } else if (run.unit != null) {
                    // the others read their rows by key: no scan of the backlog per unit
                    var u = run.unit.unit;
                    run.source = run.reader.unit(u.keys(), u.resume() != null ? u.resume() : u.after(), u.upTo(),
                            run.segmentPredicate());
                } else if (run.sharedUnits > 0) {
                    // after the shared units: what changed meanwhile, and the rows no run can sync
                    run.source = run.reader.open(run.watermark.cursor, null, false, true, run.segmentPredicate(), size);
                } else {
                    run.source = run.reader.open(run.watermark.cursor, run.segmentPredicate(), size);
                }
                run.readAhead = new ReadAhead(run.job.name(), size, prepare);
            }
            batch = run.readAhead.take();
            // a stop while the batch was awaited (its lease lost, say) holds: the write step leaves it PENDING
            run.more = !batch.sourceDone && run.stopReason == null;
        }
        for (int i = batch.works().size() - 1; i >= 0; i--) {
            var last = batch.works().get(i).row;
            if (!last.isInvalid()) {
                run.watermark.cursor = new Watermark(last.changedAt(), last.key());
                break;
            }
        }
        run.tally.batches++;
        run.batchStarted();
        run.inFlight = batch.isEmpty() ? null : batch;
        return batch;
    }
}
