package io.sfsync.emulator.soql;

import java.util.List;

/**
 * A parsed SOQL query. Parsing checks syntax only; {@link #execute} validates object and field
 * names against a data source (as Salesforce's query compiler would) and evaluates. Instances
 * are immutable and may be cached and executed concurrently.
 */
public final class SoqlQuery {
    /** Salesforce rejects SOQL statements longer than this. */
    public static final int MAX_LENGTH = 100_000;

    private final String soql;
    private final List<SelectItem> select;
    private final String objectName;
    private final String alias;
    private final Condition where;
    private final List<FieldPath> groupBy;
    private final List<OrderItem> orderBy;
    private final Integer limit;
    private final Integer offset;
    private final String purpose;

    SoqlQuery(String soql, List<SelectItem> select, String objectName, String alias, Condition where,
              List<FieldPath> groupBy, List<OrderItem> orderBy, Integer limit, Integer offset, String purpose) {
        this.purpose = purpose;
        this.soql = soql;
        this.select = List.copyOf(select);
        this.objectName = objectName;
        this.alias = alias;
        this.where = where;
        this.groupBy = List.copyOf(groupBy);
        this.orderBy = List.copyOf(orderBy);
        this.limit = limit;
        this.offset = offset;
    }

    /**
     * Parses a query.
     *
     * @throws SoqlException MALFORMED_QUERY for syntax errors and over-long queries,
     *                       NUMBER_OUTSIDE_VALID_RANGE for an OFFSET above 2000
     */
    public static SoqlQuery parse(String soql) {
        if (soql == null || soql.isBlank()) {
            throw SoqlException.malformed("unexpected token: '<EOF>'");
        }
        // Checked before lexing so a huge input costs nothing.
        if (soql.length() > MAX_LENGTH) {
            throw SoqlException.malformed("Query is too long: SOQL statements cannot be longer than 100,000"
                    + " characters (this one has " + soql.length() + ")");
        }
        return SoqlParser.parse(soql);
    }

    /**
     * Runs the query. With {@code queryAll} deleted records are included (queryAll endpoint).
     *
     * @throws SoqlException INVALID_TYPE, INVALID_FIELD, DUPLICATE_FIELD, MALFORMED_QUERY or
     *                       INVALID_QUERY_FILTER_OPERATOR when the query does not fit the schema
     */
    public SoqlResult execute(SoqlDataSource ds, boolean queryAll) {
        return new QueryExecutor(this, ds, queryAll).execute();
    }

    /** The FROM object as written in the query. */
    public String objectName() {
        return objectName;
    }

    /** True for SELECT COUNT() queries, whose answer is only a totalSize. */
    public boolean isCountQuery() {
        return select.stream().anyMatch(SelectItem.CountAll.class::isInstance);
    }

    /** The original query text. */
    public String soql() {
        return soql;
    }

    /**
     * A SELECT entry as clients describe it: a field path (Owner.Email), an aggregate with its
     * alias, or a parent-to-child subquery (path: its FROM relationship; children: its SELECT list).
     */
    public record Column(List<String> path, boolean aggregate, String alias, List<Column> children) {
        public Column(List<String> path, boolean aggregate, String alias) {
            this(path, aggregate, alias, null);
        }

        public boolean subquery() {
            return children != null;
        }
    }

    /** The SELECT list, in order (for query column metadata). */
    public List<Column> columns() {
        return columns(select());
    }

    private static List<Column> columns(List<SelectItem> items) {
        List<Column> out = new java.util.ArrayList<>();
        int expr = 0;
        for (SelectItem item : items) {
            if (item instanceof SelectItem.Field f) {
                out.add(new Column(f.path().segments(), false, null));
            } else if (item instanceof SelectItem.Aggregate a) {
                out.add(new Column(a.path() == null ? List.of() : a.path().segments(), true,
                        a.alias() != null ? a.alias() : "expr" + expr++));
            } else if (item instanceof SelectItem.SubQuery sub) {
                out.add(new Column(sub.relationship().segments(), false, null, columns(sub.select())));
            }
        }
        return out;
    }

    /** VIEW or REFERENCE for a query ending in FOR VIEW / FOR REFERENCE (the records are marked so), else null. */
    public String purpose() {
        return purpose;
    }

    /** The fields the WHERE clause filters on (each once, as written: {@code Email}, {@code Account.Name}). */
    public List<String> filterFields() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        filterFields(where, out);
        return List.copyOf(out);
    }

    private static void filterFields(Condition c, java.util.Set<String> out) {
        if (c instanceof Condition.And a) {
            a.operands().forEach(o -> filterFields(o, out));
        } else if (c instanceof Condition.Or o) {
            o.operands().forEach(x -> filterFields(x, out));
        } else if (c instanceof Condition.Not n) {
            filterFields(n.operand(), out);
        } else if (c instanceof Condition.Comparison cmp) {
            out.add(String.join(".", cmp.path().segments()));
        } else if (c instanceof Condition.In in) {
            out.add(String.join(".", in.path().segments()));
        } else if (c instanceof Condition.Like like) {
            out.add(String.join(".", like.path().segments()));
        }
    }

    /** The fields of the ORDER BY clause, as written. */
    public List<String> orderFields() {
        return orderBy.stream().map(o -> String.join(".", o.path().segments())).toList();
    }

    List<SelectItem> select() {
        return select;
    }

    String alias() {
        return alias;
    }

    Condition where() {
        return where;
    }

    List<FieldPath> groupBy() {
        return groupBy;
    }

    List<OrderItem> orderBy() {
        return orderBy;
    }

    Integer limit() {
        return limit;
    }

    Integer offset() {
        return offset;
    }

    @Override
    public String toString() {
        return soql;
    }
}
