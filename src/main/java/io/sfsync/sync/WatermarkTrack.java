package io.sfsync.sync;

import io.sfsync.synclog.Watermark;

/** Where a run stands in its source: where its read began and got to, what it committed, what holds it back. */
final class WatermarkTrack {
    /** The (changedAt, key) the run's reading starts after, then the last row handed out. */
    Watermark cursor;
    /** The last watermark this run committed (or found at its start). */
    Watermark durable;
    /** Set once a row stays pending: the watermark must not pass it for the rest of the run. */
    boolean blocked;
}
