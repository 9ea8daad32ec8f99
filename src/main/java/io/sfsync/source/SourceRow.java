package io.sfsync.source;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One row of a job's source query: its key, when it changed, its columns (lower-case names), whether
 * it falls in the job's segment, and whether it lies at or before the watermark (read again only
 * because of the job's overlap window).
 *
 * @param invalid why the row cannot be synced (no key, a blank key, no changedAt), naming the column;
 *        null for a good row. An invalid row without a key carries a stand-in key made from its values
 *        ({@link #NO_KEY_PREFIX}), so it can be logged and recognised on later runs.
 */
public record SourceRow(String key, Instant changedAt, Map<String, Object> columns, boolean inSegment, boolean replay,
        String invalid) {
    /** Starts the stand-in key of a row whose key column is NULL or blank. */
    public static final String NO_KEY_PREFIX = "(no key) ";

    public SourceRow(String key, Instant changedAt, Map<String, Object> columns, boolean inSegment, boolean replay) {
        this(key, changedAt, columns, inSegment, replay, null);
    }

    public SourceRow(String key, Instant changedAt, Map<String, Object> columns, boolean inSegment) {
        this(key, changedAt, columns, inSegment, false, null);
    }

    public boolean isInvalid() {
        return invalid != null;
    }

    public Object get(String column) {
        Object v = columns.get(column); // configured names are usually lower-case already
        return v != null || columns.containsKey(column) ? v : columns.get(column.toLowerCase(Locale.ROOT));
    }

    /** Whether a flag column (do-not-contact, …) is set: true, a non-zero number, or yes/y/true/1 as text. */
    public boolean flag(String column) {
        Object v = get(column);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        return v != null && java.util.List.of("true", "yes", "y", "1").contains(v.toString().trim().toLowerCase(Locale.ROOT));
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
