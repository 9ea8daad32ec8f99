package io.sfsync.source;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a job's source query: its key, when it changed, its columns (lower-case names), whether
 * it falls in the job's segment, and whether it lies at or before the watermark (read again only
 * because of the job's overlap window).
 */
public record SourceRow(String key, Instant changedAt, Map<String, Object> columns, boolean inSegment, boolean replay) {

    public SourceRow(String key, Instant changedAt, Map<String, Object> columns, boolean inSegment) {
        this(key, changedAt, columns, inSegment, false);
    }

    public Object get(String column) {
        Object v = columns.get(column); // configured names are usually lower-case already
        return v != null || columns.containsKey(column) ? v : columns.get(column.toLowerCase(java.util.Locale.ROOT));
    }

    /** The column as trimmed text, or null when absent or blank. */
    public String text(String column) {
        Object v = get(column);
        if (v == null) {
            return null;
        }
        String s = v.toString().trim();
        return s.isEmpty() ? null : s;
    }
}
