package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parent-to-child subquery, {@code (SELECT LastName FROM Contacts WHERE … ORDER BY … LIMIT n)},
 * checked against the data source. Each parent record carries its children as a nested query
 * result, {@code {"totalSize": n, "done": true, "records": [...]}}, or null when it has none; WHERE,
 * ORDER BY, LIMIT and OFFSET apply to each parent's children separately. The children of every
 * parent on the page are gathered in one pass over the child object, not one pass per parent.
 */
final class ChildQuery implements Projection {
    private static final String CUSTOM_RELATIONSHIP_HINT = " If you are attempting to use a custom relationship,"
            + " be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the"
            + " describe call for the appropriate names.";

    private final String name;
    private final String childObject;
    private final String field;
    private final SoqlDataSource ds;
    private final RowPredicate where;
    private final List<RowSorter.SortKey> sortKeys;
    private final Integer limit;
    private final Integer offset;
    private final RecordProjector projector;
    private Map<String, List<Row>> byParent = Map.of();

    private ChildQuery(SoqlDataSource.ChildRelationship relationship, SoqlDataSource ds, RowPredicate where,
            List<RowSorter.SortKey> sortKeys, Integer limit, Integer offset, RecordProjector projector) {
        this.name = relationship.name();
        this.childObject = relationship.childObject();
        this.field = relationship.field();
        this.ds = ds;
        this.where = where;
        this.sortKeys = sortKeys;
        this.limit = limit;
        this.offset = offset;
        this.projector = projector;
    }

    /**
     * Checks the subquery as Salesforce's compiler does, in text order: the relationship
     * (INVALID_TYPE when the parent has no child relationship of that name), then the child's
     * SELECT, WHERE and ORDER BY (INVALID_FIELD and the rest, as for any query).
     */
    static ChildQuery resolve(SelectItem.SubQuery sub, SoqlDataSource ds, String parentObject, String parentAlias,
            ExecutionContext ctx) {
        List<String> segments = sub.relationship().segments();
        String written = segments.get(segments.size() - 1);
        // "a.Contacts" with FROM Account a, or "Account.Contacts": qualified by the parent
        boolean qualified = segments.size() == 2 && (segments.get(0).equalsIgnoreCase(parentObject)
                || parentAlias != null && segments.get(0).equalsIgnoreCase(parentAlias));
        SoqlDataSource.ChildRelationship relationship = segments.size() == 1 || qualified
                ? ds.childRelationship(parentObject, written) : null;
        if (relationship == null) {
            throw new SoqlException(SoqlException.INVALID_TYPE, "Didn't understand relationship '"
                    + sub.relationship().dotted() + "' in FROM part of query call." + CUSTOM_RELATIONSHIP_HINT);
        }
        PathResolver resolver = new PathResolver(ds, relationship.childObject(), sub.alias());
        SelectPlan select = SelectPlan.of(sub.select(), resolver, nested -> {
            throw SoqlException.malformed("subqueries inside a subquery are not supported by this emulator");
        });
        RowPredicate where = sub.where() == null ? null : new PredicateCompiler(resolver, ctx).compile(sub.where());
        List<RowSorter.SortKey> sortKeys = new ArrayList<>();
        for (OrderItem item : sub.orderBy()) {
            sortKeys.add(new RowSorter.SortKey(resolver.resolve(item.path()).requireScalar("sorted"), item.descending(),
                    item.nullsFirst()));
        }
        return new ChildQuery(relationship, ds, where, List.copyOf(sortKeys), sub.limit(), sub.offset(),
                new RecordProjector(select.projection(), ctx));
    }

    /** The canonical relationship name: the key of the nested result in each parent record. */
    String name() {
        return name;
    }

    /** Gathers the children of these parents (deleted ones too for queryAll) that pass the WHERE clause. */
    void prepare(List<Row> parents, ExecutionContext ctx, boolean includeDeleted) {
        Set<String> parentIds = new HashSet<>();
        for (Row parent : parents) {
            Object id = parent.fields().get("Id");
            if (id != null) {
                parentIds.add(id.toString());
            }
        }
        Map<String, List<Row>> groups = new HashMap<>();
        if (!parentIds.isEmpty()) {
            for (Map<String, Object> record : ds.records(childObject, includeDeleted)) {
                Object parentId = record.get(field);
                if (parentId == null || !parentIds.contains(parentId.toString())) {
                    continue;
                }
                Row row = new Row(record, childObject);
                if (where == null || where.test(row, ctx)) {
                    groups.computeIfAbsent(parentId.toString(), k -> new ArrayList<>()).add(row);
                }
            }
        }
        byParent = groups;
    }

    /** The parent's children as a nested query result, or null when it has none. */
    Map<String, Object> result(Row parent, ExecutionContext ctx) {
        List<Row> rows = byParent.get(String.valueOf(parent.fields().get("Id")));
        if (rows == null) {
            return null;
        }
        rows = RowSorter.sort(rows, sortKeys, ctx);
        int from = Math.min(offset == null ? 0 : offset, rows.size());
        int to = limit == null ? rows.size() : (int) Math.min(rows.size(), (long) from + limit);
        if (from >= to) {
            return null;
        }
        List<Map<String, Object>> records = new ArrayList<>(to - from);
        for (Row row : rows.subList(from, to)) {
            records.add(projector.project(row));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("totalSize", records.size());
        out.put("done", true);
        out.put("records", records);
        return out;
    }
}
