package io.sfsync.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.mapping.MappedRecord;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;

/**
 * Maps each open row (the job's field rules, transforms and defaults) and settles the ones that need
 * no Salesforce call: invalid source rows, outside the segment, do not contact, unchanged since the
 * last sync (payload hash), and repeats of a key or an email already in the batch. Mapping errors are
 * settled by the match step, once the row's target object is known (a Contact-only problem does not
 * stop a Lead).
 */
public final class MapStep {

    public void apply(RunContext run, Batch batch) {
        io.sfsync.mapping.MappingProcessor mapper = run.mapper;
        batch.mappedWith = mapper;
        List<RecordWork> open = batch.open().toList();
        // mapping is pure CPU work on independent rows: spread it over the cores
        batch.works().parallelStream().filter(w -> w.mapped == null && !w.row.isInvalid() && !w.settled())
                .forEach(w -> w.mapped = mapper.map(w.row));
        settle(run, batch);
        open.stream().filter(RecordWork::settled).forEach(w -> w.settledByMap = true);
    }

    /**
     * Maps the batch again with the run's mapper when it was mapped with another one (describes kept from
     * the last run that the opening call found changed): what this step settled is decided again.
     */
    void again(RunContext run, Batch batch) {
        for (RecordWork w : batch.works()) {
            if (w.settledByMap) {
                w.outcome = null;
                w.settledByMap = false;
            }
            if (!w.settled()) {
                w.mapped = null;
            }
        }
        apply(run, batch);
    }

    private static void settle(RunContext run, Batch batch) {
        for (RecordWork w : batch.works()) {
            w.mapStepPassed = true;
            if (w.settled()) {
                continue; // a step before this one decided it
            }
            if (w.row.isInvalid()) {
                w.settle(new Outcome(w.key(), w.targetObject, null, Action.ERROR, "INVALID_SOURCE_ROW",
                        "source row " + w.key() + ": " + w.row.invalid(), null));
                continue;
            }
            if (!w.row.inSegment()) {
                w.settle(Action.SKIPPED, "NOT_IN_SEGMENT", "not in segment '" + run.segment + "'");
                continue;
            }
            if (run.job.doNotContactColumn() != null && w.row.flag(run.job.doNotContactColumn())) {
                w.settle(Action.SKIPPED, "DO_NOT_CONTACT", run.job.doNotContactColumn() + " is set");
                continue;
            }
            if (run.openConflicts.contains(w.key())) {
                w.settle(Action.SKIPPED, "CONFLICT_OPEN", "row " + w.key() + " and its Salesforce record differ and wait"
                        + " for an operator (sfsync conflicts " + run.job.name() + "): nothing is sent until then");
                continue;
            }
            MappedRecord m = w.mapped;
            if (w.link != null && m.payloadHash().equals(w.link.payloadHash()) && run.onlyKeys == null
                    && !run.resyncAsked) {
                w.settle(new Outcome(w.key(), w.link.sobject(), w.link.sfId(), Action.SKIPPED, "NO_CHANGE",
                        "unchanged since the last sync", null));
            }
        }
        settleRepeatedKeys(batch);
        settleDuplicatesInSource(batch);
    }

    /**
     * Two rows with one key (a join that repeats a row, a key that is not unique): the most recently
     * changed one is synced, the others are reported — one key is one Salesforce record.
     */
    private static void settleRepeatedKeys(Batch batch) {
        Map<String, RecordWork> lastByKey = new HashMap<>();
        Map<String, Integer> times = new HashMap<>();
        for (RecordWork w : batch.works()) {
            if (!w.row.isInvalid()) {
                lastByKey.put(w.key(), w); // rows arrive in changedAt order: the last one wins
                times.merge(w.key(), 1, Integer::sum);
            }
        }
        if (lastByKey.size() == times.values().stream().mapToInt(Integer::intValue).sum()) {
            return; // every key once: the usual case
        }
        for (RecordWork w : batch.works()) {
            RecordWork keeper = lastByKey.get(w.key());
            if (keeper != null && keeper != w && !w.settled()) {
                w.settle(Action.DUPLICATE, "DUPLICATE_IN_SOURCE", "source row " + w.key() + ": the key "
                        + w.key() + " appears " + times.get(w.key()) + " times in the source query; the most recently"
                        + " changed row is the one synced (make the job's key unique)");
            }
        }
    }

    /** Two rows with one email: the most recently changed one is written, the others are reported. */
    private static void settleDuplicatesInSource(Batch batch) {
        Map<String, RecordWork> lastByEmail = new HashMap<>();
        List<RecordWork> open = batch.open().filter(w -> w.mapped != null && w.mapped.email() != null).toList();
        for (RecordWork w : open) {
            lastByEmail.put(w.mapped.email(), w); // rows arrive in changedAt order: the last one wins
        }
        for (RecordWork w : open) {
            RecordWork keeper = lastByEmail.get(w.mapped.email());
            if (keeper != w) {
                w.settle(Action.DUPLICATE, "DUPLICATE_IN_SOURCE", "row " + keeper.key() + " has the same email ("
                        + w.mapped.email() + ") in this batch and is the one synced");
            }
        }
    }
}
