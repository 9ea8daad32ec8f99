package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The SELECT list resolved against the data source. {@code projection} is what a plain (not
 * aggregate) query's records hold, in SELECT order: fields and parent-to-child subqueries.
 */
record SelectPlan(boolean countOnly, boolean hasAggregates, List<ResolvedPath> fields,
                  List<Aggregator.Column> columns, List<Projection> projection) {

    static SelectPlan of(List<SelectItem> items, PathResolver resolver,
                         Function<SelectItem.SubQuery, ChildQuery> subqueries) {
        boolean countOnly = false;
        boolean hasAggregates = false;
        List<ResolvedPath> fields = new ArrayList<>();
        List<Aggregator.Column> columns = new ArrayList<>();
        List<Projection> projection = new ArrayList<>();
        Set<String> seenFields = new HashSet<>();
        Set<String> seenKeys = new HashSet<>();
        int expr = 0;
        for (SelectItem item : items) {
            if (item instanceof SelectItem.CountAll) {
                countOnly = true;
            } else if (item instanceof SelectItem.Field f) {
                ResolvedPath path = resolver.resolve(f.path());
                if (!seenFields.add(path.identity())) {
                    throw new SoqlException(SoqlException.DUPLICATE_FIELD,
                            "duplicate field selected: " + path.dotted());
                }
                fields.add(path);
                projection.add(path);
                columns.add(new Aggregator.Column(path.fieldName(), null, path));
                seenKeys.add(path.fieldName().toLowerCase(Locale.ROOT));
            } else if (item instanceof SelectItem.SubQuery sub) {
                ChildQuery child = subqueries.apply(sub);
                if (!seenFields.add(child.name().toLowerCase(Locale.ROOT))) {
                    throw new SoqlException(SoqlException.DUPLICATE_FIELD,
                            "duplicate field selected: " + child.name());
                }
                projection.add(child);
            } else {
                SelectItem.Aggregate a = (SelectItem.Aggregate) item;
                hasAggregates = true;
                ResolvedPath path = resolver.resolve(a.path());
                // Unaliased aggregates are numbered among themselves: expr0, expr1, ...
                String key = a.alias() != null ? a.alias() : "expr" + expr++;
                if (!seenKeys.add(key.toLowerCase(Locale.ROOT))) {
                    throw new SoqlException(SoqlException.DUPLICATE_FIELD, "duplicate alias: " + key);
                }
                columns.add(new Aggregator.Column(key, a.function(), path));
            }
        }
        if (countOnly && items.size() > 1) {
            throw SoqlException.malformed("COUNT() must be the only element in the SELECT list");
        }
        return new SelectPlan(countOnly, hasAggregates, List.copyOf(fields), List.copyOf(columns),
                List.copyOf(projection));
    }

    /** The parent-to-child subqueries of the SELECT list, in order. */
    List<ChildQuery> children() {
        List<ChildQuery> out = new ArrayList<>();
        for (Projection p : projection) {
            if (p instanceof ChildQuery child) {
                out.add(child);
            }
        }
        return out;
    }
}
