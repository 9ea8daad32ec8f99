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
 * The sync tables of Salesforce → source: each job's change-capture cursors (sync_cursor), the links of
 * rows that are not people (sync_record_link; people are in sync_link, shared with outbound runs), and
 * the conflicts waiting for an operator (sync_conflict). A poll page is recorded in one transaction —
 * the caller's, so the source rows it wrote commit with it when both live in one database.
 */
public final class InboundStore {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final DataSource ds;
    private final SqlSupport sql;

    InboundStore(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    /** Where a job's poll of one object stands: the last recorded (SystemModstamp, Id). */
    public record Cursor(String sobject, Instant modstamp, String lastId) {
    }

    /** A row of an object other than a person linked to its record. */
    public record RecordLink(String sobject, String sourceKey, String sfId, Instant sfModstamp) {
    }

    /**
     * A conflict: the record and its row disagreed when first linked.
     *
     * @param values JSON: {field: {"column": c, "salesforce": v, "source": v}}
     */
    public record Conflict(long id, String job, Long runId, Instant at, String sobject, String sfId, String sourceKey,
            String values, Instant sfModstamp, String status, Instant resolvedAt, String resolvedBy) {
    }

    /**
     * Everything one poll page records, besides the source rows themselves. {@code newRows}: the keys of the
     * people rows the page inserted; {@code newRecords}: "object|key" of the other objects' rows it inserted
     * (their links are new: nothing to replace; a company's key and a person's may be the same number).
     */
    public record PageWrite(long runId, String job, List<Outcome> outcomes, Map<String, Instant> versions,
            List<Link> personLinks, Collection<String> unlinkPeople, List<RecordLink> recordLinks,
            List<RecordLink> unlinkRecords, List<Cursor> cursors, List<Conflict> conflicts, int apiCallsSoFar,
            java.util.Set<String> newRows, java.util.Set<String> newRecords, UnitPage unit) {

        /** A page that inserts no row, of no shared run. */
        public PageWrite(long runId, String job, List<Outcome> outcomes, Map<String, Instant> versions,
                List<Link> personLinks, Collection<String> unlinkPeople, List<RecordLink> recordLinks,
                List<RecordLink> unlinkRecords, List<Cursor> cursors, List<Conflict> conflicts, int apiCallsSoFar) {
            this(runId, job, outcomes, versions, personLinks, unlinkPeople, recordLinks, unlinkRecords, cursors, conflicts,
                    apiCallsSoFar, java.util.Set.of(), java.util.Set.of(), null);
        }
    }

    /**
     * A part of a shared run's poll page, applied by one of the cluster's workers: its unit's claim (the part's
     * number, whether it is the unit's last, its calls) and the lease of the run it records into. It writes no
     * cursor: the job's cursors move once the pages before it are finished too.
     */
    public record UnitPage(SyncStore.UnitWrite write, String leaseToken) {
    }

    public Map<String, Cursor> cursors(String job) {
        Map<String, Cursor> out = new HashMap<>();
        sql.retrying("read the cursors of " + job, () -> {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT sobject, modstamp, last_id FROM sync_cursor WHERE job = ?")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Cursor(rs.getString(1), instant(rs, 2), rs.getString(3)));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** The people links (sync_link) of these Salesforce Ids, by Id. */
    public Map<String, Link> peopleLinks(String job, Collection<String> sfIds) {
        return SyncStore.linksBy(sql, ds, job, sfIds, "sf_id");
    }

    /** The record links of one object for these Salesforce Ids, by Id. */
    public Map<String, RecordLink> recordLinks(String job, String sobject, Collection<String> sfIds) {
        return recordLinksWhere(job, sobject, sfIds, "sf_id");
    }

    /** The record links of one object for these source keys, by key. */
    public Map<String, RecordLink> recordLinksByKey(String job, String sobject, Collection<String> keys) {
        return recordLinksWhere(job, sobject, keys, "source_key");
    }

    private Map<String, RecordLink> recordLinksWhere(String job, String sobject, Collection<String> values, String column) {
        Map<String, RecordLink> out = new HashMap<>();
        if (values.isEmpty()) {
            return out;
        }
        String q = "SELECT l.source_key, l.sf_id, l.sf_modstamp FROM UNNEST(?) AS k(v) JOIN sync_record_link l"
                + " ON l." + column + " = k.v AND l.job = ? AND l.sobject = ?";
        sql.retrying("read record links of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", values.toArray()));
                ps.setString(2, job);
                ps.setString(3, sobject);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RecordLink l = new RecordLink(sobject, rs.getString(1), rs.getString(2), instant(rs, 3));
                        out.put(column.equals("sf_id") ? l.sfId() : l.sourceKey(), l);
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * For these Salesforce Ids, the newest record version (SystemModstamp) an inbound run already settled
     * (any outcome but PENDING and ERROR): a record read again at that version is set aside. A version that
     * ended in ERROR is not settled: the record is read again by Id on the next runs until it goes through.
     */
    public Map<String, Instant> settledVersions(String job, Collection<String> sfIds) {
        Map<String, Instant> out = new HashMap<>();
        if (sfIds.isEmpty()) {
            return out;
        }
        String q = "SELECT l.sf_id, MAX(l.source_changed_at) FROM UNNEST(?) AS k(sf_id) JOIN sync_log l"
                + " ON l.sf_id = k.sf_id AND l.job = ? LEFT JOIN sync_run r ON r.id = l.run_id"
                + " WHERE l.direction = 'INBOUND' AND l.action NOT IN ('PENDING', 'ERROR') AND l.source_changed_at IS NOT NULL"
                + " AND (r.id IS NULL OR r.dry_run = FALSE) GROUP BY l.sf_id";
        sql.retrying("read inbound versions of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setArray(1, c.createArrayOf("VARCHAR", sfIds.toArray()));
                ps.setString(2, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), instant(rs, 2));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** The people links of these source keys, by key. */
    public Map<String, Link> peopleLinksByKey(String job, Collection<String> keys) {
        return SyncStore.linksBy(sql, ds, job, keys, "source_key");
    }

    /**
     * The records whose latest inbound outcome in this job is an ERROR (a value that did not fit, a row the
     * database refused), by object, at most {@code limit}: each run reads them again by Id.
     */
    public Map<String, List<String>> failedRecords(String job, int limit) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        String q = "SELECT l.sobject, l.sf_id FROM sync_log l WHERE l.job = ? AND l.direction = 'INBOUND' AND l.action = 'ERROR'"
                + " AND l.sf_id IS NOT NULL AND l.id = (SELECT MAX(m.id) FROM sync_log m WHERE m.job = l.job"
                + " AND m.sf_id = l.sf_id AND m.direction = 'INBOUND') ORDER BY l.id FETCH FIRST " + Math.max(1, limit)
                + " ROWS ONLY";
        sql.retrying("read failed records of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** Whether the job has any person linked to a record of this object. */
    public boolean hasPeopleLinks(String job, String sobject) {
        return sql.retrying("read links of " + job, () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM sync_link WHERE job = ? AND sobject = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, job);
                ps.setString(2, sobject);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    // --- conflicts ------------------------------------------------------------------------------------

    public List<Conflict> conflicts(String job, String status) {
        StringBuilder q = new StringBuilder(CONFLICT_COLUMNS + " WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (job != null) {
            q.append(" AND job = ?");
            params.add(job);
        }
        if (status != null) {
            q.append(" AND status = ?");
            params.add(status);
        }
        q.append(" ORDER BY id");
        return conflictsWhere(q.toString(), params.toArray());
    }

    public Optional<Conflict> conflict(long id) {
        List<Conflict> c = conflictsWhere(CONFLICT_COLUMNS + " WHERE id = ?", id);
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
    }

    /** The open conflicts of these Salesforce Ids, by Id. */
    public Map<String, Conflict> openConflicts(String job, Collection<String> sfIds) {
        Map<String, Conflict> out = new HashMap<>();
        if (sfIds.isEmpty()) {
            return out;
        }
        for (Conflict c : conflicts(job, "OPEN")) {
            if (sfIds.contains(c.sfId())) {
                out.put(c.sfId(), c);
            }
        }
        return out;
    }

    /** The source keys with an open conflict in this job: outbound runs leave them alone until it is resolved. */
    public java.util.Set<String> openConflictKeys(String job) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        conflicts(job, "OPEN").forEach(c -> keys.add(c.sourceKey()));
        return keys;
    }

    private static final String CONFLICT_COLUMNS = "SELECT id, job, run_id, at, sobject, sf_id, source_key, conflict_values,"
            + " sf_modstamp, status, resolved_at, resolved_by FROM sync_conflict";

    private List<Conflict> conflictsWhere(String q, Object... params) {
        List<Conflict> out = new ArrayList<>();
        sql.retrying("read conflicts", () -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long run = rs.getLong(3);
                        out.add(new Conflict(rs.getLong(1), rs.getString(2), rs.wasNull() ? null : run, instant(rs, 4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), instant(rs, 9),
                                rs.getString(10), instant(rs, 11), rs.getString(12)));
                    }
                }
            }
            return null;
        });
        return out;
    }

    /**
     * Closes an open conflict (TOOK_SALESFORCE or TOOK_SOURCE) in the caller's transaction; false when it
     * was not open any more (resolved by someone else meanwhile).
     */
    public static boolean resolve(Connection c, long id, String status, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_conflict SET status = ?, resolved_at = ?,"
                + " resolved_by = ? WHERE id = ? AND status = 'OPEN'")) {
            ps.setString(1, status);
            ps.setObject(2, SqlSupport.now());
            ps.setString(3, by);
            ps.setLong(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    public DataSource dataSource() {
        return ds;
    }

    // --- a page, in the caller's transaction ------------------------------------------------------------

    /** Records a poll page: log rows (direction INBOUND), links, conflicts, cursors and the run's counts. */
    public static void record(Connection c, PageWrite p) throws SQLException {
        if (p.unit() != null) {
            // the run's lease first: its lock on the job's state row also orders the units' cursor moves
            SyncStore.holdsLease(c, p.job(), p.unit().leaseToken());
            if (!SyncStore.unitStillOurs(c, p.unit().write(), p.runId())) {
                throw new IllegalStateException("part " + p.unit().write().batchNumber() + " of unit "
                        + p.unit().write().unitId() + " was recorded before");
            }
        }
        SyncStore.insertLog(c, p.runId(), p.job(), "INBOUND", p.outcomes(), p.versions());
        SyncStore.upsertLinks(c, p.job(), p.personLinks(), p.unlinkPeople(), p.newRows());
        upsertRecordLinks(c, p.job(), p.recordLinks(), p.unlinkRecords(), p.newRecords());
        for (Conflict k : p.conflicts()) {
            if (k.id() > 0) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE sync_conflict SET conflict_values = ?,"
                        + " sf_modstamp = ?, run_id = ? WHERE id = ? AND status = 'OPEN'")) {
                    ps.setString(1, k.values());
                    ps.setObject(2, offset(k.sfModstamp()));
                    ps.setLong(3, p.runId());
                    ps.setLong(4, k.id());
                    ps.executeUpdate();
                }
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_conflict (job, run_id, at, sobject, sf_id,"
                    + " source_key, conflict_values, sf_modstamp, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, p.job());
                ps.setLong(2, p.runId());
                ps.setObject(3, SqlSupport.now());
                ps.setString(4, k.sobject());
                ps.setString(5, k.sfId());
                ps.setString(6, k.sourceKey());
                ps.setString(7, k.values());
                ps.setObject(8, offset(k.sfModstamp()));
                ps.setString(9, k.status());
                ps.executeUpdate();
            }
        }
        writeCursors(c, p.job(), p.cursors());
        SyncStore.countInRun(c, p.runId(), p.outcomes(), p.unit() != null ? -1 : p.apiCallsSoFar());
        if (p.unit() != null) {
            SyncStore.unitRecorded(c, p.unit().write(), p.runId(), p.outcomes().size());
            if (p.unit().write().last()) {
                advanceOverFinishedPages(c, p.runId(), p.job());
            }
        }
    }

    private static void writeCursors(Connection c, String job, List<Cursor> cursors) throws SQLException {
        for (Cursor k : cursors) {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE sync_cursor SET modstamp = ?, last_id = ?, polled_at = ?"
                    + " WHERE job = ? AND sobject = ?")) {
                ps.setObject(1, offset(k.modstamp()));
                ps.setString(2, k.lastId());
                ps.setObject(3, SqlSupport.now());
                ps.setString(4, job);
                ps.setString(5, k.sobject());
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_cursor (job, sobject, modstamp, last_id,"
                        + " polled_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, job);
                    ps.setString(2, k.sobject());
                    ps.setObject(3, offset(k.modstamp()));
                    ps.setString(4, k.lastId());
                    ps.setObject(5, SqlSupport.now());
                    ps.executeUpdate();
                }
            }
        }
    }

    /**
     * Moves the job's cursors to where the longest prefix of a shared run's pages (in poll order) whose every
     * page is finished leaves each object: a page not applied yet holds every cursor before it.
     */
    private static void advanceOverFinishedPages(Connection c, long runId, String job) throws SQLException {
        Map<String, Cursor> upTo = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, state, blocked, cursors FROM sync_work WHERE run_id = ?"
                + " AND kind = 'IN' ORDER BY seq")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                int expected = 1;
                while (rs.next() && rs.getInt(1) == expected && "DONE".equals(rs.getString(2)) && !rs.getBoolean(3)) {
                    expected++;
                    String json = rs.getString(4);
                    if (json == null) {
                        continue;
                    }
                    com.fasterxml.jackson.databind.JsonNode cursors;
                    try {
                        cursors = JSON.readTree(json);
                    } catch (java.io.IOException e) {
                        throw new SQLException("sync_work of run " + runId + " has unreadable cursors: " + e.getMessage(), e);
                    }
                    cursors.fields().forEachRemaining(f -> {
                        Cursor k = new Cursor(f.getKey(), Instant.parse(f.getValue().path("modstamp").asText()),
                                f.getValue().path("lastId").asText());
                        Cursor had = upTo.get(k.sobject());
                        if (had == null || later(k, had)) {
                            upTo.put(k.sobject(), k);
                        }
                    });
                }
            }
        }
        writeCursors(c, job, new ArrayList<>(upTo.values()));
    }

    private static boolean later(Cursor a, Cursor b) {
        int byTime = a.modstamp().compareTo(b.modstamp());
        return byTime > 0 || byTime == 0 && a.lastId().compareTo(b.lastId()) > 0;
    }

    /** Writes one person link in the caller's transaction (replacing the row's link, if any). */
    public static void linkPerson(Connection c, Link link) throws SQLException {
        SyncStore.upsertLinks(c, link.job(), List.of(link), List.of());
    }

    /** Writes one record link in the caller's transaction (replacing the row's or the record's, if any). */
    public static void linkRecord(Connection c, String job, RecordLink link) throws SQLException {
        upsertRecordLinks(c, job, List.of(link), List.of());
    }

    private static void upsertRecordLinks(Connection c, String job, List<RecordLink> links, List<RecordLink> unlinks)
            throws SQLException {
        upsertRecordLinks(c, job, links, unlinks, java.util.Set.of());
    }

    private static void upsertRecordLinks(Connection c, String job, List<RecordLink> links, List<RecordLink> unlinks,
            java.util.Set<String> newKeys) throws SQLException {
        List<RecordLink> deletes = new ArrayList<>(unlinks);
        links.stream().filter(l -> !newKeys.contains(l.sobject() + "|" + l.sourceKey())).forEach(deletes::add);
        if (!deletes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM sync_record_link WHERE job = ? AND sobject = ? AND (source_key = ? OR sf_id = ?)")) {
                for (RecordLink l : deletes) {
                    ps.setString(1, job);
                    ps.setString(2, l.sobject());
                    ps.setString(3, l.sourceKey());
                    ps.setString(4, l.sfId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (links.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_record_link (job, sobject, source_key, sf_id,"
                + " sf_modstamp, synced_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            OffsetDateTime now = SqlSupport.now();
            for (RecordLink l : links) {
                ps.setString(1, job);
                ps.setString(2, l.sobject());
                ps.setString(3, l.sourceKey());
                ps.setString(4, l.sfId());
                ps.setObject(5, offset(l.sfModstamp()));
                ps.setObject(6, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static OffsetDateTime offset(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
