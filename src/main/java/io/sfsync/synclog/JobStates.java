package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

import javax.sql.DataSource;

import io.sfsync.synclog.SyncStore.Lease;
import io.sfsync.synclog.SyncStore.State;

/**
 * The jobs' rows in sync_state: each job's watermark, whether it is paused (and why), and its run lease
 * — who holds the job, since when, renewed when — judged by the database's clock, so instances whose
 * clocks differ still agree on who holds a job.
 */
public final class JobStates {
    private final DataSource ds;
    private final SqlSupport sql;

    JobStates(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    private int update(String statement, Object... params) {
        return sql.update(statement, params);
    }

    private <T> T retrying(String what, SqlSupport.SqlWork<T> work) {
        return sql.retrying(what, work);
    }

    /** The job's watermark and pause (a job never run starts at the beginning). */
    public State state(String job) {
        String sql = "SELECT watermark_changed_at, watermark_key, paused, broken_reason, last_success_at, config_fingerprint,"
                + " config_sections, resync_compare FROM sync_state WHERE job = ?";
        return retrying("read the state of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new State(job, Watermark.START, false, null, null, null, null, false);
                    }
                    OffsetDateTime wm = rs.getObject(1, OffsetDateTime.class);
                    Watermark w = wm == null ? Watermark.START : new Watermark(wm.toInstant(), rs.getString(2));
                    OffsetDateTime last = rs.getObject(5, OffsetDateTime.class);
                    return new State(job, w, rs.getBoolean(3), rs.getString(4), last == null ? null : last.toInstant(),
                            rs.getString(6), rs.getString(7), rs.getBoolean(8));
                }
            }
        });
    }

    /**
     * Takes the job's run lease unless another run (here or in another instance) holds a live one;
     * a lease whose heartbeat is older than {@code expiry} is taken over.
     */
    public boolean claim(String job, String token, java.time.Duration expiry, String holder) {
        ensureState(job);
        // the database's clock, not the instances': hosts whose clocks differ still agree on who holds a lease
        return update("UPDATE sync_state SET lease_token = ?, lease_heartbeat = CURRENT_TIMESTAMP, lease_holder = ?,"
                + " lease_since = CURRENT_TIMESTAMP, lease_run_id = NULL WHERE job = ? AND (lease_token IS NULL"
                + " OR lease_heartbeat IS NULL OR lease_heartbeat < CURRENT_TIMESTAMP - INTERVAL '" + expiry.toSeconds()
                + "' SECOND)", token, holder, job) == 1;
    }

    /** Takes over a lease whose holder is known to be dead; false when it changed hands meanwhile. */
    public boolean takeOver(String job, String deadToken, String token, String holder) {
        return update("UPDATE sync_state SET lease_token = ?, lease_heartbeat = CURRENT_TIMESTAMP, lease_holder = ?,"
                + " lease_since = CURRENT_TIMESTAMP, lease_run_id = NULL WHERE job = ? AND lease_token = ?", token, holder,
                job, deadToken) == 1;
    }

    /** Notes the run that holds the lease (known once its sync_run row exists). */
    public void leaseRun(String job, String token, long runId) {
        update("UPDATE sync_state SET lease_run_id = ? WHERE job = ? AND lease_token = ?", runId, job, token);
    }

    /** The job's lease as it stands (empty when nobody holds it). */
    public Optional<Lease> lease(String job) {
        return retrying("read the lease of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT lease_token, lease_holder, lease_run_id, lease_since, lease_heartbeat FROM sync_state"
                            + " WHERE job = ? AND lease_token IS NOT NULL")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Lease>empty();
                    }
                    long run = rs.getLong(3);
                    Long runId = rs.wasNull() ? null : run;
                    OffsetDateTime since = rs.getObject(4, OffsetDateTime.class);
                    OffsetDateTime beat = rs.getObject(5, OffsetDateTime.class);
                    return Optional.of(new Lease(rs.getString(1), rs.getString(2), runId,
                            since == null ? null : since.toInstant(), beat == null ? null : beat.toInstant()));
                }
            }
        });
    }

    /** Renews the lease's heartbeat; false when the lease is no longer this run's (it was taken over). */
    public boolean heartbeat(String job, String token) {
        return update("UPDATE sync_state SET lease_heartbeat = CURRENT_TIMESTAMP WHERE job = ? AND lease_token = ?", job,
                token) == 1;
    }

    public void release(String job, String token) {
        update("UPDATE sync_state SET lease_token = NULL, lease_heartbeat = NULL, lease_holder = NULL, lease_since = NULL,"
                + " lease_run_id = NULL WHERE job = ? AND lease_token = ?", job, token);
    }

    public void setPaused(String job, boolean paused, String brokenReason) {
        ensureState(job);
        update("UPDATE sync_state SET paused = ?, broken_reason = ? WHERE job = ?", paused, brokenReason, job);
    }

    public void recordFingerprint(String job, io.sfsync.config.JobFingerprint fp) {
        ensureState(job);
        update("UPDATE sync_state SET config_fingerprint = ?, config_sections = ? WHERE job = ?", fp.value(),
                fp.sectionsJson(), job);
    }

    public void startResync(String job, Watermark from, io.sfsync.config.JobFingerprint fp, boolean compare) {
        ensureState(job);
        boolean start = from.equals(Watermark.START);
        update("UPDATE sync_state SET watermark_changed_at = ?, watermark_key = ?, config_fingerprint = ?,"
                + " config_sections = ?, resync_compare = ? WHERE job = ?",
                start ? null : from.changedAt().atOffset(java.time.ZoneOffset.UTC), start ? null : from.key(), fp.value(),
                fp.sectionsJson(), compare, job);
    }

    public void endResyncCompare(String job, String leaseToken) {
        update("UPDATE sync_state SET resync_compare = FALSE WHERE job = ? AND lease_token = ?", job, leaseToken);
    }

    public void resetWatermark(String job) {
        ensureState(job);
        update("UPDATE sync_state SET watermark_changed_at = NULL, watermark_key = NULL WHERE job = ?", job);
    }

    /**
     * Makes sure the job has its sync_state row. Instances may race to create it: the loser's insert
     * fails on the primary key (SQLState 23505 on H2 and PostgreSQL), and the row is there all the same.
     */
    void ensureState(String job) {
        retrying("write the state of " + job, () -> {
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sync_state WHERE job = ?")) {
                    ps.setString(1, job);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return null;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_state (job, paused) VALUES (?, FALSE)")) {
                    ps.setString(1, job);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

}
