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
import io.sfsync.synclog.Watermark;

/**
 * Reads a job's changed rows in (changedAt, key) order after a watermark, streamed a batch at a
 * time (never the whole table in memory). The segment predicate is evaluated per row, so rows
 * outside it are reported rather than silently ignored.
 */
public final class SourceReader {
    private static final String IN_SEGMENT = "sfsync_in_segment";
    private static final String REPLAY = "sfsync_replay";

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
     */
    public Cursor open(Watermark after, String segmentPredicate, int fetchSize) {
        boolean start = after.equals(Watermark.START);
        boolean overlap = !start && source.overlapSeconds() > 0;
        String changed = "src." + source.changedAt();
        String key = "src." + source.key();
        String afterWatermark = "(" + changed + " > ? OR (" + changed + " = ? AND " + key + " > ?))";
        // with an overlap window, the rows up to overlapSeconds before the watermark come again, marked
        String where = start ? changed + " IS NOT NULL" : overlap ? changed + " >= ?" : afterWatermark;
        String sql = "SELECT src.*, CASE WHEN (" + segmentPredicate + ") THEN 1 ELSE 0 END AS " + IN_SEGMENT
                + (overlap ? ", CASE WHEN " + afterWatermark + " THEN 0 ELSE 1 END AS " + REPLAY : "")
                + " FROM (" + source.query() + ") src WHERE " + where + " ORDER BY " + changed + ", " + key;
        Connection c = null;
        try {
            c = ds.getConnection();
            int[] types = columnTypes(c);
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            if (!start) {
                bindChangedAt(ps, 1, after.changedAt(), types[1]);
                bindChangedAt(ps, 2, after.changedAt(), types[1]);
                bindKey(ps, 3, after.key(), types[0]);
            }
            if (overlap) {
                bindChangedAt(ps, 4, after.changedAt().minusSeconds(source.overlapSeconds()), types[1]);
            }
            return new Cursor(c, ps, ps.executeQuery());
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already failing
                }
            }
            throw new SourceException("the source query failed: " + e.getMessage(), e);
        }
    }

    /** An open, ordered stream of changed rows; close it when the run ends. */
    public final class Cursor implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rs;
        private boolean exhausted;

        private Cursor(Connection connection, PreparedStatement statement, ResultSet rs) {
            this.connection = connection;
            this.statement = statement;
            this.rs = rs;
        }

        /** Up to {@code limit} more rows; fewer (or none) at the end. */
        public synchronized List<SourceRow> next(int limit) {
            if (exhausted) {
                return List.of();
            }
            try {
                List<SourceRow> out = rows(rs, limit);
                exhausted = out.size() < limit;
                return out;
            } catch (SQLException e) {
                throw new SourceException("reading the source failed: " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            try {
                rs.close();
                statement.close();
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is going back to the pool or is already broken
            } finally {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /** The rows with these keys (for retry and per-record actions), in watermark order. */
    public List<SourceRow> byKeys(Collection<String> keys, String segmentPredicate) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<SourceRow> out = new ArrayList<>();
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String sql = "SELECT src.*, CASE WHEN (" + segmentPredicate + ") THEN 1 ELSE 0 END AS " + IN_SEGMENT
                    + " FROM (" + source.query() + ") src WHERE src." + source.key() + " IN ("
                    + "?,".repeat(chunk.size() - 1) + "?) ORDER BY src." + source.changedAt() + ", src." + source.key();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                int[] types = columnTypes(c);
                for (int i = 0; i < chunk.size(); i++) {
                    bindKey(ps, i + 1, chunk.get(i), types[0]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    out.addAll(rows(rs));
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

    private List<SourceRow> rows(ResultSet rs) throws SQLException {
        return rows(rs, Integer.MAX_VALUE);
    }

    private List<SourceRow> rows(ResultSet rs, int limit) throws SQLException {
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
        List<SourceRow> out = new ArrayList<>();
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
            Object key = cols.get(keyCol);
            Object changed = cols.get(changedCol);
            if (key == null || !(changed instanceof Instant)) {
                throw new SourceException("source row " + key + " has no " + (key == null ? source.key() : source.changedAt())
                        + " value; every row needs a key and a changedAt timestamp", null);
            }
            out.add(new SourceRow(keyText(key), (Instant) changed, cols, inSegment, replay));
        }
        return out;
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
