package io.sfsync.config;

/**
 * The SQL a job reads its rows with, the column that identifies a row, the column that says when it
 * last changed (the watermark column), and how far behind the watermark each run looks again
 * ({@code overlapSeconds}) for rows whose transaction committed after later ones had been read.
 */
public record SourceConfig(String query, String key, String changedAt, int overlapSeconds) {

    public SourceConfig(String query, String key, String changedAt) {
        this(query, key, changedAt, 0);
    }
}
