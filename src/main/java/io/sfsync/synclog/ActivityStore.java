package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * The sync tables of activities: per job and touchpoint, the Task it is (sync_activity), and the
 * activities' own watermark in sync_state. A batch of touchpoints is recorded in one transaction: its
 * sync_log rows (sobject Task), its sync_activity rows, the person links it followed (a converted Lead's
 * Contact), the watermark and the run's counts.
 */
public final class ActivityStore {
    /** A touchpoint whose person has no link yet: read again once the person is linked. */
    public static final String PERSON_NOT_LINKED = "PERSON_NOT_LINKED";

    private final DataSource ds;
    private final SqlSupport sql;
    private final JobStates states;

    ActivityStore(DataSource ds, SqlSupport sql, JobStates states) {
        this.ds = ds;
        this.sql = sql;
        this.states = states;
    }

    /**
     * What a job knows of one touchpoint: SYNCED (a Task with this Id), PENDING (waiting, with the reason),
     * SKIPPED or ERROR; the WhoId and payload hash last written and whether its contents went out.
     */
    public record Activity(String sourceKey, String personKey, String state, String reason, String sfId, String whoId,
            String payloadHash, boolean contentSent, Instant syncedAt, Instant sourceChangedAt) {

        /** The same, settled at another version of the touchpoint. */
        public Activity at(Instant changedAt) {
            return new Activity(sourceKey, personKey, state, reason, sfId, whoId, payloadHash, contentSent, syncedAt,
                    changedAt);
        }
    }

    /**
     * One batch to record: its outcomes (with the changedAt of each touchpoint version), its activities,
     * the person links it followed, the advanced watermark (or null), the API calls the run has made so far
     * and the run's lease.
     */
    public record BatchWrite(long runId, String job, List<Outcome> outcomes, Map<String, Instant> versions,
            List<Activity> activities, List<Link> personLinks, Watermark watermark, int apiCallsSoFar, String leaseToken,
            String externalIdPrefix) {
    }

    /** The externalIdPrefix the job's Tasks were written with (null: none written yet). */
    public String externalIdPrefix(String job) {
        return sql.retrying("read the activities prefix of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT activity_prefix FROM sync_state WHERE job = ?")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Of the touchpoints waiting for their person, those of these people (a dry run or plan would link them). */
    public List<String> waitingFor(String job, Collection<String> personKeys) {
        List<String> out = new ArrayList<>();
        if (personKeys.isEmpty()) {
            return out;
        }
        String q = "SELECT a.source_key FROM UNNEST(?) AS k(v) JOIN sync_activity a ON a.person_key = k.v AND a.job = ?"
                + " WHERE a.state = 'PENDING' AND a.reason = ? ORDER BY a.source_key";
        sql.retrying("read the waiting activities of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", personKeys.toArray()));
                ps.setString(2, job);
                ps.setString(3, PERSON_NOT_LINKED);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** The activities' watermark of a job (START when it has none). */
    public Watermark watermark(String job) {
        return sql.retrying("read the activities watermark of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT activity_changed_at, activity_key FROM sync_state WHERE job = ?")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        return new Watermark(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2));
                    }
                }
            }
            return Watermark.START;
        });
    }

    /** The job's activities of these touchpoint keys, by key. */
    public Map<String, Activity> activities(String job, Collection<String> keys) {
        Map<String, Activity> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String q = "SELECT a.source_key, a.person_key, a.state, a.reason, a.sf_id, a.who_id, a.payload_hash, a.content_sent,"
                + " a.synced_at, a.source_changed_at FROM UNNEST(?) AS k(v) JOIN sync_activity a ON a.source_key = k.v"
                + " AND a.job = ?";
        sql.retrying("read the activities of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", keys.toArray()));
                ps.setString(2, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime at = rs.getObject(9, OffsetDateTime.class);
                        OffsetDateTime version = rs.getObject(10, OffsetDateTime.class);
                        out.put(rs.getString(1), new Activity(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8),
                                at == null ? null : at.toInstant(), version == null ? null : version.toInstant()));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * The touchpoints waiting PENDING that may go now (up to {@code limit}): those whose person has been
     * linked since, and those that waited for any other reason (a failed step, a transient error).
     */
    public List<String> ready(String job, int limit) {
        List<String> out = new ArrayList<>();
        String q = "SELECT a.source_key FROM sync_activity a WHERE a.job = ? AND a.state = 'PENDING' AND (a.reason IS NULL"
                + " OR a.reason <> ? OR EXISTS (SELECT 1 FROM sync_link l WHERE l.job = a.job AND l.source_key = a.person_key))"
                + " ORDER BY a.source_key";
        sql.retrying("read the waiting activities of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setString(1, job);
                ps.setString(2, PERSON_NOT_LINKED);
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * Puts the job's touchpoints that ended in ERROR (with this reason, or any when null) back in line: PENDING
     * with reason RETRY, read again by key in the next run; not those whose row is invalid (fixing the row
     * sends them). Returns how many.
     */
    public int retryErrors(String job, String reason) {
        // a touchpoint whose row cannot be synced (no key, no changedAt, a bad column) goes when its row is fixed
        String errors = "UPDATE sync_activity SET state = 'PENDING', reason = 'RETRY' WHERE job = ? AND state = 'ERROR'"
                + " AND (reason IS NULL OR reason <> 'INVALID_SOURCE_ROW')";
        return reason == null ? sql.update(errors, job) : sql.update(errors + " AND reason = ?", job, reason);
    }

    /**
     * Records a batch in one transaction, once, and only while the run holds its lease: sync_log, the
     * activities, the followed person links, the run's counts and API calls, the watermark.
     */
    public void record(BatchWrite b) {
        boolean firstTasks = b.externalIdPrefix() != null && b.activities().stream().anyMatch(a -> "SYNCED".equals(a.state()));
        if (b.watermark() != null || firstTasks) {
            states.ensureState(b.job());
        }
        SyncStore.inBatchTransaction(sql, ds, "record a batch of activities of " + b.job(), b.job(), b.leaseToken(),
                b.runId(), b.outcomes().size(), c -> {
                    SyncStore.insertLog(c, b.runId(), b.job(), "OUTBOUND", b.outcomes(), b.versions());
                    upsert(c, b.job(), b.activities());
                    if (!b.personLinks().isEmpty()) {
                        SyncStore.upsertLinks(c, b.job(), b.personLinks(), List.of());
                    }
                    SyncStore.countInRun(c, b.runId(), b.outcomes(), b.apiCallsSoFar());
                    if (firstTasks) {
                        // the prefix the Tasks' external IDs carry: a run with another one refuses to start
                        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET activity_prefix = ?"
                                + " WHERE job = ? AND activity_prefix IS NULL")) {
                            ps.setString(1, b.externalIdPrefix());
                            ps.setString(2, b.job());
                            ps.executeUpdate();
                        }
                    }
                    if (b.watermark() != null) {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET activity_changed_at = ?,"
                                + " activity_key = ? WHERE job = ?")) {
                            ps.setObject(1, b.watermark().changedAt().atOffset(ZoneOffset.UTC));
                            ps.setString(2, b.watermark().key());
                            ps.setString(3, b.job());
                            ps.executeUpdate();
                        }
                    }
                });
    }

    private static void upsert(Connection c, String job, List<Activity> activities) throws SQLException {
        if (activities.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_activity WHERE job = ? AND source_key = ?")) {
            for (Activity a : activities) {
                ps.setString(1, job);
                ps.setString(2, a.sourceKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_activity (job, source_key, person_key, state, reason,"
                + " sf_id, who_id, payload_hash, content_sent, synced_at, source_changed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Activity a : activities) {
                ps.setString(1, job);
                ps.setString(2, a.sourceKey());
                ps.setString(3, a.personKey());
                ps.setString(4, a.state());
                ps.setString(5, a.reason());
                ps.setString(6, a.sfId());
                ps.setString(7, a.whoId());
                ps.setString(8, a.payloadHash());
                ps.setBoolean(9, a.contentSent());
                ps.setObject(10, a.syncedAt() == null ? null : a.syncedAt().atOffset(ZoneOffset.UTC));
                ps.setObject(11, a.sourceChangedAt() == null ? null : a.sourceChangedAt().atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
