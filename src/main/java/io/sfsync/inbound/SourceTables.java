package io.sfsync.inbound;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.sfsync.config.InboundConfig;

/**
 * The source tables an inbound job writes, through JDBC: rows read by key, rows found by a column's
 * value, new keys from a sequence, and a page's inserts, updates and deletes as batches in the caller's
 * transaction. Table and column names come from the validated configuration (plain identifiers); every
 * value is a bound parameter, converted to the column's type first, so a value that cannot fit is
 * reported with its record and column before anything is written.
 */
public final class SourceTables {
    private static final int CHUNK = 500;

    private final DataSource ds;
    private final Map<String, Map<String, Column>> columns = new ConcurrentHashMap<>();
    private volatile Boolean postgres;

    public SourceTables(DataSource ds) {
        this.ds = ds;
    }

    /** One column of a table as the database describes it. */
    public record Column(String name, int sqlType, int size) {
    }

    /** A value that does not fit its column: the record and the column are named. */
    public static final class BadValue extends RuntimeException {
        public BadValue(String message) {
            super(message);
        }
    }

    public DataSource dataSource() {
        return ds;
    }

    /** The table's columns, by lower-case name (read once). */
    public Map<String, Column> columns(String table) {
        return columns.computeIfAbsent(table.toLowerCase(Locale.ROOT), t -> {
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
                    ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Column> out = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnName(i).toLowerCase(Locale.ROOT);
                    out.put(name, new Column(name, md.getColumnType(i), md.getPrecision(i)));
                }
                return out;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the columns of source table " + table + ": " + e.getMessage(), e);
            }
        });
    }

    /** Forgets what it knows of the tables' columns (read again on first use: a run sees today's schema). */
    public void refresh() {
        columns.clear();
    }

    /** The problem with a configured column, or null when the table has it. */
    public String missingColumn(InboundConfig.Target t, String column) {
        return columns(t.table()).containsKey(column.toLowerCase(Locale.ROOT)) ? null
                : "table " + t.table() + " has no column " + column;
    }

    /** The rows with these keys: key → (lower-case column → value). */
    public Map<String, Map<String, Object>> read(InboundConfig.Target t, Collection<String> keys) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < all.size(); i += CHUNK) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + CHUNK));
                String sql = "SELECT * FROM " + t.table() + " WHERE " + t.key() + " IN (" + placeholders(chunk.size()) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int j = 0; j < chunk.size(); j++) {
                        bind(ps, j + 1, t, t.key(), chunk.get(j), "row " + chunk.get(j));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        ResultSetMetaData md = rs.getMetaData();
                        while (rs.next()) {
                            Map<String, Object> row = new HashMap<>();
                            for (int k = 1; k <= md.getColumnCount(); k++) {
                                row.put(md.getColumnName(k).toLowerCase(Locale.ROOT), rs.getObject(k));
                            }
                            out.put(String.valueOf(row.get(t.key().toLowerCase(Locale.ROOT))), row);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + t.table() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The keys of the rows whose {@code column} holds each of these values. With {@code ignoreCase} (emails)
     * a row matches the value or its lower case, compared on the column as it is, so an index on it serves.
     */
    public Map<String, List<String>> findBy(InboundConfig.Target t, String column, Collection<String> values,
            boolean ignoreCase) {
        Map<String, List<String>> out = new HashMap<>();
        List<String> all = new ArrayList<>(values);
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < all.size(); i += CHUNK) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + CHUNK));
                List<String> wanted = new ArrayList<>(chunk);
                if (ignoreCase) {
                    chunk.forEach(v -> {
                        String lower = v.toLowerCase(Locale.ROOT);
                        if (!lower.equals(v)) {
                            wanted.add(lower);
                        }
                    });
                }
                String sql = "SELECT " + t.key() + ", " + column + " FROM " + t.table() + " WHERE " + column + " IN ("
                        + placeholders(wanted.size()) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int j = 0; j < wanted.size(); j++) {
                        String v = wanted.get(j);
                        Object typed;
                        try {
                            typed = convert(t, column, v, "matchOn " + column);
                        } catch (BadValue e) {
                            typed = null; // a value the column cannot hold matches no row
                        }
                        if (typed == null) {
                            Column type = columns(t.table()).get(column.toLowerCase(Locale.ROOT));
                            ps.setNull(j + 1, type == null ? Types.VARCHAR : type.sqlType());
                        } else {
                            ps.setObject(j + 1, typed);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String found = String.valueOf(rs.getObject(2));
                            out.computeIfAbsent(ignoreCase ? found.toLowerCase(Locale.ROOT) : found, k -> new ArrayList<>())
                                    .add(String.valueOf(rs.getObject(1)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot search " + t.table() + "." + column + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** {@code n} new keys from a database sequence. */
    public List<String> nextKeys(String sequence, int n) {
        List<String> out = new ArrayList<>(n);
        String sql = isPostgres() ? "SELECT nextval('" + sequence + "') FROM generate_series(1, ?)"
                : "SELECT NEXT VALUE FOR " + sequence + " FROM SYSTEM_RANGE(1, ?)";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(String.valueOf(rs.getObject(1)));
                }
            }
            if (out.size() != n) {
                throw new SQLException("the sequence gave " + out.size() + " values for " + n + " rows");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take keys from sequence " + sequence + ": " + e.getMessage(), e);
        }
        return out;
    }

    private boolean isPostgres() {
        if (postgres == null) {
            try (Connection c = ds.getConnection()) {
                postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach the source database: " + e.getMessage(), e);
            }
        }
        return postgres;
    }

    /** One row's change: insert (with its key, or the database's default when null), update, delete. */
    public record Write(InboundConfig.Target target, Kind kind, String key, Map<String, Object> values, String record) {
        public enum Kind { INSERT, UPDATE, DELETE }
    }

    /**
     * Checks that every value of a write fits its column (type and length), converting it: the problem
     * names the record and the column. Nothing is written.
     */
    public Map<String, Object> converted(Write w) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : w.values().entrySet()) {
            out.put(e.getKey(), convert(w.target(), e.getKey(), e.getValue(), w.record()));
        }
        return out;
    }

    /** Applies writes in the caller's transaction, as batches per table, kind and column set. */
    public void apply(Connection c, List<Write> writes) throws SQLException {
        Map<String, List<Write>> groups = new LinkedHashMap<>();
        for (Write w : writes) {
            String shape = w.target().table() + "|" + w.kind() + "|" + String.join(",", w.values().keySet())
                    + (w.key() == null ? "|nokey" : "");
            groups.computeIfAbsent(shape, k -> new ArrayList<>()).add(w);
        }
        for (List<Write> group : groups.values()) {
            Write first = group.get(0);
            InboundConfig.Target t = first.target();
            List<String> cols = new ArrayList<>(first.values().keySet());
            String sql = switch (first.kind()) {
                case INSERT -> {
                    List<String> all = new ArrayList<>(cols);
                    if (first.key() != null) {
                        all.add(0, t.key());
                    }
                    yield "INSERT INTO " + t.table() + " (" + String.join(", ", all) + ") VALUES ("
                            + placeholders(all.size()) + ")";
                }
                case UPDATE -> "UPDATE " + t.table() + " SET " + String.join(", ", cols.stream().map(x -> x + " = ?").toList())
                        + " WHERE " + t.key() + " = ?";
                case DELETE -> "DELETE FROM " + t.table() + " WHERE " + t.key() + " = ?";
            };
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Write w : group) {
                    int i = 1;
                    if (w.kind() == Write.Kind.INSERT && w.key() != null) {
                        bind(ps, i++, t, t.key(), w.key(), w.record());
                    }
                    if (w.kind() != Write.Kind.DELETE) {
                        for (String col : cols) {
                            setConverted(ps, i++, t, col, w.values().get(col), w.record());
                        }
                    }
                    if (w.kind() != Write.Kind.INSERT) {
                        bind(ps, i, t, t.key(), w.key(), w.record());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private void bind(PreparedStatement ps, int i, InboundConfig.Target t, String column, String value, String record)
            throws SQLException {
        setConverted(ps, i, t, column, value, record);
    }

    private void setConverted(PreparedStatement ps, int i, InboundConfig.Target t, String column, Object value,
            String record) throws SQLException {
        Object v = convert(t, column, value, record);
        Column col = columns(t.table()).get(column.toLowerCase(Locale.ROOT));
        if (v == null) {
            ps.setNull(i, col == null ? Types.VARCHAR : col.sqlType());
        } else {
            ps.setObject(i, v);
        }
    }

    /** A Salesforce value as the column's Java type (text, whole or decimal number, boolean, time, date). */
    Object convert(InboundConfig.Target t, String column, Object value, String record) {
        if (value == null) {
            return null;
        }
        Column col = columns(t.table()).get(column.toLowerCase(Locale.ROOT));
        if (col == null) {
            throw new BadValue(record + ": table " + t.table() + " has no column " + column);
        }
        String text = value.toString();
        try {
            return switch (col.sqlType()) {
                case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> text.isBlank() ? null
                        : new BigDecimal(text.trim()).longValueExact();
                case Types.DECIMAL, Types.NUMERIC, Types.DOUBLE, Types.FLOAT, Types.REAL -> text.isBlank() ? null
                        : new BigDecimal(text.trim());
                case Types.BOOLEAN, Types.BIT -> value instanceof Boolean b ? b : bool(text.trim());
                case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> value instanceof Instant in
                        ? in.atOffset(ZoneOffset.UTC) : value instanceof OffsetDateTime o ? o
                        : OffsetDateTime.parse(text.replaceFirst("\\+0000$", "Z").replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2"));
                case Types.DATE -> LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
                default -> {
                    if (col.size() > 0 && col.size() < Integer.MAX_VALUE && text.length() > col.size()) {
                        throw new BadValue(record + ": " + text.length() + " characters do not fit " + t.table() + "."
                                + column + " (at most " + col.size() + ")");
                    }
                    yield text;
                }
            };
        } catch (NumberFormatException | ArithmeticException | java.time.format.DateTimeParseException e) {
            throw new BadValue(record + ": '" + abbreviate(text) + "' is not a value for " + t.table() + "." + column
                    + " (" + java.sql.JDBCType.valueOf(col.sqlType()).getName().toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** true/false (any case) or 1/0; anything else is no boolean (NumberFormatException: reported as a BadValue). */
    private static Boolean bool(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.equalsIgnoreCase("true") || s.equals("1")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false") || s.equals("0")) {
            return Boolean.FALSE;
        }
        throw new NumberFormatException("not a boolean: " + s);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "…" : s;
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
