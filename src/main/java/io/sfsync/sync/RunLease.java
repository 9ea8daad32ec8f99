package io.sfsync.sync;

import java.util.concurrent.ScheduledExecutorService;

/** A run's hold on its job: the lease token in sync_state, and the thread that renews it while the run lives. */
final class RunLease {
    /** sync_state.lease_token while this run holds the job; null for a plan (which holds nothing). */
    String token;
    /** Renews the lease every few seconds, whatever a batch is waiting on. */
    ScheduledExecutorService heartbeat;

    void stopRenewing() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }
}
