package io.sfsync.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.sfsync.synclog.RunCounts;

/** What a run has done and spent: its counts, its API calls against its budget, its batches, its time per step. */
final class RunTally {
    RunCounts counts = RunCounts.ZERO;
    /** Of {@link #counts}, the touchpoints' (Tasks). */
    RunCounts activityCounts = RunCounts.ZERO;
    int batches;
    /** Calls this run may make under the daily API budget (remaining × budget share); negative: unknown. */
    volatile long apiAllowance = -1;
    final long startedNanos = System.nanoTime();
    private final AtomicInteger apiCalls = new AtomicInteger();
    /**
     * The most API calls one batch of this run has taken: 3 (lookup, accounts, writes) until a batch is
     * measured; a Bulk API batch takes more (job, upload, close, polls, results), and the budget check
     * before the next batch must know.
     */
    private volatile int costliestBatch = 3;
    private int callsAtBatchStart;
    /** Time spent in each step, in nanoseconds (where a slow run spends its time); steps run on two threads. */
    private final Map<String, Long> stepNanos = Collections.synchronizedMap(new LinkedHashMap<>());

    int apiCalls() {
        return apiCalls.get();
    }

    void call() {
        apiCalls.incrementAndGet();
    }

    int costliestBatch() {
        return costliestBatch;
    }

    /** Whether another batch, as costly as this run's costliest so far, still fits the budget. */
    boolean budgetAllowsAnotherBatch() {
        return apiAllowance < 0 || apiCalls.get() + costliestBatch <= apiAllowance;
    }

    void batchStarted() {
        callsAtBatchStart = apiCalls.get();
    }

    void batchEnded() {
        costliestBatch = Math.max(costliestBatch, apiCalls.get() - callsAtBatchStart);
    }

    /** Runs a step and adds its duration to the step's total. */
    void timed(String step, Runnable work) {
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            stepNanos.merge(step, System.nanoTime() - start, Long::sum);
        }
    }

    /** "read 1.2s, map 0.3s, …" */
    String stepTimes() {
        StringBuilder sb = new StringBuilder();
        stepNanos.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2fs", v / 1e9)));
        return sb.toString();
    }
}
