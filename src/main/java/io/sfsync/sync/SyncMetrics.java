package io.sfsync.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.sfsync.synclog.Outcome;

/**
 * sfsync's own Micrometer meters: records by job and action, Salesforce API calls used and the
 * org's remaining daily allowance, run and batch durations. Camel adds its route metrics to the
 * same registry; both are scraped at /observe/metrics (Prometheus) and /api/metrics.
 */
public final class SyncMetrics {
    private final MeterRegistry registry;
    private final AtomicLong apiRemaining = new AtomicLong(-1);
    private final AtomicLong apiMax = new AtomicLong(-1);

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        Gauge.builder("sfsync_api_remaining", apiRemaining, AtomicLong::get)
                .description("Daily API requests the org has left (last /limits or Sforce-Limit-Info)").register(this.registry);
        Gauge.builder("sfsync_api_daily_max", apiMax, AtomicLong::get)
                .description("The org's daily API request allowance").register(this.registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * A unit of shared work this instance worked: finished (its last batch recorded) or stopped, its rows and its
     * API calls. Each instance counts its own, so the cluster's share per instance is in each one's metrics.
     */
    public void unit(String job, boolean finished, int rows, int apiCalls) {
        Counter.builder("sfsync_work_units").description("Units of shared runs this instance worked, by job and result")
                .tag("job", job).tag("result", finished ? "finished" : "stopped").register(registry).increment();
        Counter.builder("sfsync_work_rows").description("Rows of shared runs this instance recorded").tag("job", job)
                .register(registry).increment(rows);
        Counter.builder("sfsync_work_api_calls").description("Salesforce API calls of shared runs' units on this instance")
                .tag("job", job).register(registry).increment(apiCalls);
    }

    void outcome(String job, Outcome o) {
        Counter.builder("sfsync_records").description("Record outcomes by job and action").tag("job", job)
                .tag("action", o.action().name()).register(registry).increment();
    }

    void apiCalls(String job, int calls) {
        Counter.builder("sfsync_api_calls").description("Salesforce API calls made").tag("job", job).register(registry)
                .increment(calls);
    }

    /** From a response's Sforce-Limit-Info header. */
    public void limitsFromHeader(long max, long remaining) {
        limits(max, remaining);
    }

    void limits(long max, long remaining) {
        apiMax.set(max);
        apiRemaining.set(remaining);
    }

    void run(String job, String status, Duration took) {
        Timer.builder("sfsync_run_duration").description("Run durations").tag("job", job).tag("status", status)
                .register(registry).record(took);
    }

    void batch(String job, Duration took) {
        Timer.builder("sfsync_batch_duration").description("Batch durations (read to record)").tag("job", job)
                .register(registry).record(took);
    }
}
