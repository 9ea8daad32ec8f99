package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * sync_work and sync_work_key: a run's backlog cut into units that every instance of a cluster claims
 * with {@code SELECT … FOR UPDATE SKIP LOCKED}, holds by a lease it renews, and records batch by batch
 * (see {@link SyncStore#recordUnitBatch}); and the create keys by which two units never create the same
 * record. PostgreSQL only: the cluster shares its sync database.
 */
public final class WorkStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource ds;
    private final SqlSupport sql;

    WorkStore(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    /**
     * A unit: a range of the source's (changedAt, key) order after {@code after} up to and with {@code upTo}
     * (the first one from the job's watermark, overlap window and all), read by its {@code keys} (the first by
     * its range); a part after 0 holds the keys of rows its unit set aside. {@code resume}: the last row it
     * recorded, when it was claimed before.
     */
    public record Unit(long id, String job, long runId, int seq, int part, String fingerprint, Watermark after,
            Watermark upTo, boolean first, List<String> keys, String token, int batchesRecorded, Watermark resume,
            int claims, String kind, String payload) {
        /** Units of outbound runs: ranges of the source. */
        public static final String OUT = "OUT";
        /** Units of inbound runs: poll pages, their records in {@code payload}. */
        public static final String IN = "IN";

        public boolean inbound() {
            return IN.equals(kind);
        }

        /** "unit 3 of run 12" (with its part when it has one). */
        public String label() {
            return "unit " + seq + (part > 0 ? "." + part : "") + " of run " + runId;
        }
    }

    /** A unit as /api/cluster shows it. */
    public record UnitView(long id, String job, long runId, int seq, int part, String state, String claimedBy,
            Instant leaseUntil, int claims, int rowsRecorded, int plannedRows, String kind) {
    }

    /** Hands a plan's units to {@link #plan} as the source is read. */
    public interface Planning {
        int plan(io.sfsync.source.SourceReader.UnitSink sink) throws SQLException;
    }

    /**
     * Plans a run's units in one transaction: each of {@code rowsPerUnit} rows as the backlog was read, with its
     * keys (a unit reads its rows by key) and its range (after the unit before it, up to its last row; the first
     * from {@code start}, the job's watermark). Units of the job's earlier runs not finished (their run died)
     * are left: the job's watermark stayed before them, so this plan covers their rows again. Returns how many.
     */
    public int plan(String job, long runId, String fingerprint, Watermark start, int rowsPerUnit, Planning planning) {
        return sql.retrying("plan the units of run " + runId, () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    leaveEarlierRuns(c, job, runId);
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_work WHERE run_id = ? AND kind = 'OUT'")) {
                        ps.setLong(1, runId); // an earlier attempt whose commit answer was lost
                        ps.executeUpdate();
                    }
                    int units;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_work (job, run_id, seq, fingerprint,"
                            + " after_changed_at, after_key, upto_changed_at, upto_key, first_unit, source_keys, planned_rows)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        Watermark[] after = {start};
                        int[] seq = {0};
                        units = planning.plan((keys, upTo) -> {
                            seq[0]++;
                            ps.setString(1, job);
                            ps.setLong(2, runId);
                            ps.setInt(3, seq[0]);
                            ps.setString(4, fingerprint);
                            boolean fromStart = after[0].equals(Watermark.START);
                            ps.setObject(5, fromStart ? null : at(after[0].changedAt()));
                            ps.setString(6, fromStart ? null : after[0].key());
                            ps.setObject(7, at(upTo.changedAt()));
                            ps.setString(8, upTo.key());
                            ps.setBoolean(9, seq[0] == 1);
                            ps.setString(10, json(keys));
                            ps.setInt(11, keys.size());
                            ps.addBatch();
                            if (seq[0] % 50 == 0) {
                                ps.executeBatch();
                            }
                            after[0] = upTo;
                        });
                        ps.executeBatch();
                    }
                    c.commit();
                    return units;
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    /**
     * The job's units of earlier runs not finished (their run died) are left, their create keys and page
     * references dropped (one that died kept them), and the units of runs over a day old deleted.
     */
    private static void leaveEarlierRuns(Connection c, String job, long runId) throws SQLException {
        for (String sql : List.of("UPDATE sync_work SET state = 'ABANDONED' WHERE job = ? AND run_id <> ? AND state <> 'DONE'",
                "DELETE FROM sync_work_key k WHERE EXISTS (SELECT 1 FROM sync_work w WHERE w.run_id = k.run_id AND w.job = ?)"
                        + " AND k.run_id < ?",
                "DELETE FROM sync_work_ref r WHERE EXISTS (SELECT 1 FROM sync_work w WHERE w.run_id = r.run_id AND w.job = ?)"
                        + " AND r.run_id < ?",
                "DELETE FROM sync_work WHERE job = ? AND run_id < ? AND state IN ('DONE', 'ABANDONED') AND (done_at IS NULL"
                        + " OR done_at < CURRENT_TIMESTAMP - INTERVAL '1 days')")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, job);
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
        }
    }


    /**
     * Hands one poll page of an inbound run to the cluster: a unit of kind IN, next in the run's order, holding
     * the page's records ({@code payload}) and where each object's cursor stands after it ({@code cursors}).
     * The first page of a run also leaves the job's units of earlier runs that never finished: the job's
     * cursors stayed before them, so this run polls their records again.
     */
    public void addPage(String job, long runId, String fingerprint, int seq, String payload, String cursors, int records,
            Collection<String> refs) {
        sql.retrying("hand page " + seq + " of run " + runId + " to the cluster", () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sync_work WHERE run_id = ? AND kind = 'IN'"
                            + " AND seq = ?")) {
                        ps.setLong(1, runId);
                        ps.setInt(2, seq);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                c.rollback(); // an earlier attempt committed (only its answer was lost): it may be worked
                                return null;
                            }
                        }
                    }
                    if (seq == 1) {
                        leaveEarlierRuns(c, job, runId);
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_work_ref (run_id, seq, ref)"
                            + " SELECT ?, ?, r FROM unnest(?::text[]) AS r")) {
                        ps.setLong(1, runId);
                        ps.setInt(2, seq);
                        ps.setArray(3, c.createArrayOf("text", refs.toArray()));
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_work (job, run_id, seq, fingerprint,"
                            + " first_unit, planned_rows, kind, payload, cursors) VALUES (?, ?, ?, ?, ?, ?, 'IN', ?, ?)")) {
                        ps.setString(1, job);
                        ps.setLong(2, runId);
                        ps.setInt(3, seq);
                        ps.setString(4, fingerprint);
                        ps.setBoolean(5, seq == 1);
                        ps.setInt(6, records);
                        ps.setString(7, payload);
                        ps.setString(8, cursors);
                        ps.executeUpdate();
                    }
                    c.commit();
                    return null;
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    /**
     * Claims the next unit this worker may work: open (and due), or claimed by a worker whose lease ran out
     * (it died or hangs), of a job it knows with the same settings fingerprint (job and fingerprint pairs:
     * one per segment a run may read); of one run only when
     * {@code runId} is not null. Rows locked by another claimer are skipped, never waited for.
     */
    public Optional<Unit> claim(String holder, List<Map.Entry<String, String>> fingerprints, Long runId, Duration lease) {
        if (fingerprints.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder jobs = new StringBuilder();
        fingerprints.forEach(f -> jobs.append(jobs.length() == 0 ? "" : " OR ").append("(job = ? AND fingerprint = ?)"));
        String token = java.util.UUID.randomUUID().toString();
        String pick = "SELECT id FROM sync_work WHERE ((state = 'OPEN' AND (not_before IS NULL OR not_before <= CURRENT_TIMESTAMP))"
                + " OR (state = 'CLAIMED' AND lease_until < CURRENT_TIMESTAMP)) AND (" + jobs + ")"
                + (runId == null ? "" : " AND run_id = ?") + " ORDER BY run_id, seq, part LIMIT 1 FOR UPDATE SKIP LOCKED";
        return sql.retrying("claim a unit of work", () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Long id = null;
                    try (PreparedStatement ps = c.prepareStatement(pick)) {
                        int i = 1;
                        for (Map.Entry<String, String> e : fingerprints) {
                            ps.setString(i++, e.getKey());
                            ps.setString(i++, e.getValue());
                        }
                        if (runId != null) {
                            ps.setLong(i, runId);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                id = rs.getLong(1);
                            }
                        }
                    }
                    if (id == null) {
                        c.rollback();
                        return Optional.<Unit>empty();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE sync_work SET state = 'CLAIMED', claimed_by = ?,"
                            + " claim_token = ?, lease_until = CURRENT_TIMESTAMP + INTERVAL '" + lease.toSeconds()
                            + " seconds', claims = claims + 1 WHERE id = ?")) {
                        ps.setString(1, holder);
                        ps.setString(2, token);
                        ps.setLong(3, id);
                        ps.executeUpdate();
                    }
                    Unit unit = read(c, id);
                    c.commit();
                    return Optional.of(unit);
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    private static Unit read(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT job, run_id, seq, part, fingerprint, after_changed_at,"
                + " after_key, upto_changed_at, upto_key, first_unit, source_keys, claim_token, batches_recorded,"
                + " resume_changed_at, resume_key, claims, kind, payload FROM sync_work WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime after = rs.getObject(6, OffsetDateTime.class);
                OffsetDateTime upTo = rs.getObject(8, OffsetDateTime.class);
                OffsetDateTime resume = rs.getObject(14, OffsetDateTime.class);
                String keys = rs.getString(11);
                List<String> keyList;
                try {
                    keyList = keys == null ? null : JSON.readValue(keys, new TypeReference<List<String>>() { });
                } catch (java.io.IOException e) {
                    throw new SQLException("sync_work " + id + " has unreadable source_keys: " + e.getMessage(), e);
                }
                return new Unit(id, rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                        after == null ? Watermark.START : new Watermark(after.toInstant(), rs.getString(7)),
                        upTo == null ? null : new Watermark(upTo.toInstant(), rs.getString(9)), rs.getBoolean(10), keyList,
                        rs.getString(12), rs.getInt(13),
                        resume == null ? null : new Watermark(resume.toInstant(), rs.getString(15)), rs.getInt(16),
                        rs.getString(17), rs.getString(18));
            }
        }
    }

    /**
     * Hands a claimed unit back to the cluster, due again in {@code delayMs} (what it recorded stays); false when
     * another worker claimed it meanwhile.
     */
    public boolean handBack(long unitId, String token, long delayMs) {
        return sql.update("UPDATE sync_work SET state = 'OPEN', claim_token = NULL, lease_until = NULL, not_before ="
                + " CURRENT_TIMESTAMP + INTERVAL '" + Math.max(0, delayMs) + " milliseconds' WHERE id = ? AND claim_token = ?"
                + " AND state = 'CLAIMED'", unitId, token) == 1;
    }

    /** Renews a unit's lease; false when another worker claimed it meanwhile (this one's lease ran out). */
    public boolean renew(long unitId, String token, Duration lease) {
        return sql.update("UPDATE sync_work SET lease_until = CURRENT_TIMESTAMP + INTERVAL '" + lease.toSeconds()
                + " seconds' WHERE id = ? AND claim_token = ? AND state = 'CLAIMED'", unitId, token) == 1;
    }

    /** A number from the cluster's one clock (a sequence): taken before a lookup, compared with releases. */
    public long ticket() {
        return sql.retrying("read the work clock", () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT nextval('sync_work_clock')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Claims the create keys of a unit's rows, in one transaction and in key order (so two claimers never
     * deadlock): a key is this unit's when no other unit of the run holds it, when this unit held it already,
     * or when its holder released it before {@code ticket} (this unit's lookup began after that holder's
     * records were in Salesforce). A row gets to create only with all its keys; the keys of rows that do
     * not are let go again. Returns the rows (by their id in {@code keysByRow}) that may create.
     */
    public Set<String> claimKeys(long runId, long unitId, long ticket, Map<String, Set<String>> keysByRow) {
        Set<String> all = new java.util.TreeSet<>();
        keysByRow.values().forEach(all::addAll);
        if (all.isEmpty()) {
            return new HashSet<>(keysByRow.keySet());
        }
        // keys a finished unit still holds (its worker died between its last commit and the release): released now,
        // after that commit, so this claim waits for the next ticket to take them
        sql.update("UPDATE sync_work_key k SET released = nextval('sync_work_clock') WHERE k.run_id = ? AND k.released IS NULL"
                + " AND k.unit_id <> ? AND k.match_key = ANY(?::text[]) AND EXISTS (SELECT 1 FROM sync_work w WHERE w.id = k.unit_id"
                + " AND w.state IN ('DONE', 'ABANDONED'))", runId, unitId, all.toArray(new String[0]));
        return sql.retrying("claim the create keys of unit " + unitId, () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Set<String> granted = new HashSet<>();
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_work_key (run_id, match_key, unit_id)"
                            + " SELECT ?, k, ? FROM unnest(?::text[]) AS k ORDER BY k"
                            + " ON CONFLICT (run_id, match_key) DO UPDATE SET unit_id = EXCLUDED.unit_id, released = NULL"
                            + " WHERE sync_work_key.unit_id = EXCLUDED.unit_id"
                            + " OR (sync_work_key.released IS NOT NULL AND sync_work_key.released < ?)"
                            + " RETURNING match_key")) {
                        ps.setLong(1, runId);
                        ps.setLong(2, unitId);
                        ps.setArray(3, c.createArrayOf("text", all.toArray()));
                        ps.setLong(4, ticket);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                granted.add(rs.getString(1));
                            }
                        }
                    }
                    Set<String> rows = new HashSet<>();
                    Set<String> used = new HashSet<>();
                    keysByRow.forEach((row, keys) -> {
                        if (granted.containsAll(keys)) {
                            rows.add(row);
                            used.addAll(keys);
                        }
                    });
                    List<String> letGo = granted.stream().filter(k -> !used.contains(k)).sorted().toList();
                    if (!letGo.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_work_key WHERE run_id = ?"
                                + " AND unit_id = ? AND match_key = ANY(?::text[])")) {
                            ps.setLong(1, runId);
                            ps.setLong(2, unitId);
                            ps.setArray(3, c.createArrayOf("text", letGo.toArray()));
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                    return rows;
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
        });
    }

    /**
     * A run's units: not finished yet (open or claimed), claimed, done, abandoned (the run stopped before
     * anyone claimed them), done but blocked (a row pending, a unit stopped); their API calls; why units stopped.
     */
    public record Progress(int unfinished, int claimed, int done, int abandoned, int blocked, int apiCalls,
            List<String> stopReasons) {
    }

    /** The progress of a run's units of one kind ({@link Unit#OUT} or {@link Unit#IN}). */
    public Progress progress(long runId, String kind) {
        return sql.retrying("read the units of run " + runId, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT state, blocked,"
                    + " api_calls, stop_reason, lease_until >= CURRENT_TIMESTAMP FROM sync_work WHERE run_id = ? AND kind = ?")) {
                ps.setLong(1, runId);
                ps.setString(2, kind);
                int unfinished = 0;
                int claimed = 0;
                int done = 0;
                int abandoned = 0;
                int blocked = 0;
                int calls = 0;
                List<String> reasons = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String state = rs.getString(1);
                        if ("DONE".equals(state)) {
                            done++;
                        } else if ("ABANDONED".equals(state)) {
                            abandoned++;
                        } else {
                            unfinished++;
                            if ("CLAIMED".equals(state) && rs.getBoolean(5)) {
                                claimed++; // held by a worker whose lease runs: a lapsed claim is no one's
                            }
                        }
                        if (rs.getBoolean(2)) {
                            blocked++;
                        }
                        calls += rs.getInt(3);
                        if (rs.getString(4) != null && !reasons.contains(rs.getString(4))) {
                            reasons.add(rs.getString(4));
                        }
                    }
                }
                return new Progress(unfinished, claimed, done, abandoned, blocked, calls, reasons);
            }
        });
    }

    /**
     * Ends a unit its worker could not finish (its run stopped, a step failed): DONE but blocked, so the job's
     * watermark stays before it and the next run reads its rows again; its create keys released. Nothing
     * when another worker holds it now.
     */
    public void endStopped(long unitId, String token, String reason) {
        sql.retrying("end unit " + unitId, () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    int n;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE sync_work SET state = 'DONE', blocked = TRUE,"
                            + " stop_reason = ?, done_at = CURRENT_TIMESTAMP WHERE id = ? AND claim_token = ? AND state = 'CLAIMED'")) {
                        ps.setString(1, reason == null ? null : reason.length() > 2000 ? reason.substring(0, 2000) : reason);
                        ps.setLong(2, unitId);
                        ps.setString(3, token);
                        n = ps.executeUpdate();
                    }
                    if (n == 1) {
                        release(c, unitId);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    SqlSupport.rollbackQuietly(c);
                    throw e;
                }
            }
            return null;
        });
    }

    /** Which of {@code refs} pages of an inbound run polled before page {@code seq}, not applied yet, hold. */
    public Set<String> heldByEarlier(long runId, int seq, Collection<String> refs) {
        if (refs.isEmpty() || seq <= 1) {
            return Set.of();
        }
        return sql.retrying("read the pages of run " + runId, () -> {
            Set<String> out = new HashSet<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT r.ref"
                    + " FROM sync_work_ref r JOIN sync_work w ON w.run_id = r.run_id AND w.seq = r.seq AND w.kind = 'IN'"
                    + " WHERE r.run_id = ? AND r.seq < ? AND w.state IN ('OPEN', 'CLAIMED') AND r.ref = ANY(?::text[])")) {
                ps.setLong(1, runId);
                ps.setInt(2, seq);
                ps.setArray(3, c.createArrayOf("text", refs.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** How many pages of an inbound run polled before page {@code seq} are not applied yet (open or claimed). */
    public int unfinishedBefore(long runId, int seq) {
        return sql.retrying("read the pages of run " + runId, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sync_work"
                    + " WHERE run_id = ? AND kind = 'IN' AND seq < ? AND state IN ('OPEN', 'CLAIMED')")) {
                ps.setLong(1, runId);
                ps.setInt(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The API calls a shared run's units may spend together (null: no limit known). */
    public void allowance(long runId, Long calls) {
        sql.update("UPDATE sync_run SET api_allowance = ?, api_reserved = 0 WHERE id = ?", calls, runId);
    }

    /**
     * Reserves a batch's calls against the run's allowance, for every instance at once: false when they would
     * not fit (the unit stops PAUSED). {@link SyncStore#recordUnitBatch} settles the reservation with what
     * the batch spent; {@link #unreserve} hands back one whose batch was never recorded.
     */
    public boolean reserve(long runId, int calls) {
        return sql.update("UPDATE sync_run SET api_reserved = api_reserved + ? WHERE id = ? AND (api_allowance IS NULL"
                + " OR api_reserved + ? <= api_allowance)", calls, runId, calls) == 1;
    }

    /** Calls a unit made but never recorded with a batch (it stopped): counted in the unit, the run and its ledger. */
    public void spentUnrecorded(long runId, long unitId, int calls) {
        sql.update("UPDATE sync_work SET api_calls = api_calls + ? WHERE id = ?", calls, unitId);
        sql.update("UPDATE sync_run SET api_calls = api_calls + ?, api_reserved = api_reserved + ? WHERE id = ?", calls, calls,
                runId);
    }

    public void unreserve(long runId, int calls) {
        sql.update("UPDATE sync_run SET api_reserved = api_reserved - ? WHERE id = ?", calls, runId);
    }

    /** The run is over: its create keys (and its pages' references) are of no more use. */
    public void forgetKeys(long runId) {
        sql.update("DELETE FROM sync_work_key WHERE run_id = ?", runId);
        sql.update("DELETE FROM sync_work_ref WHERE run_id = ?", runId);
    }

    /**
     * A run that stopped: its units nobody works now — open, or claimed by a worker whose lease ran out — are
     * left (the job's next run reads their rows); their create keys are released.
     */
    public void abandonOpen(long runId) {
        sql.update("UPDATE sync_work_key SET released = nextval('sync_work_clock') WHERE released IS NULL AND unit_id IN"
                + " (SELECT id FROM sync_work WHERE run_id = ? AND (state = 'OPEN' OR state = 'CLAIMED' AND lease_until"
                + " < CURRENT_TIMESTAMP))", runId);
        sql.update("UPDATE sync_work SET state = 'ABANDONED' WHERE run_id = ? AND (state = 'OPEN' OR state = 'CLAIMED'"
                + " AND lease_until < CURRENT_TIMESTAMP)", runId);
    }

    /**
     * Releases a unit's keys once what it recorded is committed: the clock value a release takes is then later
     * than that commit, so a unit whose ticket is later still looks the key up after it and sees its writes. (A
     * release inside the recording transaction could take its value before a ticket taken while that
     * transaction was still open, and the ticket's lookup would miss what it wrote.)
     */
    public void releaseKeys(long unitId) {
        sql.update("UPDATE sync_work_key SET released = nextval('sync_work_clock') WHERE unit_id = ? AND released IS NULL",
                unitId);
    }

    static void release(Connection c, long unitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_work_key SET released = nextval('sync_work_clock')"
                + " WHERE unit_id = ? AND released IS NULL")) {
            ps.setLong(1, unitId);
            ps.executeUpdate();
        }
    }

    /** The units of runs in progress and of the last minutes, newest runs first, for /api/cluster. */
    public List<UnitView> recent(int limit) {
        return sql.retrying("read the units of work", () -> {
            List<UnitView> out = new ArrayList<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, job, run_id, seq,"
                    + " part, state, claimed_by, lease_until, claims, rows_recorded, planned_rows, kind FROM sync_work"
                    + " WHERE state IN ('OPEN', 'CLAIMED') OR done_at > CURRENT_TIMESTAMP - INTERVAL '10 minutes'"
                    + " ORDER BY run_id DESC, seq, part LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime lease = rs.getObject(8, OffsetDateTime.class);
                        out.add(new UnitView(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                                rs.getString(6), rs.getString(7), lease == null ? null : lease.toInstant(), rs.getInt(9),
                                rs.getInt(10), rs.getInt(11), rs.getString(12)));
                    }
                }
            }
            return out;
        });
    }

    /** Which instance recorded how many rows of a run (its units' last claimers). */
    public Map<String, Integer> rowsByWorker(long runId) {
        return sql.retrying("read the units of run " + runId, () -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT claimed_by,"
                    + " SUM(rows_recorded) FROM sync_work WHERE run_id = ? GROUP BY claimed_by ORDER BY claimed_by")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(String.valueOf(rs.getString(1)), rs.getInt(2));
                    }
                }
            }
            return out;
        });
    }

    static OffsetDateTime at(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static String json(Collection<String> keys) {
        try {
            return JSON.writeValueAsString(keys);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
