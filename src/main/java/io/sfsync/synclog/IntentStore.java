package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

/**
 * sync_intent: the creates a run is about to send, written before they are sent, so whichever run
 * later finds those records (after a lost answer, a kill, a resent Bulk job) counts them created.
 */
public final class IntentStore {
    private final DataSource ds;
    private final SqlSupport sql;

    IntentStore(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    private <T> T retrying(String what, SqlSupport.SqlWork<T> work) {
        return sql.retrying(what, work);
    }

    private static OffsetDateTime now() {
        return SqlSupport.now();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Source keys per sync_intent row: a JSON array of 1,000 keys of up to 255 characters fits its column. */
    private static final int KEYS_PER_INTENT = 1_000;

    /**
     * Notes, before the write, the rows a run is about to create of one object: one sync_intent row per
     * 1,000 keys (so a batch of creates costs a write or two, not one per row). Returns the rows written.
     */
    public List<CreateIntents.Row> record(long runId, String job, String sobject, List<String> keys) {
        List<CreateIntents.Row> out = new ArrayList<>();
        if (keys.isEmpty()) {
            return out;
        }
        OffsetDateTime at = now().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as the database keeps it
        return retrying("record the creates of " + job, () -> {
            out.clear();
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                // an earlier attempt that committed before its answer was lost wrote these rows already
                try (PreparedStatement gone = c.prepareStatement("DELETE FROM sync_intent WHERE job = ? AND run_id = ?"
                        + " AND sobject = ? AND at = ?")) {
                    gone.setString(1, job);
                    gone.setLong(2, runId);
                    gone.setString(3, sobject);
                    gone.setObject(4, at);
                    gone.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_intent (job, run_id, sobject, at, source_keys)"
                        + " VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    for (int from = 0; from < keys.size(); from += KEYS_PER_INTENT) {
                        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_INTENT));
                        ps.setString(1, job);
                        ps.setLong(2, runId);
                        ps.setString(3, sobject);
                        ps.setObject(4, at);
                        ps.setString(5, json(chunk));
                        ps.executeUpdate();
                        try (ResultSet id = ps.getGeneratedKeys()) {
                            id.next();
                            out.add(new CreateIntents.Row(id.getLong(1), runId, sobject, at.toInstant(),
                                    new java.util.LinkedHashSet<>(chunk)));
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
            return out;
        });
    }

    /** The job's open create intents (read once when a run starts; most jobs have none). */
    public CreateIntents open(String job) {
        return retrying("read the creates of " + job, () -> {
            List<CreateIntents.Row> rows = new ArrayList<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT id, run_id, sobject, at, source_keys FROM sync_intent WHERE job = ? ORDER BY id")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new CreateIntents.Row(rs.getLong(1), rs.getLong(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), keys(rs.getString(5))));
                    }
                }
            }
            return new CreateIntents(rows);
        });
    }

    private static String json(Collection<String> keys) {
        try {
            return JSON.writeValueAsString(keys);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.Set<String> keys(String json) {
        try {
            return new java.util.LinkedHashSet<>(java.util.Arrays.asList(JSON.readValue(json, String[].class)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("sync_intent holds what is not a JSON list of keys: " + e.getMessage(), e);
        }
    }

    /** Ends or shortens intents, inside the transaction that records the batch whose rows they were. */
    static void end(Connection c, List<CreateIntents.Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM sync_intent WHERE id = ?");
                PreparedStatement update = c.prepareStatement("UPDATE sync_intent SET source_keys = ? WHERE id = ?")) {
            for (CreateIntents.Change ch : changes) {
                if (ch.keysLeft().isEmpty()) {
                    delete.setLong(1, ch.id());
                    delete.executeUpdate();
                } else {
                    update.setString(1, json(ch.keysLeft()));
                    update.setLong(2, ch.id());
                    update.executeUpdate();
                }
            }
        }
    }

}
