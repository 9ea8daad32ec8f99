package io.sfsync.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.Watermark;

/**
 * Records a batch (SPEC §5.8): exactly one sync_log row per row, the links of what was created,
 * updated or found unchanged, and the watermark — all in one transaction. The watermark moves to
 * the last row before the first PENDING one and, once a row is pending, no further in this run, so
 * that row is read again next time (rows after it cost nothing then: their payload hash matches).
 */
public final class RecordStep {

    public void apply(RunContext run, Batch batch) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        Watermark watermark = null;
        for (RecordWork w : batch.works()) {
            if (!w.settled()) {
                // every row must end somewhere: a row no step settled is a bug, kept for the next run
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "UNSETTLED",
                        "no step decided this row; it is read again next run", null));
            }
            Outcome o = w.outcome();
            outcomes.add(o);
            if (o.action() == Action.PENDING) {
                run.watermarkBlocked = true;
            }
            if (!run.watermarkBlocked && !w.row.replay()) {
                // a late row from the overlap window lies behind the watermark: it never moves it back
                watermark = new Watermark(w.row.changedAt(), w.key());
            }
            Link link = linkFor(run, w, o);
            if (link != null) {
                links.add(link);
            }
        }
        if (run.mode == RunContext.Mode.PLAN) {
            if (run.planSink != null) {
                batch.works().forEach(run.planSink);
            } else {
                run.planned.addAll(batch.works());
            }
            counted(run, outcomes);
            run.inFlight = null;
            return;
        }
        boolean dry = run.mode == RunContext.Mode.DRY_RUN;
        boolean retry = run.onlyKeys != null;
        java.util.Map<String, Instant> versions = new java.util.HashMap<>();
        batch.works().forEach(w -> versions.put(w.key(), w.row.changedAt()));
        run.store.recordBatch(run.runId, run.job.name(), "OUTBOUND", outcomes, versions, dry ? List.of() : links,
                List.of(), dry || retry ? null : watermark);
        if (watermark != null && !dry && !retry) {
            run.durable = watermark;
        }
        // counted only once durably recorded: a failed commit leaves the batch to the dead-letter channel
        counted(run, outcomes);
        if (run.leaseToken != null) {
            run.store.heartbeat(run.job.name(), run.leaseToken);
        }
        run.inFlight = null;
        run.batchEnded();
        run.progress.accept("batch " + batch.number() + ": " + batch.works().size() + " rows — " + run.counts.summary());
    }

    static void counted(RunContext run, List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            run.counts = run.counts.plus(o.action());
            if (run.mode == RunContext.Mode.RUN) {
                run.metrics.outcome(run.job.name(), o);
            }
        }
        if (run.onlyKeys != null) {
            run.outcomes.addAll(outcomes);
        }
    }

    private static Link linkFor(RunContext run, RecordWork w, Outcome o) {
        boolean written = o.action() == Action.CREATED || o.action() == Action.UPDATED;
        boolean unchangedNow = o.action() == Action.SKIPPED && "NO_CHANGE".equals(o.reason()) && w.mapped != null
                && w.current != null && (w.link == null || !w.mapped.payloadHash().equals(w.link.payloadHash()));
        if (!(written || unchangedNow) || o.sfId() == null || w.mapped == null) {
            return null;
        }
        Object owner = w.current == null ? w.ownerId : w.current.getOrDefault("OwnerId", w.ownerId);
        return new Link(run.job.name(), w.key(), w.targetObject, o.sfId(),
                w.accountId != null ? w.accountId : w.current == null ? null : (String) w.current.get("AccountId"),
                owner == null ? null : owner.toString(), w.mapped.payloadHash(), Instant.now(),
                w.link == null ? "AUTO" : w.link.linkedBy());
    }
}
