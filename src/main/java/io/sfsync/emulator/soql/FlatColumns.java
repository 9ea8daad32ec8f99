package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A query's result as flat rows, the way Bulk API 2.0 serves it in CSV: one column per selected
 * field, named by its canonical path ("Owner.Email"), read from the nested records that
 * {@link SoqlQuery#execute} returns. Bulk API 2.0 runs no COUNT() or other aggregate, GROUP BY,
 * OFFSET or parent-to-child (subquery) query; {@link #unsupported} says which of those a query has.
 */
public final class FlatColumns {

    /**
     * One column.
     *
     * @param path canonical relationship names, then the canonical field name
     * @param dateTime whether the field is a date-time (Bulk API writes those in UTC with a Z)
     */
    public record Column(List<String> path, boolean dateTime) {
        public Column {
            path = List.copyOf(path);
        }

        /** The CSV header of the column: "Owner.Email". */
        public String name() {
            return String.join(".", path);
        }

        /** The value at the column's path in a result record (null along an empty relationship). */
        public Object value(Map<String, Object> record) {
            Object current = record;
            for (String key : path) {
                if (!(current instanceof Map<?, ?> m)) {
                    return null;
                }
                current = m.get(key);
            }
            return current;
        }
    }

    private FlatColumns() {
    }

    /** What Bulk API 2.0 refuses in the query ("GROUP BY", ...), or null when it runs it. */
    public static String unsupported(SoqlQuery query) {
        if (query.isCountQuery()) {
            return "COUNT()";
        }
        if (query.select().stream().anyMatch(SelectItem.Aggregate.class::isInstance)) {
            return "aggregate functions";
        }
        if (!query.groupBy().isEmpty()) {
            return "GROUP BY";
        }
        if (query.offset() != null) {
            return "OFFSET";
        }
        if (query.select().stream().anyMatch(SelectItem.SubQuery.class::isInstance)) {
            return "a parent-to-child relationship query";
        }
        return null;
    }

    /**
     * The selected fields in SELECT order.
     *
     * @throws SoqlException for names the data source does not know, as {@link SoqlQuery#execute} would
     */
    public static List<Column> of(SoqlQuery query, SoqlDataSource ds) {
        String object = ds.resolveObject(query.objectName());
        if (object == null) {
            throw new SoqlException(SoqlException.INVALID_TYPE, "sObject type '" + query.objectName()
                    + "' is not supported.");
        }
        PathResolver resolver = new PathResolver(ds, object, query.alias());
        List<Column> columns = new ArrayList<>();
        for (SelectItem item : query.select()) {
            if (item instanceof SelectItem.Field f) {
                ResolvedPath resolved = resolver.resolve(f.path());
                List<String> path = new ArrayList<>();
                resolved.hops().forEach(hop -> path.add(hop.name()));
                path.add(resolved.fieldName());
                columns.add(new Column(path, resolved.kind() == FieldKind.DATETIME));
            }
        }
        return columns;
    }
}
