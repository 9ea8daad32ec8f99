package io.sfsync.salesforce;

import java.time.Instant;

/**
 * The Salesforce connection as operators see it: UP, DEGRADED (the daily API allowance is low) or
 * BROKEN (authentication failed even after logging in again), with the reason and the last known
 * API usage. Runs report into it; the health check, the API and the console read it.
 */
public final class ConnectionMonitor {

    public enum State { UP, DEGRADED, BROKEN }

    /** A snapshot for readers. */
    public record Status(State state, String reason, long apiMax, long apiRemaining, Instant checkedAt) {
    }

    private final int degradedBelowPercent;
    private volatile Status status = new Status(State.UP, "not checked yet", -1, -1, null);

    public ConnectionMonitor(int degradedBelowPercent) {
        this.degradedBelowPercent = degradedBelowPercent;
    }

    public Status status() {
        return status;
    }

    /** A successful call told us the org's daily allowance. */
    public synchronized void limits(long max, long remaining) {
        if (status.state() == State.BROKEN) {
            return; // only a reconnect clears BROKEN
        }
        boolean low = max > 0 && remaining * 100 < max * (long) degradedBelowPercent;
        status = new Status(low ? State.DEGRADED : State.UP,
                low ? "only " + remaining + " of " + max + " daily API requests remain" : "connected",
                max, remaining, Instant.now());
    }

    public synchronized void broken(String reason) {
        status = new Status(State.BROKEN, reason, status.apiMax(), status.apiRemaining(), Instant.now());
    }

    public synchronized void repaired() {
        status = new Status(State.UP, "reconnected", status.apiMax(), status.apiRemaining(), Instant.now());
    }
}
