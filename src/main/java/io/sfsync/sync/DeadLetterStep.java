package io.sfsync.sync;


import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.salesforce.ErrorClassifier;
import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.SyncStore;

/**
 * The dead-letter channel's end: when a step fails outright (database down, a bug), the batch's
 * unsettled rows are written to sync_log as PENDING with the reason, the run ends FAILED, and the
 * watermark stays where it was — the rows are read again on the next run.
 */
public final class DeadLetterStep {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStep.class);

    private final RecordStep record;
    private final RunLifecycle lifecycle;
    private final ActivitySteps activities;

    DeadLetterStep(RunLifecycle lifecycle, RecordStep record, ActivitySteps activities) {
        this.lifecycle = lifecycle;
        this.record = record;
        this.activities = activities;
    }

    public void handle(Exchange e) {
        Throwable error = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RunContext run = e.getProperty(RunContext.PROPERTY, RunContext.class);
        String reason = error == null ? "unknown failure" : ErrorClassifier.describe(error);
        e.setProperty(io.sfsync.exchange.ExchangeKeys.STOP_REASON, reason);
        if (run == null) {
            LOG.error("A sync step failed before its run started: {}", reason, error);
            return;
        }
        if (run.finishedStatus != null) {
            // a step of a flow of one's own failed after its run was closed: nothing of it is left to record
            LOG.error("A step failed after run {} of {} was finished: {}", run.runId, run.job.name(), reason);
            e.getMessage().setBody(run);
            return;
        }
        FailurePolicy.Decision decision = FailurePolicy.forStepFailure(error);
        if (decision.runAction() != FailurePolicy.RunAction.FAIL && findCall(error) != null) {
            lifecycle.stopOnFailure(run, findCall(error)); // a broken login or a spent daily limit pauses the job
        } else {
            run.stop("FAILED", reason);
        }
        Batch batch = run.inFlight;
        if (leaseLost(error)) {
            // another run holds the job now and accounts for these rows: this one writes nothing more
            run.inFlight = null;
            batch = null;
        }
        if (batch != null && run.mode != RunContext.Mode.PLAN) {
            // rows a step had already settled keep their outcome (a record written to Salesforce is logged
            // CREATED or UPDATED and linked, not sent again as new); the rest wait for the next run
            for (RecordWork w : batch.works()) {
                if (!w.settled()) {
                    w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), decision.outcome(), decision.reason(),
                            "not synced, retried next run: " + reason, null));
                }
            }
            try {
                record.apply(run, batch);
            } catch (SyncStore.LeaseLostException | SyncStore.WorkLostException lost) {
                LOG.warn("Run {} of {} lost its lease before its failed batch was recorded: {}", run.runId,
                        run.job.name(), lost.getMessage());
            } catch (RuntimeException recordFailed) {
                recordPlainly(run, batch, decision, reason, recordFailed);
            }
            run.inFlight = null;
        }
        recordActivities(run, error, decision, reason);
        lifecycle.finishOnce(run);
        e.getMessage().setBody(run);
    }

    /** The batch of touchpoints in flight: those no step settled wait PENDING; those written keep their outcome. */
    private void recordActivities(RunContext run, Throwable error, FailurePolicy.Decision decision, String reason) {
        io.sfsync.activities.ActivityBatch batch = run.activitiesInFlight;
        run.activitiesInFlight = null;
        if (batch == null || run.activities == null || leaseLost(error) || run.mode == RunContext.Mode.PLAN) {
            return;
        }
        try {
            io.sfsync.activities.ActivitySync.failed(activities.context(run), run.activities, batch, decision.outcome(),
                    decision.reason(), reason);
        } catch (RuntimeException recordFailed) {
            LOG.error("Could not record the failed batch of touchpoints ({}); they stay behind the activities' watermark",
                    recordFailed.getMessage());
        }
    }

    /**
     * The record step could not record the failed batch (the same failure again, say): its rows are written
     * PENDING as they are, without links or watermark, so each still has its sync_log row.
     */
    private static void recordPlainly(RunContext run, Batch batch, FailurePolicy.Decision decision, String reason,
            RuntimeException recordFailed) {
        java.util.List<Outcome> pending = new java.util.ArrayList<>();
        for (RecordWork w : batch.works()) {
            pending.add(new Outcome(w.key(), w.targetObject, w.currentId(), decision.outcome(), decision.reason(),
                    "not recorded with its outcome, retried next run: " + reason, null));
        }
        try {
            run.store.recordBatch(new SyncStore.BatchWrite(run.runId, run.job.name(), "OUTBOUND", pending,
                    java.util.Map.of(), java.util.List.of(), java.util.List.of(), null, java.util.List.of(), -1,
                    run.lease.token));
            RecordStep.counted(run, pending);
        } catch (RuntimeException dbDown) {
            LOG.error("Could not record the failed batch in sync_log either ({}, after {}); its rows stay behind the"
                    + " watermark", dbDown.getMessage(), recordFailed.getMessage());
        }
    }

    private static boolean leaseLost(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            // a lost job lease, or a unit of shared work another worker claimed: the new holder accounts for the rows
            if (c instanceof SyncStore.LeaseLostException || c instanceof SyncStore.WorkLostException) {
                return true;
            }
        }
        return false;
    }

    private static io.sfsync.salesforce.SalesforceClient.SalesforceCallException findCall(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.sfsync.salesforce.SalesforceClient.SalesforceCallException call) {
                return call;
            }
        }
        return null;
    }
}
