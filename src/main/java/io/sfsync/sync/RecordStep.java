package io.sfsync.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sfsync.synclog.Action;
import io.sfsync.synclog.CreateIntents;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.SyncStore;
import io.sfsync.synclog.Watermark;

/**
 * Records a batch: exactly one sync_log row per row, the links of what was created,
 * updated or found unchanged, and the watermark — all in one transaction. The watermark moves to
 * the last row before the first PENDING one and, once a row is pending, no further in this run, so
 * that row is read again next time (rows after it cost nothing then: their payload hash matches).
 */
public final class RecordStep {

    public void apply(RunContext run, Batch batch) {
        if (batch.recorded || run.finishedStatus != null) {
            return; // a flow that records a batch twice (it is in sync_log once), or after its run was closed
        }
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Link> links = new LinkedHashMap<>();
        Watermark watermark = null;
        confirmEarlierCreates(run, batch);
        for (RecordWork w : batch.works()) {
            if (!w.settled()) {
                // every row must end somewhere: a row no step settled is a bug, kept for the next run
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "UNSETTLED",
                        "no step decided this row; it is read again next run", null));
            }
            Outcome o = w.outcome();
            outcomes.add(o);
            if (run.mode != RunContext.Mode.RUN && run.activities != null
                    && (o.action() == Action.CREATED || o.action() == Action.UPDATED)) {
                run.plannedPeople.put(w.key(), w.targetObject);
            }
            if (o.action() == Action.PENDING) {
                run.watermark.blocked = true;
            }
            if (!run.watermark.blocked && !w.row.replay() && !w.row.isInvalid()) {
                // a late row from the overlap window lies behind the watermark: it never moves it back;
                // an invalid row has no place in (changedAt, key) order
                watermark = new Watermark(w.row.changedAt(), w.key());
            }
            Link link = linkFor(run, w, o);
            if (link != null) {
                links.put(w.key(), link); // one link per key, whatever the source repeats
            }
        }
        if (run.mode == RunContext.Mode.PLAN) {
            if (run.planSink != null) {
                batch.works().forEach(run.planSink);
            } else {
                run.planned.addAll(batch.works());
            }
            counted(run, outcomes);
            batch.recorded = true;
            run.inFlight = null;
            return;
        }
        if (run.unit != null) {
            recordUnitBatch(run, batch, outcomes, links);
            return;
        }
        boolean dry = run.mode == RunContext.Mode.DRY_RUN;
        boolean retry = run.onlyKeys != null;
        Map<String, Instant> versions = new HashMap<>();
        batch.works().forEach(w -> versions.put(w.key(), w.row.changedAt()));
        // the rows with a create intent (this batch's creates, or an earlier one's) that are linked now
        // (and of those whose create Salesforce refused outright: no record was made for them to be found)
        List<CreateIntents.Change> endIntents = dry || run.intents.isEmpty() ? List.of()
                : run.intents.changesFor(intentsToEnd(batch, links.keySet()));
        run.store.recordBatch(new SyncStore.BatchWrite(run.runId, run.job.name(), "OUTBOUND", outcomes,
                versions, dry ? List.of() : new ArrayList<>(links.values()), List.of(), dry || retry ? null : watermark,
                endIntents, run.apiCallsThisRun() + run.sharedCalls, run.lease.token));
        run.intents.ended(endIntents);
        if (watermark != null && !dry && !retry) {
            run.watermark.durable = watermark;
        }
        // counted only once durably recorded: a failed commit leaves the batch to the dead-letter channel
        counted(run, outcomes);
        batch.recorded = true;
        run.inFlight = null;
        run.batchEnded();
        run.progress.accept("batch " + batch.number() + ": " + batch.works().size() + " rows — " + run.tally.counts.summary());
    }

    /**
     * A batch of a unit of shared work: the rows set aside (another unit creates by their keys) go to the
     * unit's next part instead of sync_log; the unit's last batch ends it. The watermark is the unit's
     * business (SyncStore#recordUnitBatch), never this batch's.
     */
    private static void recordUnitBatch(RunContext run, Batch batch, List<Outcome> outcomes, Map<String, Link> links) {
        List<String> setAside = new ArrayList<>();
        List<Outcome> logged = new ArrayList<>();
        boolean blocked = false;
        Watermark resume = null;
        for (RecordWork w : batch.works()) {
            // a unit claimed again goes on after this batch's last row, set aside or not (its part has those)
            if (!w.row.replay() && !w.row.isInvalid()) {
                resume = new Watermark(w.row.changedAt(), w.key());
            }
            if (SharedWork.setAside(w)) {
                setAside.add(w.key());
                links.remove(w.key());
                continue;
            }
            logged.add(w.outcome());
            blocked |= w.outcome().action() == Action.PENDING;
        }
        Map<String, Instant> versions = new HashMap<>();
        batch.works().forEach(w -> versions.put(w.key(), w.row.changedAt()));
        List<CreateIntents.Change> endIntents = run.intents.isEmpty() ? List.of()
                : run.intents.changesFor(intentsToEnd(batch, links.keySet()));
        SharedWork.UnitRun u = run.unit;
        int calls = run.apiCallsThisRun() - u.callsRecorded;
        // a run that stopped (its budget, its lease) has not read its unit to the end: the unit stays open
        boolean last = (batch.sourceDone || run.onlyKeys != null) && run.stopReason == null;
        run.store.recordUnitBatch(new SyncStore.BatchWrite(run.runId, run.job.name(), "OUTBOUND", logged, versions,
                new ArrayList<>(links.values()), List.of(), null, endIntents, -1, run.lease.token),
                new SyncStore.UnitWrite(u.unit.id(), u.unit.token(), u.unit.batchesRecorded() + batch.number(), last,
                        blocked, run.onlyKeys != null ? null : resume, calls, setAside, u.reserved));
        u.callsRecorded += calls;
        u.reserved = 0;
        u.done |= last;
        run.intents.ended(endIntents);
        counted(run, logged);
        batch.recorded = true;
        run.inFlight = null;
        run.batchEnded();
    }

    /**
     * A row this job set out to create in an earlier attempt — a run killed mid-write, a response lost
     * after Salesforce committed, a Bulk job sent again — is found now by its external ID or email and
     * would be logged UPDATED or unchanged. It was created by sfsync, so it is logged CREATED (once: the
     * intent ends when the row is linked), and created counts stay true. A record that was already in
     * Salesforce before the intent was written is not one sfsync created.
     */
    private static void confirmEarlierCreates(RunContext run, Batch batch) {
        if (run.mode == RunContext.Mode.PLAN || run.intents.isEmpty()) {
            return;
        }
        String integrationUser = run.salesforce.integrationUserId();
        for (RecordWork w : batch.works()) {
            Outcome o = w.outcome();
            if (o == null || o.sfId() == null || w.link != null) {
                continue;
            }
            if (w.operation == RecordWork.Operation.CREATE) {
                // an upsert that found its record (created:false) is our own create only when that create
                // went out before: a send whose answer was lost, or an earlier run's unanswered create
                // (and only a record the integration user created after that create was first attempted)
                if (o.action() == Action.UPDATED && (w.createResent || w.earlierCreateOpen)) {
                    run.intents.oldest(w.key()).filter(i -> w.current != null && w.current.get("CreatedDate") != null
                            && !createdBefore(w, i.at()) && createdBy(w, integrationUser))
                            .ifPresent(i -> confirm(run, w, i.runId()));
                }
            } else if (o.action() == Action.UPDATED || o.action() == Action.SKIPPED && "NO_CHANGE".equals(o.reason())) {
                run.intents.oldest(w.key()).filter(i -> i.sobject().equals(w.targetObject) && !createdBefore(w, i.at())
                        && createdBy(w, integrationUser)).ifPresent(i -> confirm(run, w, i.runId()));
            }
        }
    }

    /** The batch's rows whose create intents end now: linked, or refused by Salesforce (nothing was created). */
    private static Set<String> intentsToEnd(Batch batch, Set<String> linked) {
        Set<String> keys = new HashSet<>(linked);
        batch.works().stream().filter(w -> w.createRefused).forEach(w -> keys.add(w.key()));
        return keys;
    }

    /** The found record was created by the user sfsync logs in as (when Salesforce says who created it). */
    private static boolean createdBy(RecordWork w, String integrationUser) {
        Object by = w.current == null ? null : w.current.get("CreatedById");
        return by == null || integrationUser == null || by.toString().regionMatches(0, integrationUser, 0, 15);
    }

    private static void confirm(RunContext run, RecordWork w, Long byRun) {
        Outcome o = w.outcome();
        String by = byRun == null || byRun == run.runId ? "an earlier attempt of this run" : "run " + byRun;
        w.settle(new Outcome(o.sourceKey(), o.sobject(), o.sfId(), Action.CREATED, "CREATE_CONFIRMED",
                "created in Salesforce by " + by + " (its answer was lost); found again"
                        + (o.action() == Action.UPDATED ? " and updated" : ""), o.fields()));
    }

    /** The matched record was in Salesforce before this row's create was attempted (clocks may differ a little). */
    private static boolean createdBefore(RecordWork w, Instant intentAt) {
        Object created = w.current == null ? null : w.current.get("CreatedDate");
        if (created == null) {
            return false;
        }
        try {
            Instant at = OffsetDateTime.parse(created.toString(),
                    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]XX")).toInstant();
            return at.isBefore(intentAt.minus(Duration.ofMinutes(5)));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static void counted(RunContext run, List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            run.tally.counts = run.tally.counts.plus(o.action());
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
                w.link == null ? "AUTO" : w.link.linkedBy(), w.link == null ? null : w.link.inboundModstamp(),
                agreedAfter(run, w));
    }

    /**
     * For fields synced both ways: what the two sides agree on once this write is done — Salesforce holds the
     * mapped value of each field sent or already equal; a field left as Salesforce had it keeps its last
     * agreement.
     */
    private static String agreedAfter(RunContext run, RecordWork w) {
        var agreed = io.sfsync.inbound.AgreedValues.parse(w.link == null || !w.link.sobject().equals(w.targetObject)
                ? null : w.link.agreedValues());
        boolean any = false;
        for (io.sfsync.config.FieldRule rule : run.job.fieldsOf(w.targetObject)) {
            if (rule.direction() != io.sfsync.config.FieldRule.Direction.BOTH || rule.from() == null) {
                continue;
            }
            any = true;
            Object mapped = w.mapped.valuesOf(w.targetObject).get(rule.field());
            Object salesforce = w.payload.containsKey(rule.field()) ? w.payload.get(rule.field())
                    : w.current == null ? null : w.current.get(rule.field());
            if (mapped != null && io.sfsync.inbound.InboundSync.same(mapped, salesforce)) {
                agreed.put(rule.field(), new io.sfsync.inbound.AgreedValues.Pair(io.sfsync.inbound.AgreedValues.text(salesforce),
                        io.sfsync.inbound.AgreedValues.text(w.row.get(rule.from()))));
            }
        }
        return any ? io.sfsync.inbound.AgreedValues.write(agreed) : w.link == null ? null : w.link.agreedValues();
    }
}
