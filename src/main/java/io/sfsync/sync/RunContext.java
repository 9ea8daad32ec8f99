package io.sfsync.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.sfsync.config.JobConfig;
import io.sfsync.mapping.MappingProcessor;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceReader;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.RunCounts;
import io.sfsync.synclog.SyncStore;

/** Everything one run of a job carries from batch to batch (the exchange property {@code SfsyncRun}). */
public final class RunContext {
    public static final String PROPERTY = io.sfsync.exchange.ExchangeKeys.RUN;

    /** RUN writes; DRY_RUN records the run and its log but writes nothing to Salesforce; PLAN writes nothing at all. */
    public enum Mode { RUN, DRY_RUN, PLAN }

    final JobConfig job;
    final Mode mode;
    final String trigger;
    final String segment;
    final SyncStore store;
    final SourceReader reader;
    final SalesforceClient salesforce;
    final Instant startedAt = Instant.now();
    /** Only these source keys (retry, per-record actions); null for a normal watermark run. */
    final List<String> onlyKeys;
    final Consumer<String> progress;
    final SyncMetrics metrics;
    /** The run's hold on its job. */
    final RunLease lease = new RunLease();
    /** The org as this run found it. */
    final OrgSnapshot org = new OrgSnapshot();
    /** Where this run stands in its source. */
    final WatermarkTrack watermark = new WatermarkTrack();
    /** What this run has done and spent. */
    final RunTally tally = new RunTally();
    /** Another run of this job was in progress: this one did nothing and records nothing. */
    boolean busy;
    /** The job's creates whose fate is not known yet (sync_intent): read at start, kept current by the run. */
    io.sfsync.synclog.CreateIntents intents = new io.sfsync.synclog.CreateIntents(List.of());
    /** What unmatched rows become (the job's createAs, or a push's "as"). */
    String createAs;
    long runId;
    /** Why this run re-reads rows already synced; null when it reads from its watermark as usual. */
    String resync;
    /**
     * A resync asked for: each row is compared with its Salesforce record, not with the hash of what was last
     * sent, so records changed by hand in Salesforce get the source's values back (a resync after a
     * settings change trusts the hash: unchanged rows cost no call).
     */
    boolean resyncAsked;
    /** Maps rows; replaced (on the thread that took the opening call's answers) when the org's describes changed. */
    volatile MappingProcessor mapper;
    /**
     * The opening call's limits arrived with a batch's lookup (after the budget check before that batch): the
     * match step checks the budget again before the batch is written.
     */
    final java.util.concurrent.atomic.AtomicBoolean budgetLearned = new java.util.concurrent.atomic.AtomicBoolean();
    /** The opening subrequests while they wait to ride on the run's first call; null once sent. */
    final java.util.concurrent.atomic.AtomicReference<Opening> opening = new java.util.concurrent.atomic.AtomicReference<>();
    /** The open source stream of a watermark run. */
    io.sfsync.source.SourceReader.Cursor source;
    /** The batches after this one, prepared on the reading thread while this one talks to Salesforce. */
    ReadAhead readAhead;
    volatile boolean more = true;
    /** How often the flow asked for a batch after the last one (see NextBatch). */
    int asksPastTheEnd;
    /** The batch read but not yet recorded: what the dead-letter channel must account for if a step fails. */
    Batch inFlight;
    /** Why the run stopped early (broken connection, API budget, failure), or null. */
    volatile String stopReason;
    volatile String stopStatus;
    /** The status the run was closed with, once closed. */
    String finishedStatus;
    /** Salesforce → source: where this run's polls stand (jobs with direction inbound or both), else null. */
    io.sfsync.inbound.InboundSync.State inbound;
    /** Activities: where this run's touchpoints stand (jobs with activities enabled), else null. */
    io.sfsync.activities.ActivitySync.State activities;
    /**
     * A dry run or plan of a job with activities: the people it decided to create or update (key → object),
     * so their touchpoints are shown as the Tasks a real run would make once it has linked them.
     */
    final java.util.Map<String, String> plannedPeople = new java.util.concurrent.ConcurrentHashMap<>();
    /** The batch of touchpoints read but not yet recorded: what the dead-letter channel must account for. */
    io.sfsync.activities.ActivityBatch activitiesInFlight;
    /** The source keys with a conflict waiting for an operator: an outbound pass leaves them alone. */
    java.util.Set<String> openConflicts = java.util.Set.of();
    /** The cluster's shared work, when this instance takes part in it (PostgreSQL, serving); else null. */
    SharedWork shared;
    /** A run of one unit of another run's shared backlog: its claim; null for a run of its own. */
    SharedWork.UnitRun unit;
    /** How many units this run's backlog was shared in (0: not shared), and the API calls they made. */
    int sharedUnits;
    /** How many poll pages this inbound run handed to the cluster's workers (0: it applied its own). */
    int sharedPages;
    int sharedCalls;
    /** This inbound run handed its poll pages to the cluster's workers: it applies none itself. */
    boolean pagesShared;
    /** The shared part of this run is over: it reads on from the last unit's end. */
    boolean sharedDone;
    final List<Outcome> outcomes = new ArrayList<>();
    final List<RecordWork> planned = new ArrayList<>();
    java.util.function.Consumer<RecordWork> planSink;

    RunContext(JobConfig job, Mode mode, String trigger, String segment, SyncStore store, SourceReader reader,
            SalesforceClient salesforce, List<String> onlyKeys, Consumer<String> progress, SyncMetrics metrics) {
        this.metrics = metrics;
        this.job = job;
        this.mode = mode;
        this.trigger = trigger;
        this.segment = segment;
        this.store = store;
        this.reader = reader;
        this.salesforce = salesforce;
        this.onlyKeys = onlyKeys;
        this.progress = progress;
    }

    public JobConfig job() { return job; }
    public Mode mode() { return mode; }
    public long runId() { return runId; }
    public RunCounts counts() { return tally.counts; }
    /** Of {@link #counts()}, the touchpoints' (Tasks). */
    public RunCounts activityCounts() { return tally.activityCounts; }
    public boolean more() { return more; }
    public String stopReason() { return stopReason; }
    public String status() { return finishedStatus; }
    public String segment() { return segment; }
    /** Why this run re-reads rows already synced (a resync asked for, or its settings changed); null: it does not. */
    public String resync() { return resync; }
    /** The run's API calls, those of its shared units on every instance included. */
    public int apiCalls() { return tally.apiCalls() + sharedCalls; }
    /** The outcomes of a run of chosen rows (a push, resync or retry); empty for a watermark run, whose
     *  outcomes are in sync_log only — a run of a million rows keeps none of them in memory. */
    public List<Outcome> outcomes() { return outcomes; }
    /** PLAN mode without a sink: the rows with their decided operation and field-level diff. */
    public List<RecordWork> planned() { return planned; }

    /** PLAN mode: hands each decided row to the sink as its batch ends instead of keeping it. */
    public void planTo(java.util.function.Consumer<RecordWork> sink) { this.planSink = sink; }

    /** Whether another batch, as costly as this run's costliest so far, still fits the budget. */
    boolean budgetAllowsAnotherBatch() {
        if (unit != null) {
            return true; // a unit's batches reserve their calls against its run's allowance (see NextBatch)
        }
        return tally.budgetAllowsAnotherBatch();
    }

    void batchStarted() {
        tally.batchStarted();
    }

    void batchEnded() {
        tally.batchEnded();
    }

    /**
     * One Composite call for this run (counted as one API call). The run's opening subrequests, while they
     * wait, ride on the first call that reads (a lookup, no headers of its own) and has room for them in one
     * request (at most 25 subrequests, five of them queries or collections), or go on a call of their own
     * before it.
     */
    List<com.fasterxml.jackson.databind.JsonNode> composite(List<com.fasterxml.jackson.databind.node.ObjectNode> subrequests,
            Map<String, String> headers, boolean idempotent) {
        Opening o = opening.getAndSet(null);
        if (o != null) {
            List<com.fasterxml.jackson.databind.node.ObjectNode> both = new java.util.ArrayList<>(o.subrequests());
            both.addAll(subrequests);
            // only a call that reads: the describes are checked before anything is written
            if (headers.isEmpty() && subrequests.stream().allMatch(r -> "GET".equals(r.path("method").asText()))
                    && fitOneRequest(both)) {
                return withOpening(o, subrequests);
            }
            withOpening(o, List.of());
        }
        tally.call();
        return salesforce.composite(subrequests, headers, idempotent);
    }

    /** Sends the opening subrequests on a call of their own if they still wait (a run that looked nothing up). */
    void sendOpening() {
        Opening o = opening.getAndSet(null);
        if (o != null) {
            withOpening(o, List.of());
        }
    }

    /** One call of the opening subrequests and these read-only ones; hands the opening its answers, returns the rest. */
    private List<com.fasterxml.jackson.databind.JsonNode> withOpening(Opening o,
            List<com.fasterxml.jackson.databind.node.ObjectNode> reads) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> both = new java.util.ArrayList<>(o.subrequests());
        both.addAll(reads);
        tally.call();
        List<com.fasterxml.jackson.databind.JsonNode> answers;
        try {
            answers = salesforce.composite(both, Map.of(), true);
        } catch (RuntimeException e) {
            opening.compareAndSet(null, o); // unanswered: it goes with the next call, or at the run's end
            throw e;
        }
        o.answered().accept(answers.subList(0, o.subrequests().size()));
        return answers.subList(o.subrequests().size(), answers.size());
    }

    /** Salesforce's Composite limits: 25 subrequests, of them at most five queries or sObject Collections. */
    static boolean fitOneRequest(List<com.fasterxml.jackson.databind.node.ObjectNode> subrequests) {
        long heavy = subrequests.stream().map(s -> s.path("url").asText())
                .filter(u -> u.contains("/query") || u.contains("/composite/sobjects")).count();
        return subrequests.size() <= 25 && heavy <= 5;
    }

    /** The run's opening subrequests and what takes their answers. */
    record Opening(List<com.fasterxml.jackson.databind.node.ObjectNode> subrequests,
            java.util.function.Consumer<List<com.fasterxml.jackson.databind.JsonNode>> answered) {
    }

    /** Any other Salesforce call on behalf of this run (Bulk API 2.0), counted as one API call. */
    Object call(String operation, Object body, Map<String, Object> headers, boolean idempotent) {
        sendOpening();
        tally.call();
        return salesforce.call(operation, body, headers, idempotent);
    }

    int apiCallsThisRun() {
        return tally.apiCalls();
    }

    /** Runs a step and adds its duration to the step's total. */
    public void timed(String step, Runnable work) {
        tally.timed(step, work);
    }

    /** "read 1.2s, map 0.3s, …" */
    public String stepTimes() {
        return tally.stepTimes();
    }

    String segmentPredicate() {
        return job.segmentPredicate(segment);
    }

    /** Releases the source stream, the reading thread and the heartbeat. */
    void close() {
        more = false;
        if (readAhead != null) {
            readAhead.close();
        }
        if (inbound != null) {
            inbound.close();
        }
        if (activities != null) {
            activities.close();
        }
        lease.stopRenewing();
        if (unit != null) {
            unit.stopRenewing();
        }
        if (source != null) {
            source.close();
            source = null;
        }
    }

    void stop(String status, String reason) {
        if (stopReason == null) {
            stopStatus = status;
            stopReason = reason;
        }
        more = false;
    }
}
