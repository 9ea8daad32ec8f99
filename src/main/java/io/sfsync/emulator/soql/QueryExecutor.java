package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a parsed query against a data source: validates names (Salesforce's compile step),
 * filters, sorts, windows (OFFSET/LIMIT) and shapes the result. A new instance per
 * execution keeps {@link SoqlQuery} immutable and safe to share between threads.
 */
final class QueryExecutor {
    private final SoqlQuery query;
    private final SoqlDataSource ds;
    private final boolean queryAll;

    QueryExecutor(SoqlQuery query, SoqlDataSource ds, boolean queryAll) {
        this.query = query;
        this.ds = ds;
        this.queryAll = queryAll;
    }

    SoqlResult execute() {
        String object = ds.resolveObject(query.objectName());
        if (object == null) {
            throw new SoqlException(SoqlException.INVALID_TYPE, "sObject type '" + query.objectName()
                    + "' is not supported. If you are attempting to use a custom object, be sure to append the"
                    + " '__c' after the entity name. Please reference your WSDL or the describe call for the"
                    + " appropriate names.");
        }
        ExecutionContext ctx = new ExecutionContext(ds);
        PathResolver resolver = new PathResolver(ds, object, query.alias());

        // Validation follows the query text: SELECT, WHERE, GROUP BY, ORDER BY.
        SelectPlan select = SelectPlan.of(query.select(), resolver,
                sub -> ChildQuery.resolve(sub, ds, object, query.alias(), ctx));
        RowPredicate where = query.where() == null ? null
                : new PredicateCompiler(resolver, ctx).compile(query.where());
        List<ResolvedPath> groupBy = new ArrayList<>();
        for (FieldPath path : query.groupBy()) {
            groupBy.add(resolver.resolve(path).requireScalar("grouped"));
        }
        List<RowSorter.SortKey> sortKeys = new ArrayList<>();
        for (OrderItem item : query.orderBy()) {
            sortKeys.add(new RowSorter.SortKey(resolver.resolve(item.path()).requireScalar("sorted"), item.descending(),
                    item.nullsFirst()));
        }
        boolean aggregate = select.hasAggregates() || !groupBy.isEmpty();
        if (select.countOnly() && !groupBy.isEmpty()) {
            throw SoqlException.malformed("COUNT() cannot be used with GROUP BY");
        }
        if (aggregate) {
            checkGrouped(select, groupBy, sortKeys);
            if (!select.children().isEmpty()) {
                throw SoqlException.malformed("a subquery cannot be selected in an aggregate query");
            }
        }

        List<Row> rows = select(where, sortKeys, aggregate, object, ctx, resolver);

        if (select.countOnly()) {
            return new SoqlResult(window(rows).size(), List.of());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        if (aggregate) {
            records.addAll(window(new Aggregator(select.columns(), groupBy, ctx).aggregate(rows)));
        } else {
            List<Row> page = window(rows);
            for (ChildQuery child : select.children()) {
                child.prepare(page, ctx, queryAll);
            }
            RecordProjector projector = new RecordProjector(select.projection(), ctx);
            for (Row row : page) {
                records.add(projector.project(row));
            }
        }
        return new SoqlResult(records.size(), records);
    }

    /**
     * The matching rows in ORDER BY order. Without aggregates only the first OFFSET + LIMIT rows can
     * be returned, so only those are kept: an ordered index read stops there, a scan without ORDER BY
     * stops there, and a scan with ORDER BY selects them instead of sorting every match.
     */
    private List<Row> select(RowPredicate where, List<RowSorter.SortKey> sortKeys, boolean aggregate, String object,
            ExecutionContext ctx, PathResolver resolver) {
        long wanted = aggregate || query.limit() == null ? Long.MAX_VALUE
                : (long) (query.offset() == null ? 0 : query.offset()) + query.limit();
        IndexPlanner planner = new IndexPlanner(ds, object, resolver);
        List<Map<String, Object>> candidates = planner.candidates(query.where(), queryAll);
        Iterator<Map<String, Object>> ordered = candidates == null
                ? planner.inOrder(query.where(), sortKeys, queryAll) : null;
        List<Row> rows = new ArrayList<>();
        if (ordered != null) {
            while (rows.size() < wanted && ordered.hasNext()) {
                Row row = new Row(ordered.next(), object);
                if (where == null || where.test(row, ctx)) {
                    rows.add(row);
                }
            }
            return rows;
        }
        boolean unsorted = sortKeys.isEmpty();
        for (Map<String, Object> record : candidates != null ? candidates : ds.records(object, queryAll)) {
            if (unsorted && rows.size() >= wanted) {
                break;
            }
            Row row = new Row(record, object);
            if (where == null || where.test(row, ctx)) {
                rows.add(row);
            }
        }
        return RowSorter.sort(rows, sortKeys, ctx, wanted);
    }

    /** In an aggregate query every plain field (selected or ordered by) must be grouped. */
    private static void checkGrouped(SelectPlan select, List<ResolvedPath> groupBy, List<RowSorter.SortKey> keys) {
        Set<String> grouped = new HashSet<>();
        for (ResolvedPath path : groupBy) {
            grouped.add(path.identity());
        }
        for (ResolvedPath path : select.fields()) {
            if (!grouped.contains(path.identity())) {
                throw SoqlException.malformed("Field must be grouped or aggregated: " + path.fieldName());
            }
        }
        for (RowSorter.SortKey key : keys) {
            if (!grouped.contains(key.path().identity())) {
                throw SoqlException.malformed("Ordered field must be grouped or aggregated: "
                        + key.path().fieldName());
            }
        }
    }

    private <T> List<T> window(List<T> items) {
        int from = Math.min(query.offset() == null ? 0 : query.offset(), items.size());
        int to = query.limit() == null ? items.size() : (int) Math.min(items.size(), (long) from + query.limit());
        return items.subList(from, to);
    }
}
