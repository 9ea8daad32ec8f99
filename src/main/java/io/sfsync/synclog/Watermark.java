package io.sfsync.synclog;

import java.time.Instant;

/** How far a job has read: the last (changedAt, key) whose outcome is durably recorded. */
public record Watermark(Instant changedAt, String key) {
    public static final Watermark START = new Watermark(Instant.EPOCH, "");
}
