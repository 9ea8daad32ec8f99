package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.sfsync.synclog.SyncStore.Run;

/**
 * The runs in sync_run: opened RUNNING, closed with their status, counts, API calls and summary; a run a
 * dead process left RUNNING is marked ABORTED with the counts its sync_log holds.
 */
public final class RunHistory {
    private final DataSource ds;
    private final SqlSupport sql;

    RunHistory(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    private int update(String statement, Object... params) {
        return sql.update(statement, params);
    }

    private static OffsetDateTime now() {
        return SqlSupport.now();
    }

    /** Opens a run's sync_run row (RUNNING); returns its id. */
    public long start(String job, String trigger, String segment, boolean dryRun, String direction) {
        String sql = "INSERT INTO sync_run (job, trigger, segment, dry_run, started_at, status, direction)"
                + " VALUES (?, ?, ?, ?, ?, 'RUNNING', ?)";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, job);
            ps.setString(2, trigger);
            ps.setString(3, segment);
            ps.setBoolean(4, dryRun);
            ps.setObject(5, now());
            ps.setString(6, direction);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new SyncStore.SyncStoreException("cannot start a run of " + job, e);
        }
    }

    public void finish(long runId, String status, RunCounts counts, int apiCalls, String summary) {
        String sql = "UPDATE sync_run SET finished_at = ?, status = ?, attempted = ?, created = ?, updated = ?, skipped = ?,"
                + " duplicates = ?, errors = ?, pending = ?, unlinked = ?, conflicts = ?, api_calls = ?, summary = ?"
                + " WHERE id = ?";
        update(sql, now(), status, counts.attempted(), counts.created(), counts.updated(), counts.skipped(),
                counts.duplicates(), counts.errors(), counts.pending(), counts.unlinked(), counts.conflicts(), apiCalls,
                summary, runId);
    }

    public void noteFingerprint(long runId, String fingerprint, String resync) {
        update("UPDATE sync_run SET config_fingerprint = ?, resync = ? WHERE id = ?", fingerprint, resync, runId);
    }

    /**
     * Marks runs left RUNNING by a process that died as ABORTED. Their batches committed are kept, and
     * their counts are what sync_log holds for them (each batch also counted itself as it committed).
     */
    public int abortStale(String job) {
        String count = "(SELECT COUNT(*) FROM sync_log l WHERE l.run_id = sync_run.id";
        return update("UPDATE sync_run SET status = 'ABORTED', finished_at = ?,"
                + " attempted = " + count + "),"
                + " created = " + count + " AND l.action = 'CREATED'),"
                + " updated = " + count + " AND l.action IN ('UPDATED', 'LINKED')),"
                + " skipped = " + count + " AND l.action = 'SKIPPED'),"
                + " duplicates = " + count + " AND l.action = 'DUPLICATE'),"
                + " errors = " + count + " AND l.action = 'ERROR'),"
                + " pending = " + count + " AND l.action = 'PENDING'),"
                + " unlinked = " + count + " AND l.action = 'UNLINKED'),"
                + " conflicts = " + count + " AND l.action = 'CONFLICT'),"
                + " summary = 'aborted: the process running it stopped before it finished (its recorded batches are kept)'"
                + " WHERE job = ? AND status = 'RUNNING'", now(), job);
    }

    public Optional<Run> run(long id) {
        List<Run> runs = runs("WHERE id = ?", id);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    public Optional<Run> last(String job) {
        List<Run> runs = runs("WHERE job = ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", job);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    public List<Run> recent(int limit) {
        return runs("ORDER BY id DESC FETCH FIRST " + Math.max(1, Math.min(limit, 1000)) + " ROWS ONLY");
    }

    private List<Run> runs(String where, Object... params) {
        String sql = "SELECT id, job, trigger, segment, dry_run, started_at, finished_at, status, attempted, created, updated,"
                + " skipped, duplicates, errors, pending, api_calls, summary, unlinked, conflicts, direction, resync FROM sync_run "
                + where;
        List<Run> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime fin = rs.getObject(7, OffsetDateTime.class);
                    out.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant(), fin == null ? null : fin.toInstant(),
                            rs.getString(8), new RunCounts(rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12),
                                    rs.getInt(13), rs.getInt(14), rs.getInt(15), rs.getInt(18), rs.getInt(19)),
                            rs.getInt(16), rs.getString(17), rs.getString(20), rs.getString(21)));
                }
            }
        } catch (SQLException e) {
            throw new SyncStore.SyncStoreException("cannot read runs", e);
        }
        return out;
    }

    /** The API calls the runs started since then made, as each recorded them. */
    public long apiCallsSince(Instant since) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(api_calls), 0) FROM sync_run WHERE started_at >= ?")) {
            ps.setObject(1, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SyncStore.SyncStoreException("cannot read runs", e);
        }
    }
}
