package io.sfsync.emulator.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The org's daily API request allowance (a rolling 24 hours in Salesforce; here until reset) and
 * the concurrent-request ceiling. Reported by /limits and by Sforce-Limit-Info on every response.
 */
public final class ApiLimits {
    private final AtomicLong dailyMax;
    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger maxConcurrent;
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong refusedConcurrent = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    public ApiLimits(long dailyMax, int maxConcurrent) {
        this.dailyMax = new AtomicLong(dailyMax);
        this.maxConcurrent = new AtomicInteger(maxConcurrent);
    }

    /** True when the daily allowance is spent: every further API call fails with REQUEST_LIMIT_EXCEEDED. */
    public boolean exhausted() {
        return used.get() >= dailyMax.get();
    }

    public void count(int calls) {
        used.addAndGet(calls);
    }

    public long used() { return used.get(); }
    public long max() { return dailyMax.get(); }
    public long remaining() { return Math.max(0, dailyMax.get() - used.get()); }
    public int maxConcurrent() { return maxConcurrent.get(); }

    public void set(Long max, Long usedSoFar, Integer concurrent) {
        if (max != null) {
            dailyMax.set(max);
        }
        if (usedSoFar != null) {
            used.set(usedSoFar);
        }
        if (concurrent != null) {
            maxConcurrent.set(concurrent);
        }
    }

    /** Enters a request; false (and nothing entered) when the concurrent ceiling is reached. */
    public boolean enter() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxConcurrent.get()) {
                refusedConcurrent.incrementAndGet();
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                peakInFlight.accumulateAndGet(n + 1, Math::max);
                return true;
            }
        }
    }

    /** The most requests in flight at once so far. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** Requests refused because the concurrent ceiling was reached. */
    public long refusedConcurrent() {
        return refusedConcurrent.get();
    }

    public void leave() {
        inFlight.decrementAndGet();
    }

    public String limitInfoHeader() {
        return "api-usage=" + used.get() + "/" + dailyMax.get();
    }

    /** The /limits resource. */
    public Map<String, Object> resource() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ConcurrentAsyncGetReportInstances", usage(200, 200));
        out.put("ConcurrentSyncReportRuns", usage(20, 20));
        out.put("DailyApiRequests", usage(dailyMax.get(), remaining()));
        out.put("DailyAsyncApexExecutions", usage(250000, 250000));
        out.put("DailyBulkApiBatches", usage(15000, 15000));
        out.put("DailyBulkV2QueryFileStorageMB", usage(976562, 976562));
        out.put("DailyBulkV2QueryJobs", usage(10000, 10000));
        out.put("DataStorageMB", usage(5, 5));
        out.put("FileStorageMB", usage(20, 20));
        out.put("HourlyODataCallout", usage(10000, 10000));
        out.put("SingleEmail", usage(15, 15));
        return out;
    }

    private static Map<String, Object> usage(long max, long remaining) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Max", max);
        m.put("Remaining", remaining);
        return m;
    }
}
