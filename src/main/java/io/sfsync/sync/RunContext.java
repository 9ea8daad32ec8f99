package io.sfsync.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.sfsync.config.JobConfig;
import io.sfsync.mapping.MappingProcessor;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceReader;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.RunCounts;
import io.sfsync.synclog.SyncStore;
import io.sfsync.synclog.Watermark;

/** Everything one run of a job carries from batch to batch (the exchange property {@code SfsyncRun}). */
public final class RunContext {
    public static final String PROPERTY = "SfsyncRun";

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
    /** Another run of this job was in progress: this one did nothing and records nothing. */
    boolean busy;
    /** This run's hold on the job (sync_state.lease_token), renewed by {@link #heartbeat}. */
    String leaseToken;
    /** Renews the lease every few seconds while the run lives, whatever a batch is waiting on. */
    java.util.concurrent.ScheduledExecutorService heartbeat;
    /** The job's creates whose fate is not known yet (sync_intent): read at start, kept current by the run. */
    io.sfsync.synclog.CreateIntents intents = new io.sfsync.synclog.CreateIntents(List.of());
    /** What unmatched rows become (the job's createAs, or a push's "as"). */
    String createAs;
    long runId;
    Map<String, ObjectInfo> describe = Map.of();
    MappingProcessor mapper;
    Watermark cursor;
    /** The open source stream of a watermark run. */
    io.sfsync.source.SourceReader.Cursor source;
    /** The batches after this one, prepared on the reading thread while this one talks to Salesforce. */
    ReadAhead readAhead;
    /** The last watermark this run committed (or found). */
    Watermark durable;
    /** Set once a row stays pending: the watermark must not pass it for the rest of the run. */
    boolean watermarkBlocked;
    volatile boolean more = true;
    /** The batch read but not yet recorded: what the dead-letter channel must account for if a step fails. */
    Batch inFlight;
    int batches;
    RunCounts counts = RunCounts.ZERO;
    /** Why the run stopped early (broken connection, API budget, failure), or null. */
    volatile String stopReason;
    volatile String stopStatus;
    /** The status the run was closed with, once closed. */
    String finishedStatus;
    /** Owner email (lower case) → active User Id, or "" when there is none; cached for the run. */
    final Map<String, String> usersByEmail = new java.util.concurrent.ConcurrentHashMap<>();
    String fallbackOwnerId;
    final List<Outcome> outcomes = new ArrayList<>();
    final List<RecordWork> planned = new ArrayList<>();
    java.util.function.Consumer<RecordWork> planSink;
    /** Time spent in each step, in nanoseconds (where a slow run spends its time). */
    final Map<String, Long> stepNanos = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final java.util.concurrent.atomic.AtomicInteger apiCalls = new java.util.concurrent.atomic.AtomicInteger();

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
    public RunCounts counts() { return counts; }
    public boolean more() { return more; }
    public String stopReason() { return stopReason; }
    public String status() { return finishedStatus; }
    public String segment() { return segment; }
    public int apiCalls() { return apiCalls.get(); }
    /** The outcomes of a run of chosen rows (a push, resync or retry); empty for a watermark run, whose
     *  outcomes are in sync_log only — a run of a million rows keeps none of them in memory. */
    public List<Outcome> outcomes() { return outcomes; }
    /** PLAN mode without a sink: the rows with their decided operation and field-level diff. */
    public List<RecordWork> planned() { return planned; }

    /** PLAN mode: hands each decided row to the sink as its batch ends instead of keeping it. */
    public void planTo(java.util.function.Consumer<RecordWork> sink) { this.planSink = sink; }

    /** Calls this run may make under the daily API budget (remaining × budget share); negative: unknown. */
    long apiAllowance = -1;
    final long startedNanos = System.nanoTime();

    /** Whether another batch, as costly as this run's costliest so far, still fits the budget. */
    boolean budgetAllowsAnotherBatch() {
        return apiAllowance < 0 || apiCalls.get() + costliestBatch <= apiAllowance;
    }

    /**
     * The most API calls one batch of this run has taken: 3 (lookup, accounts, writes) until a batch is
     * measured; a Bulk API batch takes more (job, upload, close, polls, results), and the budget check
     * before the next batch must know.
     */
    private volatile int costliestBatch = 3;
    private int callsAtBatchStart;

    void batchStarted() {
        callsAtBatchStart = apiCalls.get();
    }

    void batchEnded() {
        costliestBatch = Math.max(costliestBatch, apiCalls.get() - callsAtBatchStart);
    }

    /** One Composite call on behalf of this run (counted as one API call). */
    List<com.fasterxml.jackson.databind.JsonNode> composite(List<com.fasterxml.jackson.databind.node.ObjectNode> subrequests,
            Map<String, String> headers, boolean idempotent) {
        apiCalls.incrementAndGet();
        return salesforce.composite(subrequests, headers, idempotent);
    }

    /** Any other Salesforce call on behalf of this run (Bulk API 2.0), counted as one API call. */
    Object call(String operation, Object body, Map<String, Object> headers, boolean idempotent) {
        apiCalls.incrementAndGet();
        return salesforce.call(operation, body, headers, idempotent);
    }

    int apiCallsThisRun() {
        return apiCalls.get();
    }

    /** Runs a step and adds its duration to the step's total. */
    public void timed(String step, Runnable work) {
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            stepNanos.merge(step, System.nanoTime() - start, Long::sum);
        }
    }

    /** "read 1.2s, map 0.3s, …" */
    public String stepTimes() {
        StringBuilder sb = new StringBuilder();
        stepNanos.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2fs", v / 1e9)));
        return sb.toString();
    }

    String segmentPredicate() {
        return job.segmentPredicate(segment);
    }

    /** Releases the source stream, the reading thread and the heartbeat. */
    void close() {
        if (readAhead != null) {
            readAhead.close();
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
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
