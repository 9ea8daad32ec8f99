package io.sfsync.source;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.sfsync.config.SourceConfig;
import io.sfsync.db.Databases;
import io.sfsync.synclog.Watermark;

/**
 * Reads a job's changed rows in (changedAt, key) order after a watermark, streamed a batch at a
 * time (never the whole table in memory). The segment predicate is evaluated per row, so rows
 * outside it are reported rather than silently ignored.
 */
public final class SourceReader {
    private static final String IN_SEGMENT = "sfsync_in_segment";
    private static final String REPLAY = "sfsync_replay";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceReader.class);

    private final DataSource ds;
    private final SourceConfig source;
    /** JDBC types of the key and changedAt columns, read once: values are bound as the columns' own types. */
    private volatile int[] columnTypes;

    public SourceReader(DataSource ds, SourceConfig source) {
        this.ds = ds;
        this.source = source;
    }

    /**
     * All rows after the watermark in one streamed, ordered result: the database sorts once and the
     * run takes pages from it ({@link Cursor#next(int)}), so a long run never re-sorts the backlog per page.
     * Rows that cannot be synced (no key, a blank key, no changedAt) come last, from a query of their
     * own, marked invalid, so the run can log them instead of losing them; they never move the watermark.
     * Last, so that query runs on the reading thread while the batches before it are with Salesforce.
     * The main query keeps its plain (changedAt, key) range, so an index on those columns still serves it.
     */
    public Cursor open(Watermark after, String segmentPredicate, int fetchSize) {
        Cursor cursor = new Cursor(after, segmentPredicate, fetchSize, null, true, true);
        cursor.open(null, 0);
        return cursor;
    }

    /**
     * The rows of one range of the (changedAt, key) order: after {@code after} up to and with {@code upTo}
     * (a unit of shared work), with the overlap window only when {@code overlap}, and the invalid rows only
     * when {@code invalidToo}.
     */
    public Cursor open(Watermark after, Watermark upTo, boolean overlap, boolean invalidToo, String segmentPredicate,
            int fetchSize) {
        Cursor cursor = new Cursor(after, segmentPredicate, fetchSize, upTo, overlap, invalidToo);
        cursor.open(null, 0);
        return cursor;
    }

    /** Takes the planned units of a backlog as {@link #plan} reads it: a unit's keys and its last row. */
    public interface UnitSink {
        void unit(List<String> keys, Watermark upTo) throws SQLException;
    }

    /**
     * Cuts the valid rows after {@code after}, in (changedAt, key) order, into units of {@code every} rows and
     * hands each to the sink with its keys and its last row (the unit's upper bound), as it reads: the two
     * columns only, streamed, so a backlog of millions never sits in memory. Returns how many units.
     */
    public int plan(Watermark after, int every, UnitSink sink) {
        boolean start = after.equals(Watermark.START);
        boolean since = !start && after.key() == null;
        String changed = "src." + source.changedAt();
        String key = "src." + source.key();
        int units = 0;
        try (Connection c = ds.getConnection()) {
            int[] types = columnTypes(c);
            String window = start ? "1 = 1" : since ? changed + " >= ?"
                    : "(" + changed + " > ? OR (" + changed + " = ? AND " + key + " > ?))";
            String sql = "SELECT " + key + ", " + changed + " FROM (" + source.query() + ") src WHERE "
                    + validPredicate(types[0]) + " AND " + window + " ORDER BY " + changed + ", " + key;
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(10_000);
                if (since) {
                    bindChangedAt(ps, 1, after.changedAt(), types[1]);
                } else if (!start) {
                    bindChangedAt(ps, 1, after.changedAt(), types[1]);
                    bindChangedAt(ps, 2, after.changedAt(), types[1]);
                    bindKey(ps, 3, after.key(), types[0]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> keys = new ArrayList<>(every);
                    Watermark last = null;
                    while (rs.next()) {
                        Object changedAt = switch (types[1]) {
                            case Types.TIMESTAMP -> rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(2, OffsetDateTime.class).toInstant();
                            default -> value(rs.getObject(2));
                        };
                        if (!(changedAt instanceof Instant at)) {
                            throw new SourceException("the changedAt column " + source.changedAt()
                                    + " is not a timestamp", null);
                        }
                        last = new Watermark(at, keyText(rs.getObject(1)));
                        keys.add(last.key());
                        if (keys.size() == every) {
                            sink.unit(keys, last);
                            units++;
                            keys = new ArrayList<>(every);
                        }
                    }
                    if (!keys.isEmpty()) {
                        sink.unit(keys, last);
                        units++;
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new SourceException("the source query failed: " + e.getMessage(), e);
        }
        return units;
    }

    /**
     * The rows of a planned unit, read by their keys (an indexed key lookup, not a scan of the backlog), those
     * still in the unit's range (after {@code after}, up to and with {@code upTo}: a row changed since the
     * plan is past it, and read after the units), in (changedAt, key) order.
     */
    public Cursor unit(List<String> keys, Watermark after, Watermark upTo, String segmentPredicate) {
        List<SourceRow> rows = new ArrayList<>(byKeys(keys, segmentPredicate).stream()
                .filter(r -> !r.isInvalid() && after(r, after) && !after(r, upTo)).toList());
        rows.sort(java.util.Comparator.comparing(SourceRow::changedAt).thenComparing(SourceReader::keyOrder));
        Cursor cursor = new Cursor(after, segmentPredicate, keys.size(), upTo, false, false);
        cursor.preread = rows;
        return cursor;
    }

    /** Whether a row comes after a watermark in (changedAt, key) order, keys compared as the database does. */
    private static boolean after(SourceRow r, Watermark w) {
        if (w.equals(Watermark.START)) {
            return true;
        }
        int c = r.changedAt().compareTo(w.changedAt());
        return c > 0 || c == 0 && w.key() != null && compareKeys(r.key(), w.key()) > 0;
    }

    /** Keys as the database orders them: numbers as numbers, text as text. */
    private static int compareKeys(String a, String b) {
        if (a.matches("-?\\d+(\\.\\d+)?") && b.matches("-?\\d+(\\.\\d+)?")) {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        }
        return a.compareTo(b);
    }

    private static int keyOrder(SourceRow a, SourceRow b) {
        return compareKeys(a.key(), b.key());
    }

    /** The SQL that selects rows no run can sync: a NULL changedAt, a NULL key or (for text keys) a blank one. */
    private String invalidPredicate(int keyType) {
        String key = "src." + source.key();
        String blank = numeric(keyType) ? "" : " OR TRIM(CAST(" + key + " AS VARCHAR(255))) = ''";
        return "(src." + source.changedAt() + " IS NULL OR " + key + " IS NULL" + blank + ")";
    }

    /** The rows the main query may return: a key (not blank) and a changedAt. */
    private String validPredicate(int keyType) {
        String key = "src." + source.key();
        String blank = numeric(keyType) ? "" : " AND TRIM(CAST(" + key + " AS VARCHAR(255))) <> ''";
        return "src." + source.changedAt() + " IS NOT NULL AND " + key + " IS NOT NULL" + blank;
    }

    private static boolean numeric(int type) {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT, Types.NUMERIC, Types.DECIMAL -> true;
            default -> false;
        };
    }

    /**
     * An open, ordered stream of changed rows — the changed rows in (changedAt, key) order, then the
     * invalid ones; close it when the run ends. When the database drops the connection (a
     * restart, a failover), the stream opens again after the last row it handed out and goes on, so a
     * run survives it.
     */
    public final class Cursor implements AutoCloseable {
        /** How long a broken stream keeps trying to reconnect before the run gives up. */
        private static final long RECONNECT_FOR_MS = 60_000;
        private final Watermark after;
        private final String segmentPredicate;
        private final int fetchSize;
        /** The last row of the range (inclusive), or null: to the end. */
        private final Watermark upTo;
        private final boolean overlapAllowed;
        private final boolean invalidToo;
        /** The rows of a unit read by key: handed out from memory, no stream. */
        private List<SourceRow> preread;
        private Connection connection;
        private PreparedStatement statement;
        private ResultSet rs;
        private boolean exhausted;
        /** Reading the invalid rows (after the changed rows). */
        private boolean invalidPhase;
        /** The last valid row handed out (resume point), and how many invalid rows were. */
        private Watermark lastValid;
        private int invalidReturned;

        private Cursor(Watermark after, String segmentPredicate, int fetchSize, Watermark upTo, boolean overlapAllowed,
                boolean invalidToo) {
            this.after = after;
            this.segmentPredicate = segmentPredicate;
            this.fetchSize = fetchSize;
            this.upTo = upTo;
            this.overlapAllowed = overlapAllowed;
            this.invalidToo = invalidToo;
        }

        /**
         * Runs the phase's query: the invalid rows (skipping those already read), or the changed rows from
         * the start of the window or only after {@code resume}.
         */
        private void open(Watermark resume, int skipInvalid) {
            boolean start = after.equals(Watermark.START);
            // a watermark without a key: the rows changed at or after its instant (a resync from a time)
            boolean since = !start && after.key() == null;
            boolean overlap = !start && !since && overlapAllowed && source.overlapSeconds() > 0;
            String changed = "src." + source.changedAt();
            String key = "src." + source.key();
            String upToWatermark = upTo == null ? "" : " AND (" + changed + " < ? OR (" + changed + " = ? AND " + key + " <= ?))";
            String afterWatermark = "(" + changed + " > ? OR (" + changed + " = ? AND " + key + " > ?))";
            Connection c = null;
            try {
                c = ds.getConnection();
                int[] types = columnTypes(c);
                String select = "SELECT src.*, CASE WHEN (" + segmentPredicate + ") THEN 1 ELSE 0 END AS " + IN_SEGMENT;
                String sql;
                if (invalidPhase) {
                    sql = select + " FROM (" + source.query() + ") src WHERE " + invalidPredicate(types[0])
                            + " ORDER BY " + key + ", " + changed; // an order, so a reopened stream can skip what it had
                } else {
                    // with an overlap window, the rows up to overlapSeconds before the watermark come again, marked
                    String window = resume != null ? afterWatermark : start ? "1 = 1" : overlap || since ? changed + " >= ?"
                            : afterWatermark;
                    sql = select + (overlap ? ", CASE WHEN " + afterWatermark + " THEN 0 ELSE 1 END AS " + REPLAY : "")
                            + " FROM (" + source.query() + ") src WHERE " + validPredicate(types[0]) + " AND " + window
                            + upToWatermark + " ORDER BY " + changed + ", " + key;
                }
                c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
                PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                ps.setFetchSize(fetchSize);
                if (!invalidPhase) {
                    int i = 1;
                    if (overlap) {
                        i = bindWatermark(ps, i, after, types);
                    }
                    if (resume != null) {
                        i = bindWatermark(ps, i, resume, types);
                    } else if (overlap) {
                        bindChangedAt(ps, i++, after.changedAt().minusSeconds(source.overlapSeconds()), types[1]);
                    } else if (since) {
                        bindChangedAt(ps, i++, after.changedAt(), types[1]);
                    } else if (!start) {
                        i = bindWatermark(ps, i, after, types);
                    }
                    if (upTo != null) {
                        bindWatermark(ps, i, upTo, types);
                    }
                }
                ResultSet result = ps.executeQuery();
                for (int skipped = 0; skipped < skipInvalid && result.next(); skipped++) {
                    // invalid rows this run already has
                }
                connection = c;
                statement = ps;
                rs = result;
            } catch (SQLException e) {
                closeQuietly(c);
                throw new SourceException("the source query failed: " + e.getMessage(), e);
            }
        }

        private int bindWatermark(PreparedStatement ps, int i, Watermark w, int[] types) throws SQLException {
            bindChangedAt(ps, i, w.changedAt(), types[1]);
            bindChangedAt(ps, i + 1, w.changedAt(), types[1]);
            bindKey(ps, i + 2, w.key(), types[0]);
            return i + 3;
        }

        /** Up to {@code limit} more rows; fewer (or none) at the end. */
        public synchronized List<SourceRow> next(int limit) {
            if (exhausted) {
                return List.of();
            }
            if (preread != null) {
                List<SourceRow> out = new ArrayList<>(preread.subList(0, Math.min(limit, preread.size())));
                preread = preread.subList(out.size(), preread.size());
                exhausted = preread.isEmpty();
                return out;
            }
            List<SourceRow> out = new ArrayList<>();
            long giveUpAt = System.currentTimeMillis() + RECONNECT_FOR_MS;
            long backoff = 250;
            while (true) {
                try {
                    if (rs == null) {
                        throw new SQLException("the source stream is closed", "08003");
                    }
                    rows(rs, limit, out, this);
                    if (!invalidPhase && out.size() < limit && !invalidToo) {
                        exhausted = true;
                        return out;
                    }
                    if (!invalidPhase && out.size() < limit) {
                        // the changed rows are all out: on to the invalid ones, in the same page
                        endQuery();
                        invalidPhase = true;
                        open(null, 0);
                        continue;
                    }
                    exhausted = out.size() < limit;
                    return out;
                } catch (SQLException | SourceException failure) {
                    Throwable e = failure instanceof SourceException && failure.getCause() != null ? failure.getCause() : failure;
                    if (!Databases.isConnectionFailure(e) || System.currentTimeMillis() > giveUpAt) {
                        if (failure instanceof SourceException se) {
                            throw se;
                        }
                        throw new SourceException("reading the source failed: " + e.getMessage(), e);
                    }
                    LOG.warn("The source connection broke while reading ({}); reconnecting after the last row read",
                            e.getMessage());
                    releaseQuietly();
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                    try {
                        open(invalidPhase ? null : lastValid, invalidPhase ? invalidReturned : 0);
                    } catch (SourceException again) {
                        if (!(again.getCause() instanceof SQLException sql) || !Databases.isConnectionFailure(sql)
                                || System.currentTimeMillis() > giveUpAt) {
                            throw again;
                        }
                        // still down: the next turn of the loop fails fast on the dead statement and waits again
                    }
                }
            }
        }

        private void handedOut(SourceRow row) {
            if (row.isInvalid()) {
                invalidReturned++;
            } else {
                lastValid = new Watermark(row.changedAt(), row.key());
            }
        }

        private void releaseQuietly() {
            try {
                if (rs != null) {
                    rs.close();
                }
                if (statement != null) {
                    statement.close();
                }
            } catch (SQLException ignored) {
                // the connection is already broken
            }
            closeQuietly(connection);
            rs = null;
            statement = null;
            connection = null;
        }

        /** Whether the stream is known to hold no more rows (a unit's rows all handed out, say). */
        public synchronized boolean exhausted() {
            return exhausted;
        }

        @Override
        public synchronized void close() {
            endQuery();
        }

        private void endQuery() {
            if (connection == null) {
                return;
            }
            try {
                rs.close();
                statement.close();
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is going back to the pool or is already broken
            } finally {
                closeQuietly(connection);
                connection = null;
                rs = null;
                statement = null;
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while reconnecting to the source", e);
        }
    }

    /** The rows with these keys (for retry and per-record actions), in watermark order. */
    public List<SourceRow> byKeys(Collection<String> keys, String segmentPredicate) {
        return byKeys(null, keys, segmentPredicate);
    }

    /**
     * As {@link #byKeys(Collection, String)}, read through {@code connection} when it is not null (it stays
     * open): inside a transaction, the rows as that transaction has just written them.
     */
    public List<SourceRow> byKeys(Connection connection, Collection<String> keys, String segmentPredicate) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<SourceRow> out = new ArrayList<>();
        // a row without a key cannot be read back by key: it is synced once its key is filled in
        List<String> all = keys.stream().filter(k -> k != null && !k.startsWith(SourceRow.NO_KEY_PREFIX)).toList();
        if (all.isEmpty()) {
            return out;
        }
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String sql = "SELECT src.*, CASE WHEN (" + segmentPredicate + ") THEN 1 ELSE 0 END AS " + IN_SEGMENT
                    + " FROM (" + source.query() + ") src WHERE src." + source.key() + " IN ("
                    + "?,".repeat(chunk.size() - 1) + "?) ORDER BY src." + source.changedAt() + ", src." + source.key();
            Connection own = null;
            try {
                Connection c = connection != null ? connection : (own = ds.getConnection());
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int[] types = columnTypes(c);
                    for (int i = 0; i < chunk.size(); i++) {
                        bindKey(ps, i + 1, chunk.get(i), types[0]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rows(rs, Integer.MAX_VALUE, out, null);
                    }
                } finally {
                    if (own != null) {
                        own.close();
                    }
                }
            } catch (SQLException | NumberFormatException e) {
                throw new SourceException("the source query failed: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The query's column names (lower case), read without fetching rows. */
    public List<String> columns() {
        String sql = "SELECT src.* FROM (" + source.query() + ") src WHERE 1 = 0";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
            }
            return out;
        } catch (SQLException e) {
            throw new SourceException("the source query failed: " + e.getMessage(), e);
        }
    }

    private int[] columnTypes(Connection c) throws SQLException {
        if (columnTypes == null) {
            String sql = "SELECT src." + source.key() + ", src." + source.changedAt() + " FROM (" + source.query()
                    + ") src WHERE 1 = 0";
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                columnTypes = new int[] {md.getColumnType(1), dateTimeType(md.getColumnType(2), md.getColumnTypeName(2))};
            }
        }
        return columnTypes;
    }

    /**
     * TIMESTAMP_WITH_TIMEZONE for zoned timestamps, whatever the driver calls them (PostgreSQL reports
     * timestamptz as TIMESTAMP), TIMESTAMP for wall-clock ones.
     */
    private static int dateTimeType(int type, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (type == Types.TIMESTAMP_WITH_TIMEZONE || name.equals("timestamptz") || name.contains("with time zone")) {
            return Types.TIMESTAMP_WITH_TIMEZONE;
        }
        return type;
    }

    /** Binds a key as its column's type: numbers as numbers, uuid and other database types as themselves. */
    private static void bindKey(PreparedStatement ps, int index, String key, int type) throws SQLException {
        switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT, Types.NUMERIC, Types.DECIMAL ->
                    ps.setBigDecimal(index, new BigDecimal(key));
            case Types.OTHER -> ps.setObject(index, key, Types.OTHER);
            default -> ps.setString(index, key);
        }
    }

    /**
     * Binds the watermark as its column's type. A TIMESTAMP without time zone is read as UTC wall-clock
     * time, so it is bound the same way — never converted through the JVM's or the session's time zone.
     */
    private static void bindChangedAt(PreparedStatement ps, int index, Instant at, int type) throws SQLException {
        if (type == Types.TIMESTAMP) {
            ps.setObject(index, LocalDateTime.ofInstant(at, ZoneOffset.UTC));
        } else {
            ps.setObject(index, at.atOffset(ZoneOffset.UTC));
        }
    }

    /** Reads up to {@code limit} rows in all into {@code out}, telling the cursor (if any) each one handed out. */
    private void rows(ResultSet rs, int limit, List<SourceRow> out, Cursor cursor) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = new String[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            names[i] = md.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
            types[i] = dateTimeType(md.getColumnType(i + 1), md.getColumnTypeName(i + 1));
        }
        String keyCol = source.key().toLowerCase(Locale.ROOT);
        String changedCol = source.changedAt().toLowerCase(Locale.ROOT);
        while (out.size() < limit && rs.next()) {
            Map<String, Object> cols = new LinkedHashMap<>();
            boolean inSegment = false;
            boolean replay = false;
            for (int i = 0; i < n; i++) {
                // date-times through java.time, so no JVM or driver time zone shifts them
                Object v = switch (types[i]) {
                    case Types.TIMESTAMP -> {
                        LocalDateTime t = rs.getObject(i + 1, LocalDateTime.class);
                        yield t == null ? null : t.toInstant(ZoneOffset.UTC);
                    }
                    case Types.TIMESTAMP_WITH_TIMEZONE -> {
                        OffsetDateTime t = rs.getObject(i + 1, OffsetDateTime.class);
                        yield t == null ? null : t.toInstant();
                    }
                    default -> value(rs.getObject(i + 1));
                };
                if (names[i].equals(IN_SEGMENT)) {
                    inSegment = v != null && ((Number) v).intValue() == 1;
                } else if (names[i].equals(REPLAY)) {
                    replay = v != null && ((Number) v).intValue() == 1;
                } else {
                    cols.put(names[i], v);
                }
            }
            SourceRow row = row(cols, cols.get(keyCol), cols.get(changedCol), inSegment, replay);
            out.add(row);
            if (cursor != null) {
                cursor.handedOut(row);
            }
        }
    }

    /** A row as read, or an invalid row that names the column at fault (its key a stand-in when it has none). */
    private SourceRow row(Map<String, Object> cols, Object key, Object changed, boolean inSegment, boolean replay) {
        String keyText = key == null ? null : keyText(key);
        if (keyText == null || keyText.isBlank()) {
            String what = key == null ? "NULL" : "blank";
            return new SourceRow(SourceRow.NO_KEY_PREFIX + fingerprint(cols), changed instanceof Instant i ? i : null,
                    cols, inSegment, false, "the key column " + source.key() + " is " + what + " (" + describe(cols)
                            + "); every row needs a unique key: fill it in and update " + source.changedAt()
                            + ", so the next run reads the row");
        }
        if (!(changed instanceof Instant at)) {
            return new SourceRow(keyText, null, cols, inSegment, false, "the changedAt column " + source.changedAt()
                    + " is " + (changed == null ? "NULL" : "not a timestamp ('" + changed + "')")
                    + "; without it the row's changes cannot be tracked");
        }
        return new SourceRow(keyText, at, cols, inSegment, replay, null);
    }

    /** A short, stable stand-in for a row without a key: the same values give the same fingerprint. */
    private static String fingerprint(Map<String, Object> cols) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest(cols.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few of the row's values, so a person can find it in the source. */
    private static String describe(Map<String, Object> cols) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : cols.entrySet()) {
            if (e.getValue() == null || e.getValue().toString().isBlank()) {
                continue;
            }
            String part = e.getKey() + "=" + e.getValue();
            if (sb.length() + part.length() > 160) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(part);
        }
        return sb.length() == 0 ? "no other values" : sb.toString();
    }

    private static String keyText(Object key) {
        return key instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : key.toString();
    }

    private static Object value(Object v) {
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (v instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.sql.Clob clob) {
            try {
                return clob.getSubString(1, (int) clob.length());
            } catch (SQLException e) {
                return null;
            }
        }
        return v;
    }

    /** The source database or query failed; the run stops and the watermark stays. */
    public static final class SourceException extends RuntimeException {
        public SourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
