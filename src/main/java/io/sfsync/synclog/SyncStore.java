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
import java.util.Optional;

import javax.sql.DataSource;

/**
 * sfsync's job repository: sync_run, sync_log, sync_link and sync_state. A batch's outcomes, its
 * links and the advanced watermark are written in one transaction, so the watermark never passes a
 * row whose outcome is not durably recorded.
 */
public final class SyncStore {
    private final DataSource ds;
    private final SqlSupport sql;
    private final JobStates states;
    private final RunHistory runs;
    private final IntentStore intents;
    private final InboundStore inbound;
    private final ActivityStore activities;
    private final DescribeCache describes;
    private final WorkStore work;

    /**
     * The sync_log rows of a job's people and companies, not of its touchpoints: both are keyed by their own
     * source keys, so a touchpoint's key may equal a person's.
     */
    static final String NOT_ACTIVITY = "(sobject IS NULL OR sobject <> 'Task')";

    public SyncStore(DataSource ds) {
        this.ds = ds;
        this.sql = new SqlSupport(ds);
        this.states = new JobStates(ds, sql);
        this.runs = new RunHistory(ds, sql);
        this.intents = new IntentStore(ds, sql);
        this.inbound = new InboundStore(ds, sql);
        this.activities = new ActivityStore(ds, sql, states);
        this.describes = new DescribeCache(ds, sql);
        this.work = new WorkStore(ds, sql);
    }

    /** Units of work shared across a cluster (PostgreSQL). */
    public WorkStore work() {
        return work;
    }

    /** The describes the last run's opening call found. */
    public DescribeCache describes() {
        return describes;
    }

    /** Activities: touchpoints as Tasks, their watermark. */
    public ActivityStore activities() {
        return activities;
    }

    /** Salesforce → source: cursors, record links, conflicts. */
    public InboundStore inbound() {
        return inbound;
    }

    /** The runs in sync_run. */
    public RunHistory runHistory() {
        return runs;
    }

    /** The jobs' sync_state rows: watermark, pause, and the run lease. */
    public JobStates jobStates() {
        return states;
    }

    public DataSource dataSource() {
        return ds;
    }

    /** A stored run. */
    public record Run(long id, String job, String trigger, String segment, boolean dryRun, Instant startedAt,
            Instant finishedAt, String status, RunCounts counts, int apiCalls, String summary, String direction,
            String resync) {
        public Run(long id, String job, String trigger, String segment, boolean dryRun, Instant startedAt,
                Instant finishedAt, String status, RunCounts counts, int apiCalls, String summary, String direction) {
            this(id, job, trigger, segment, dryRun, startedAt, finishedAt, status, counts, apiCalls, summary, direction, null);
        }

        public Run(long id, String job, String trigger, String segment, boolean dryRun, Instant startedAt,
                Instant finishedAt, String status, RunCounts counts, int apiCalls, String summary) {
            this(id, job, trigger, segment, dryRun, startedAt, finishedAt, status, counts, apiCalls, summary, "OUTBOUND");
        }
    }

    /** A stored sync_log row. */
    public record LogEntry(long id, Long runId, Instant at, String job, String direction, String sourceKey,
            String sobject, String sfId, String action, String reason, String message, String fields, int attempt) {
    }

    /** sync_state of a job. */
    /**
     * A job's sync_state: its watermark (a null key: the rows changed at or after that instant, a resync
     * from a time), pause, last success, and the fingerprint (whole and per section) its rows were last
     * read with (null before the first run that recorded one), and whether a resync in progress compares
     * each row with its Salesforce record.
     */
    public record State(String job, Watermark watermark, boolean paused, String brokenReason, Instant lastSuccessAt,
            String fingerprint, String fingerprintSections, boolean resyncCompare) {
    }

    /** Opens a run's sync_run row (RUNNING); returns its id. */
    public long startRun(String job, String trigger, String segment, boolean dryRun) {
        return runs.start(job, trigger, segment, dryRun, "OUTBOUND");
    }

    /** Opens a run of one direction (OUTBOUND, INBOUND, BOTH). */
    public long startRun(String job, String trigger, String segment, boolean dryRun, String direction) {
        return runs.start(job, trigger, segment, dryRun, direction);
    }

    public void finishRun(long runId, String status, RunCounts counts, int apiCalls, String summary) {
        runs.finish(runId, status, counts, apiCalls, summary);
    }

    /**
     * Marks runs left RUNNING by a process that died as ABORTED. Their batches committed are kept, and
     * their counts are what sync_log holds for them (each batch also counted itself as it committed).
     */
    public int abortStaleRuns(String job) {
        return runs.abortStale(job);
    }

    public Optional<Run> run(long id) {
        return runs.run(id);
    }

    public Optional<Run> lastRun(String job) {
        return runs.last(job);
    }

    public List<Run> recentRuns(int limit) {
        return runs.recent(limit);
    }

    /** The API calls the runs started since then made, as each recorded them. */
    public long apiCallsSince(Instant since) {
        return runs.apiCallsSince(since);
    }

    public State state(String job) {
        return states.state(job);
    }

    /** Who holds a job's run lease: an instance (host and process), its run, since when, last renewed when. */
    public record Lease(String token, String holder, Long runId, Instant since, Instant heartbeat) {
    }

    /**
     * Takes the job's run lease unless another run (here or in another instance) holds a live one;
     * a lease whose heartbeat is older than {@code expiry} is taken over.
     */
    public boolean claim(String job, String token, java.time.Duration expiry, String holder) {
        return states.claim(job, token, expiry, holder);
    }

    /** Takes over a lease whose holder is known to be dead; false when it changed hands meanwhile. */
    public boolean takeOver(String job, String deadToken, String token, String holder) {
        return states.takeOver(job, deadToken, token, holder);
    }

    /** Notes the run that holds the lease (known once its sync_run row exists). */
    public void leaseRun(String job, String token, long runId) {
        states.leaseRun(job, token, runId);
    }

    /** The job's lease as it stands (empty when nobody holds it). */
    public Optional<Lease> lease(String job) {
        return states.lease(job);
    }

    /** Renews the lease's heartbeat; false when the lease is no longer this run's (it was taken over). */
    public boolean heartbeat(String job, String token) {
        return states.heartbeat(job, token);
    }

    public void release(String job, String token) {
        states.release(job, token);
    }

    public void setPaused(String job, boolean paused, String brokenReason) {
        states.setPaused(job, paused, brokenReason);
    }

    /** Records the fingerprint the job's rows are read with from now on (no resync: the first one recorded). */
    public void recordFingerprint(String job, io.sfsync.config.JobFingerprint fp) {
        states.recordFingerprint(job, fp);
    }

    /**
     * Starts a resync: the watermark goes back to {@code from} and the fingerprint becomes {@code fp}, in one
     * statement, so a resync cut short goes on from where it got to in the next run.
     */
    public void startResync(String job, Watermark from, io.sfsync.config.JobFingerprint fp, boolean compare) {
        states.startResync(job, from, fp, compare);
    }

    /** A resync that compared rows with their records has read to the end (only by the run holding the lease). */
    public void endResyncCompare(String job, String leaseToken) {
        states.endResyncCompare(job, leaseToken);
    }

    /** Notes on the run the fingerprint it ran with and, when it re-read rows, why (null: it did not). */
    public void noteRunFingerprint(long runId, String fingerprint, String resync) {
        runs.noteFingerprint(runId, fingerprint, resync);
    }

    public void resetWatermark(String job) {
        states.resetWatermark(job);
    }

    /**
     * The links of these source keys (absent keys have none): one query that joins the keys, passed
     * as an array, to sync_link, so both H2 and PostgreSQL look each key up in the index.
     */
    public Map<String, Link> links(String job, Collection<String> keys) {
        return linksBy(sql, ds, job, keys, "source_key");
    }

    /**
     * The links of a job whose {@code column} (source_key or sf_id) is one of {@code values}, by that value:
     * one query that joins the values, passed as an array, to sync_link, so both H2 and PostgreSQL use the index.
     */
    static Map<String, Link> linksBy(SqlSupport sql, DataSource ds, String job, Collection<String> values, String column) {
        Map<String, Link> out = new HashMap<>();
        if (values.isEmpty()) {
            return out;
        }
        String q = "SELECT l.source_key, l.sobject, l.sf_id, l.account_id, l.owner_id, l.payload_hash, l.synced_at,"
                + " l.linked_by, l.inbound_modstamp, l.agreed_values FROM UNNEST(?) AS k(v) JOIN sync_link l"
                + " ON l." + column + " = k.v AND l.job = ?";
        sql.retrying("read links of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", values.toArray()));
                ps.setString(2, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Link l = linkOf(job, rs);
                        out.put(column.equals("sf_id") ? l.sfId() : l.sourceKey(), l);
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** A sync_link row read with the columns links() selects, in that order. */
    static Link linkOf(String job, ResultSet rs) throws SQLException {
        OffsetDateTime synced = rs.getObject(7, OffsetDateTime.class);
        OffsetDateTime inbound = rs.getObject(9, OffsetDateTime.class);
        return new Link(job, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), synced == null ? null : synced.toInstant(), rs.getString(8),
                inbound == null ? null : inbound.toInstant(), rs.getString(10));
    }

    /**
     * For each of these source keys, the newest row version (source changedAt) a real run has settled:
     * written, skipped, reported as a duplicate or an error. PENDING entries, dry runs and manual links
     * do not count — those versions still have to be synced.
     */
    public Map<String, Instant> attemptedVersions(String job, Collection<String> keys) {
        Map<String, Instant> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String sql = "SELECT l.source_key, MAX(l.source_changed_at) FROM UNNEST(?) AS k(source_key) JOIN sync_log l"
                + " ON l.source_key = k.source_key AND l.job = ? LEFT JOIN sync_run r ON r.id = l.run_id"
                + " WHERE l.action NOT IN ('PENDING', 'LINKED', 'UNLINKED') AND l.source_changed_at IS NOT NULL"
                + " AND " + NOT_ACTIVITY.replace("sobject", "l.sobject")
                + " AND (r.dry_run IS NULL OR r.dry_run = FALSE) GROUP BY l.source_key";
        retrying("read the sync log of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", keys.toArray()));
                ps.setString(2, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * Records a batch atomically: its sync_log rows, its new or changed links, links to drop, and
     * (when not null) the advanced watermark.
     */
    public void recordBatch(long runId, String job, String direction, List<Outcome> outcomes, List<Link> links,
            Collection<String> unlinkKeys, Watermark watermark) {
        recordBatch(runId, job, direction, outcomes, Map.of(), links, unlinkKeys, watermark);
    }

    /**
     * As above, noting for each source key the changedAt of the row version its outcome is about. The
     * run's counts in sync_run grow by the batch's outcomes in the same transaction, so they are true
     * even for a run that never finishes; the create intents of the rows now linked end.
     */
    public void recordBatch(long runId, String job, String direction, List<Outcome> outcomes,
            Map<String, Instant> sourceVersions, List<Link> links, Collection<String> unlinkKeys, Watermark watermark) {
        recordBatch(new BatchWrite(runId, job, direction, outcomes, sourceVersions, links, unlinkKeys, watermark, List.of(),
                -1, null));
    }

    /**
     * One batch to record: its outcomes (with the changedAt of each row version), links to write and to
     * drop, the advanced watermark (or null), the create intents that end ({@link CreateIntents#changesFor}),
     * the API calls the run has made so far (negative: leave them), and the lease the run holds (null: none
     * to check).
     */
    public record BatchWrite(long runId, String job, String direction, List<Outcome> outcomes,
            Map<String, Instant> sourceVersions, List<Link> links, Collection<String> unlinkKeys, Watermark watermark,
            List<CreateIntents.Change> endIntents, int apiCallsSoFar, String leaseToken) {
    }

    /** The run lost its lease on the job before it could record a batch: another run holds the job now. */
    public static final class LeaseLostException extends RuntimeException {
        public LeaseLostException(String message) {
            super(message);
        }
    }

    /**
     * Records a batch in one transaction, once: sync_log, links, intents, the run's counts and API calls,
     * the watermark. Only while the run still holds its lease (a run whose lease was taken over writes
     * nothing more). When the connection fails the transaction is tried again; if the first commit went
     * through and only its answer was lost, the run's counts show it and nothing is written twice.
     */
    public void recordBatch(BatchWrite b) {
        if (b.watermark() != null) {
            states.ensureState(b.job()); // outside the batch's transaction: a lost insert race must not abort it
        }
        inBatchTransaction(sql, ds, "record a batch of " + b.job(), b.job(), b.leaseToken(), b.runId(),
                b.outcomes().size(), c -> {
                    insertLog(c, b.runId(), b.job(), b.direction(), b.outcomes(), b.sourceVersions());
                    upsertLinks(c, b.job(), b.links(), b.unlinkKeys());
                    endIntents(c, b.endIntents());
                    countInRun(c, b.runId(), b.outcomes(), b.apiCallsSoFar());
                    if (b.watermark() != null) {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET watermark_changed_at = ?,"
                                + " watermark_key = ?, last_success_at = ? WHERE job = ?")) {
                            ps.setObject(1, b.watermark().changedAt().atOffset(ZoneOffset.UTC));
                            ps.setString(2, b.watermark().key());
                            ps.setObject(3, now());
                            ps.setString(4, b.job());
                            ps.executeUpdate();
                        }
                    }
                });
    }

    /**
     * What a unit's batch adds to {@link BatchWrite}: the unit and its claim, the batch's number in the unit,
     * whether it is the unit's last (the unit is then DONE), whether a row of it stays PENDING (the job's
     * watermark then stays before the unit), the last row recorded (where a unit claimed again goes on), the
     * API calls since the last batch recorded, and the keys of the rows set aside for a later part.
     */
    public record UnitWrite(long unitId, String token, int batchNumber, boolean last, boolean blocked, Watermark resume,
            int apiCalls, List<String> setAside, int reserved) {
        public UnitWrite(long unitId, String token, int batchNumber, boolean last, boolean blocked, Watermark resume,
                int apiCalls, List<String> setAside) {
            this(unitId, token, batchNumber, last, blocked, resume, apiCalls, setAside, 0);
        }
    }

    /** The unit was claimed by another worker (this one's lease ran out): this worker records nothing more. */
    public static final class WorkLostException extends RuntimeException {
        public WorkLostException(String message) {
            super(message);
        }
    }

    /**
     * Records a batch of a unit of shared work in one transaction, once: its sync_log rows, links, intents and
     * the run's counts (as {@link #recordBatch(BatchWrite)}, the API calls added to the unit's), the unit's
     * progress — and, with its last batch, the unit DONE, its create keys released, its set-aside rows as the
     * unit's next part, and the job's watermark moved to the end of the longest run of finished units from
     * the plan's start. Only while the run holds the job's lease and this worker the unit's claim.
     */
    public void recordUnitBatch(BatchWrite b, UnitWrite u) {
        sql.retrying("record a batch of " + u.unitId() + " of " + b.job(), () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (b.leaseToken() != null) {
                        holdsLease(c, b.job(), b.leaseToken());
                    }
                    if (!unitStillOurs(c, u, b.runId())) {
                        c.rollback(); // an earlier attempt committed; only its answer was lost
                        return null;
                    }
                    insertLog(c, b.runId(), b.job(), b.direction(), b.outcomes(), b.sourceVersions());
                    upsertLinks(c, b.job(), b.links(), b.unlinkKeys());
                    endIntents(c, b.endIntents());
                    countInRun(c, b.runId(), b.outcomes(), -1);
                    unitRecorded(c, u, b.runId(), b.outcomes().size());
                    if (!u.setAside().isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_work (job, run_id, seq, part,"
                                + " fingerprint, after_changed_at, after_key, upto_changed_at, upto_key, source_keys,"
                                + " planned_rows, not_before) SELECT job, run_id, seq, (SELECT MAX(part) + 1 FROM sync_work"
                                + " p WHERE p.run_id = w.run_id AND p.seq = w.seq), fingerprint, after_changed_at, after_key,"
                                + " upto_changed_at, upto_key, ?, ?, CURRENT_TIMESTAMP + INTERVAL '1 seconds'"
                                + " FROM sync_work w WHERE id = ?")) {
                            ps.setString(1, WorkStore.json(u.setAside()));
                            ps.setInt(2, u.setAside().size());
                            ps.setLong(3, u.unitId());
                            ps.executeUpdate();
                        }
                    }
                    if (u.last()) {
                        advanceOverFinishedUnits(c, b.runId(), b.job());
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            }
            return null;
        });
        work.releaseKeys(u.unitId()); // only now: a unit that looks a key up after this sees what the batch wrote
    }

    /**
     * In a unit's transaction, under the lock on its row: true when the unit is still this worker's claim; false
     * when an earlier attempt of this very batch committed (only its answer was lost). Throws when another worker
     * claimed the unit meanwhile (this one's lease ran out).
     */
    static boolean unitStillOurs(Connection c, UnitWrite u, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT claim_token, batches_recorded, state FROM sync_work"
                + " WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, u.unitId());
            try (ResultSet rs = ps.executeQuery()) {
                boolean ours = rs.next() && u.token().equals(rs.getString(1));
                if (ours && rs.getInt(2) >= u.batchNumber()) {
                    return false;
                }
                if (!ours || !"CLAIMED".equals(rs.getString(3))) {
                    throw new WorkLostException("unit " + u.unitId() + " of run " + runId + " is no longer"
                            + " this worker's (its lease ran out and another worker claimed it)");
                }
                return true;
            }
        }
    }

    /**
     * In a unit's transaction: the batch is recorded on the unit (DONE with its last) and its calls counted in
     * the run, its reservation settled with what it spent. Its keys are released once it has committed
     * ({@link WorkStore#releaseKeys}).
     */
    static void unitRecorded(Connection c, UnitWrite u, long runId, int rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_work SET batches_recorded = ?,"
                + " rows_recorded = rows_recorded + ?, api_calls = api_calls + ?, blocked = blocked OR ?,"
                + " resume_changed_at = COALESCE(?, resume_changed_at), resume_key = COALESCE(?, resume_key),"
                + " state = CASE WHEN ? THEN 'DONE' ELSE state END,"
                + " done_at = CASE WHEN ? THEN CURRENT_TIMESTAMP ELSE done_at END WHERE id = ?")) {
            ps.setInt(1, u.batchNumber());
            ps.setInt(2, rows);
            ps.setInt(3, u.apiCalls());
            ps.setBoolean(4, u.blocked());
            ps.setObject(5, u.resume() == null ? null : WorkStore.at(u.resume().changedAt()));
            ps.setString(6, u.resume() == null ? null : u.resume().key());
            ps.setBoolean(7, u.last());
            ps.setBoolean(8, u.last());
            ps.setLong(9, u.unitId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_run SET api_reserved = api_reserved + ? - ?,"
                + " api_calls = api_calls + ? WHERE id = ?")) {
            ps.setInt(1, u.apiCalls()); // the batch's reservation becomes what it spent
            ps.setInt(2, u.reserved());
            ps.setInt(3, u.apiCalls()); // the run's calls true even if it never finishes (its instance died)
            ps.setLong(4, runId);
            ps.executeUpdate();
        }
    }

    /**
     * Moves the job's watermark to the upper bound of the last unit of the longest prefix (in plan order) of
     * units whose every part is DONE and none blocked. Runs under the lock on the job's state row.
     */
    private static void advanceOverFinishedUnits(Connection c, long runId, String job) throws SQLException {
        OffsetDateTime upTo = null;
        String upToKey = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, MIN(CASE WHEN state = 'DONE' AND NOT blocked THEN 1"
                + " ELSE 0 END), MAX(upto_changed_at), MAX(upto_key) FROM sync_work WHERE run_id = ? AND kind = 'OUT' GROUP BY seq"
                + " ORDER BY seq")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rs.getInt(2) == 1) {
                    upTo = rs.getObject(3, OffsetDateTime.class);
                    upToKey = rs.getString(4);
                }
            }
        }
        if (upTo != null) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET watermark_changed_at = ?,"
                    + " watermark_key = ?, last_success_at = ? WHERE job = ?")) {
                ps.setObject(1, upTo);
                ps.setString(2, upToKey);
                ps.setObject(3, now());
                ps.setString(4, job);
                ps.executeUpdate();
            }
        }
    }

    /** What a batch's transaction writes. */
    interface BatchBody {
        void write(Connection c) throws SQLException;
    }

    /**
     * A batch's transaction, once: only while the run holds its lease (when a token is given), and not again
     * when an earlier attempt of this very batch committed and only its answer was lost (the run's attempted
     * count under lock tells); the whole transaction is tried again when the connection fails.
     */
    static void inBatchTransaction(SqlSupport sql, DataSource ds, String what, String job, String leaseToken, long runId,
            int outcomes, BatchBody body) {
        long[] attemptedBefore = {-1};
        sql.retrying(what, () -> {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (leaseToken != null) {
                        holdsLease(c, job, leaseToken);
                    }
                    if (alreadyRecorded(c, runId, outcomes, attemptedBefore)) {
                        c.rollback();
                        return null;
                    }
                    body.write(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            }
            return null;
        });
    }

    /** Locks the job's state row and checks the lease is still this run's. */
    static void holdsLease(Connection c, String job, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lease_token FROM sync_state WHERE job = ? FOR UPDATE")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                String holder = rs.next() ? rs.getString(1) : null;
                if (!token.equals(holder)) {
                    throw new LeaseLostException("the run no longer holds job " + job
                            + " (its lease lapsed and another run took it over); this batch is left to that run");
                }
            }
        }
    }

    /**
     * Whether an earlier attempt of this very batch committed (its answer lost with the connection): the
     * run's attempted count, read under lock, has grown by the batch's size since the first attempt read it.
     */
    private static boolean alreadyRecorded(Connection c, long runId, int outcomes, long[] attemptedBefore) throws SQLException {
        if (runId <= 0 || outcomes == 0) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT attempted FROM sync_run WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                long attempted = rs.next() ? rs.getLong(1) : 0;
                if (attemptedBefore[0] < 0) {
                    attemptedBefore[0] = attempted;
                    return false;
                }
                return attempted == attemptedBefore[0] + outcomes;
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        SqlSupport.rollbackQuietly(c);
    }

    static void countInRun(Connection c, long runId, List<Outcome> outcomes, int apiCalls) throws SQLException {
        if (runId <= 0 || outcomes.isEmpty()) {
            return;
        }
        RunCounts n = RunCounts.ZERO;
        for (Outcome o : outcomes) {
            n = n.plus(o.action());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_run SET attempted = attempted + ?, created = created + ?,"
                + " updated = updated + ?, skipped = skipped + ?, duplicates = duplicates + ?, errors = errors + ?,"
                + " pending = pending + ?, unlinked = unlinked + ?, conflicts = conflicts + ?,"
                + " api_calls = CASE WHEN ? < 0 THEN api_calls ELSE ? END WHERE id = ?")) {
            ps.setInt(1, n.attempted());
            ps.setInt(2, n.created());
            ps.setInt(3, n.updated());
            ps.setInt(4, n.skipped());
            ps.setInt(5, n.duplicates());
            ps.setInt(6, n.errors());
            ps.setInt(7, n.pending());
            ps.setInt(8, n.unlinked());
            ps.setInt(9, n.conflicts());
            ps.setInt(10, apiCalls);
            ps.setInt(11, apiCalls);
            ps.setLong(12, runId);
            ps.executeUpdate();
        }
    }

    /**
     * Notes, before the write, the rows a run is about to create of one object: one sync_intent row per
     * 1,000 keys (so a batch of creates costs a write or two, not one per row). Returns the rows written.
     */
    public List<CreateIntents.Row> recordIntents(long runId, String job, String sobject, List<String> keys) {
        return intents.record(runId, job, sobject, keys);
    }

    /** The job's open create intents (read once when a run starts; most jobs have none). */
    public CreateIntents openIntents(String job) {
        return intents.open(job);
    }

    private static void endIntents(Connection c, List<CreateIntents.Change> changes) throws SQLException {
        IntentStore.end(c, changes);
    }

    static void insertLog(Connection c, long runId, String job, String direction, List<Outcome> outcomes,
            Map<String, Instant> sourceVersions) throws SQLException {
        if (outcomes.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO sync_log (run_id, at, job, direction, source_key, sobject, sf_id, action, reason, message,"
                + " fields, attempt, source_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            OffsetDateTime at = now();
            for (Outcome o : outcomes) {
                if (runId > 0) {
                    ps.setLong(1, runId);
                } else {
                    ps.setNull(1, java.sql.Types.BIGINT);
                }
                ps.setObject(2, at);
                ps.setString(3, job);
                ps.setString(4, direction);
                ps.setString(5, o.sourceKey());
                ps.setString(6, o.sobject());
                ps.setString(7, o.sfId());
                ps.setString(8, o.action().name());
                ps.setString(9, o.reason());
                ps.setString(10, truncate(o.message(), 4000));
                ps.setString(11, truncate(o.fields(), 4000));
                ps.setInt(12, 1);
                Instant version = sourceVersions.get(o.sourceKey());
                ps.setObject(13, version == null ? null : version.atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void upsertLinks(Connection c, String job, List<Link> links, Collection<String> unlinkKeys)
            throws SQLException {
        upsertLinks(c, job, links, unlinkKeys, java.util.Set.of());
    }

    /** As above; the links of {@code newKeys} are known to be new (rows just inserted): nothing to replace. */
    static void upsertLinks(Connection c, String job, List<Link> links, Collection<String> unlinkKeys,
            java.util.Set<String> newKeys) throws SQLException {
        List<String> deletes = new ArrayList<>(unlinkKeys);
        links.stream().filter(l -> !newKeys.contains(l.sourceKey())).forEach(l -> deletes.add(l.sourceKey()));
        if (!deletes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_link WHERE job = ? AND source_key = ?")) {
                for (String k : deletes) {
                    ps.setString(1, job);
                    ps.setString(2, k);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (links.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO sync_link (job, source_key, sobject, sf_id, account_id, owner_id, payload_hash, synced_at,"
                + " linked_by, inbound_modstamp, agreed_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Link l : links) {
                ps.setString(1, job);
                ps.setString(2, l.sourceKey());
                ps.setString(3, l.sobject());
                ps.setString(4, l.sfId());
                ps.setString(5, l.accountId());
                ps.setString(6, l.ownerId());
                ps.setString(7, l.payloadHash());
                ps.setObject(8, (l.syncedAt() == null ? Instant.now() : l.syncedAt()).atOffset(ZoneOffset.UTC));
                ps.setString(9, l.linkedBy() == null ? "AUTO" : l.linkedBy());
                ps.setObject(10, l.inboundModstamp() == null ? null : l.inboundModstamp().atOffset(ZoneOffset.UTC));
                ps.setString(11, l.agreedValues());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public List<LogEntry> log(long runId) {
        return logWhere("WHERE run_id = ? ORDER BY id", runId);
    }

    /**
     * The rows of a job whose latest outcome is an ERROR (optionally one of this run or with this
     * reason): a row that errored once and has since been created, updated or skipped is not among them.
     * Dry runs and manual link entries do not count as outcomes.
     */
    /**
     * The rows whose latest outcome (of real runs) has this reason, whatever its action: a resync of, for
     * example, the NOT_IN_SEGMENT or OWNED_BY_OTHER_USER rows.
     */
    public List<String> keysWithLatestReason(String job, String reason) {
        return logWhere("WHERE id IN (SELECT MAX(l.id) FROM sync_log l LEFT JOIN sync_run r ON r.id = l.run_id"
                + " WHERE l.job = ? AND l.action NOT IN ('LINKED', 'UNLINKED') AND " + NOT_ACTIVITY.replace("sobject", "l.sobject")
                + " AND (r.dry_run IS NULL OR r.dry_run = FALSE) GROUP BY l.source_key) AND reason = ? ORDER BY id", job, reason)
                .stream().map(LogEntry::sourceKey).distinct().toList();
    }

    public List<LogEntry> latestErrors(String job, Long runId, String reason) {
        StringBuilder where = new StringBuilder("WHERE id IN (SELECT MAX(l.id) FROM sync_log l LEFT JOIN sync_run r"
                + " ON r.id = l.run_id WHERE l.job = ? AND l.action NOT IN ('LINKED', 'UNLINKED') AND "
                + NOT_ACTIVITY.replace("sobject", "l.sobject")
                + " AND (r.dry_run IS NULL OR r.dry_run = FALSE) GROUP BY l.source_key) AND action = 'ERROR'");
        List<Object> params = new ArrayList<>(List.of(job));
        if (runId != null) {
            where.append(" AND run_id = ?");
            params.add(runId);
        }
        if (reason != null) {
            where.append(" AND reason = ?");
            params.add(reason);
        }
        where.append(" ORDER BY id");
        return logWhere(where.toString(), params.toArray());
    }

    /**
     * Of these source keys, those whose latest outcome is already ERROR/INVALID_SOURCE_ROW: a row that is
     * still invalid is reported once, not on every run.
     */
    public java.util.Set<String> alreadyReportedInvalid(String job, Collection<String> keys) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (keys.isEmpty()) {
            return out;
        }
        String sql = "SELECT l.source_key, l.action, l.reason FROM sync_log l JOIN (SELECT m.source_key, MAX(m.id) AS id"
                + " FROM UNNEST(?) AS k(source_key) JOIN sync_log m ON m.source_key = k.source_key AND m.job = ?"
                + " AND " + NOT_ACTIVITY.replace("sobject", "m.sobject")
                + " LEFT JOIN sync_run r ON r.id = m.run_id WHERE (r.dry_run IS NULL OR r.dry_run = FALSE)"
                + " GROUP BY m.source_key) latest ON latest.id = l.id";
        return retrying("read the sync log of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", keys.toArray()));
                ps.setString(2, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if ("ERROR".equals(rs.getString(2)) && "INVALID_SOURCE_ROW".equals(rs.getString(3))) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** A filter over sync_log; null fields do not filter. */
    public record LogFilter(String action, String reason, String job, String sourceKey, String sfId, Long runId,
            java.time.Instant from, java.time.Instant to) {
    }

    /** One page of the sync log, newest first, and how many entries match in all. */
    public record LogPage(List<LogEntry> items, int page, int size, long total) {
    }

    public LogPage logPage(LogFilter f, int page, int size) {
        StringBuilder where = new StringBuilder("WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        addFilter(where, params, "action = ?", f.action() == null ? null : f.action().toUpperCase(java.util.Locale.ROOT));
        addFilter(where, params, "reason = ?", f.reason());
        addFilter(where, params, "job = ?", f.job());
        addFilter(where, params, "source_key = ?", f.sourceKey());
        addFilter(where, params, "sf_id = ?", f.sfId());
        addFilter(where, params, "run_id = ?", f.runId());
        addFilter(where, params, "at >= ?", f.from() == null ? null : f.from().atOffset(ZoneOffset.UTC));
        addFilter(where, params, "at < ?", f.to() == null ? null : f.to().atOffset(ZoneOffset.UTC));
        long total;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sync_log " + where)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SyncStoreException("cannot read the sync log", e);
        }
        int safeSize = Math.max(1, Math.min(size, 500));
        int safePage = Math.max(0, page);
        String sql = where + " ORDER BY id DESC OFFSET " + ((long) safePage * safeSize) + " ROWS FETCH NEXT " + safeSize
                + " ROWS ONLY";
        return new LogPage(logWhere(sql, params.toArray()), safePage, safeSize, total);
    }

    private static void addFilter(StringBuilder where, List<Object> params, String clause, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            where.append(" AND ").append(clause);
            params.add(value);
        }
    }

    /** Outcomes of one Salesforce object (null: none chosen, e.g. an error before matching) in a time window. */
    public record ObjectTally(String sobject, Map<String, Long> byAction, long attempted) {
    }

    /**
     * "Created today vs attempted today" (seed 003): per Salesforce object, the sync_log outcomes written
     * in [from, to) by real runs and how many distinct source rows were attempted. Dry runs and manual
     * LINKED / UNLINKED entries are not attempts and are left out.
     */
    public List<ObjectTally> tally(String job, Instant from, Instant to) {
        StringBuilder where = new StringBuilder("WHERE action NOT IN ('LINKED', 'UNLINKED')"
                + " AND (run_id IS NULL OR run_id IN (SELECT id FROM sync_run WHERE dry_run = FALSE))");
        List<Object> params = new ArrayList<>();
        addFilter(where, params, "job = ?", job);
        addFilter(where, params, "at >= ?", from == null ? null : from.atOffset(ZoneOffset.UTC));
        addFilter(where, params, "at < ?", to == null ? null : to.atOffset(ZoneOffset.UTC));
        String sql = "SELECT sobject, action, COUNT(*), 0 FROM sync_log " + where + " GROUP BY sobject, action"
                + " UNION ALL SELECT sobject, '*', 0, COUNT(DISTINCT job || '/' || source_key) FROM sync_log " + where
                + " GROUP BY sobject";
        Map<String, Map<String, Long>> actions = new HashMap<>();
        Map<String, Long> attempted = new java.util.TreeMap<>(java.util.Comparator.nullsLast(String::compareTo));
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size() * 2; i++) {
                ps.setObject(i + 1, params.get(i % params.size()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String object = rs.getString(1);
                    if (rs.getString(2).equals("*")) {
                        attempted.put(object, rs.getLong(4));
                    } else {
                        actions.computeIfAbsent(object, k -> new java.util.LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
                    }
                }
            }
        } catch (SQLException e) {
            throw new SyncStoreException("cannot read the sync log", e);
        }
        List<ObjectTally> out = new ArrayList<>();
        attempted.forEach((object, n) -> out.add(new ObjectTally(object, actions.getOrDefault(object, Map.of()), n)));
        return out;
    }

    /** How many entries of a run ended with this action, reason and object. */
    public record ReportGroup(String action, String reason, String sobject, long count) {
    }

    /**
     * What a run's report needs, however many rows the run had: the counts by action, reason and object
     * (in order of first appearance) and the first few entries of each action and reason.
     */
    public record RunDigest(List<ReportGroup> groups, Map<String, List<LogEntry>> examples) {
        public static String key(String action, String reason) {
            return action + "/" + (reason == null ? "" : reason);
        }
    }

    public RunDigest digest(long runId, int examplesPerReason) {
        List<ReportGroup> groups = new ArrayList<>();
        String sql = "SELECT action, reason, sobject, COUNT(*) FROM sync_log WHERE run_id = ?"
                + " GROUP BY action, reason, sobject ORDER BY MIN(id)";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(new ReportGroup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            throw new SyncStoreException("cannot read the sync log", e);
        }
        Map<String, List<LogEntry>> examples = new java.util.LinkedHashMap<>();
        String first = " ORDER BY id FETCH FIRST " + Math.max(1, examplesPerReason) + " ROWS ONLY";
        for (ReportGroup g : groups) {
            String key = RunDigest.key(g.action(), g.reason());
            if (!examples.containsKey(key)) {
                examples.put(key, g.reason() == null
                        ? logWhere("WHERE run_id = ? AND action = ? AND reason IS NULL" + first, runId, g.action())
                        : logWhere("WHERE run_id = ? AND action = ? AND reason = ?" + first, runId, g.action(), g.reason()));
            }
        }
        return new RunDigest(groups, examples);
    }

    /** Salesforce API calls sfsync's runs made since the instant (for "API usage today"). */

    /** The source key of the job already linked to this Salesforce record, if any (15- or 18-character Id). */
    public Optional<String> linkedKey(String job, String sfId) {
        if (sfId == null || sfId.length() < 15) {
            return Optional.empty();
        }
        return retrying("read links of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT source_key, sf_id FROM sync_link WHERE job = ? AND sf_id LIKE ?")) {
                ps.setString(1, job);
                ps.setString(2, sfId.substring(0, 15) + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(2).regionMatches(0, sfId, 0, 15)) {
                            return Optional.of(rs.getString(1));
                        }
                    }
                    return Optional.<String>empty();
                }
            }
        });
    }

    /** A manual link would put two source rows of one job on the same Salesforce record. */
    public static final class LinkConflictException extends RuntimeException {
        private final String otherKey;

        public LinkConflictException(String message, String otherKey) {
            super(message);
            this.otherKey = otherKey;
        }

        public String otherKey() {
            return otherKey;
        }
    }

    /**
     * Links a source row to a Salesforce record by hand (or unlinks it), with its sync_log row. A record
     * already linked to another row of the job is refused ({@link LinkConflictException}): two rows on one
     * record would overwrite each other's data on every sync.
     */
    public void setLink(String job, String sourceKey, Link link, Outcome outcome) {
        if (link != null) {
            Optional<String> other = linkedKey(job, link.sfId()).filter(k -> !k.equals(sourceKey));
            if (other.isPresent()) {
                throw new LinkConflictException(link.sobject() + " " + link.sfId() + " is already linked to source row "
                        + other.get() + " of job " + job + "; unlink that row first (two rows on one record would"
                        + " overwrite each other's data)", other.get());
            }
        }
        recordBatch(0, job, "OUTBOUND", List.of(outcome), link == null ? List.of() : List.of(link),
                link == null ? List.of(sourceKey) : List.of(), null);
    }

    public List<LogEntry> logWhere(String where, Object... params) {
        String sql = "SELECT id, run_id, at, job, direction, source_key, sobject, sf_id, action, reason, message, fields, attempt"
                + " FROM sync_log " + where;
        List<LogEntry> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long run = rs.getLong(2);
                    out.add(new LogEntry(rs.getLong(1), rs.wasNull() ? null : run,
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12), rs.getInt(13)));
                }
            }
        } catch (SQLException e) {
            throw new SyncStoreException("cannot read the sync log", e);
        }
        return out;
    }

    private int update(String statement, Object... params) {
        return sql.update(statement, params);
    }

    private <T> T retrying(String what, SqlSupport.SqlWork<T> work) {
        return sql.retrying(what, work);
    }

    private static OffsetDateTime now() {
        return SqlSupport.now();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The sync tables could not be read or written (the database is down, say). */
    public static final class SyncStoreException extends RuntimeException {
        public SyncStoreException(String message, Throwable cause) {
            super(message + ": " + cause.getMessage(), cause);
        }
    }
}
