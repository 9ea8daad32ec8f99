package io.sfsync.config;

/**
 * The SQL a job reads its rows with, the column that identifies a row, and the column that says
 * when it last changed (the watermark column).
 */
public record SourceConfig(String query, String key, String changedAt) {
}
