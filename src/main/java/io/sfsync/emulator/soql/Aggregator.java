package io.sfsync.emulator.soql;

import io.sfsync.emulator.soql.SelectItem.AggregateFunction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregate queries (COUNT(f), MAX(f), ..., optionally with GROUP BY). Rows come in already
 * filtered and sorted; groups keep first-seen order, so ORDER BY on grouped fields orders
 * the groups. Output rows are typed "AggregateResult" with keys expr0, expr1... or aliases.
 */
final class Aggregator {

    /** One output column: a grouped field or an aggregate function. */
    record Column(String key, AggregateFunction function, ResolvedPath path) {
        boolean isGroupedField() {
            return function == null;
        }
    }

    private final List<Column> columns;
    private final List<ResolvedPath> groupBy;
    private final ExecutionContext ctx;

    Aggregator(List<Column> columns, List<ResolvedPath> groupBy, ExecutionContext ctx) {
        this.columns = columns;
        this.groupBy = groupBy;
        this.ctx = ctx;
        for (Column column : columns) {
            checkSupported(column);
        }
    }

    private static void checkSupported(Column column) {
        AggregateFunction fn = column.function();
        FieldKind kind = column.path() == null ? null : column.path().kind();
        boolean numericOnly = fn == AggregateFunction.SUM || fn == AggregateFunction.AVG;
        boolean ordered = fn == AggregateFunction.MAX || fn == AggregateFunction.MIN;
        if ((numericOnly && kind != FieldKind.NUMBER) || (ordered && kind == FieldKind.BOOLEAN)
                || kind == FieldKind.COMPOUND) {
            throw SoqlException.malformed("field " + column.path().fieldName()
                    + " does not support aggregate operator " + fn);
        }
    }

    List<Map<String, Object>> aggregate(List<Row> rows) {
        Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
        if (groupBy.isEmpty()) {
            groups.put(List.of(), rows); // no GROUP BY: exactly one row, even over no records
        } else {
            for (Row row : rows) {
                List<Object> key = new ArrayList<>(groupBy.size());
                for (ResolvedPath path : groupBy) {
                    key.add(path.key(row, ctx));
                }
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>(groups.size());
        for (List<Row> group : groups.values()) {
            out.add(row(group));
        }
        return out;
    }

    private Map<String, Object> row(List<Row> group) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attributes", Map.of("type", "AggregateResult"));
        for (Column column : columns) {
            out.put(column.key(), column.isGroupedField()
                    ? (group.isEmpty() ? null : column.path().value(group.get(0), ctx))
                    : compute(column, group));
        }
        return out;
    }

    private Object compute(Column column, List<Row> group) {
        ResolvedPath path = column.path();
        switch (column.function()) {
            case COUNT: {
                int n = 0;
                for (Row row : group) {
                    if (path.key(row, ctx) != null) {
                        n++;
                    }
                }
                return n;
            }
            case COUNT_DISTINCT: {
                Set<Object> seen = new HashSet<>();
                for (Row row : group) {
                    Comparable<?> key = path.key(row, ctx);
                    if (key != null) {
                        seen.add(key);
                    }
                }
                return seen.size();
            }
            case MAX:
            case MIN:
                return extreme(path, group, column.function() == AggregateFunction.MAX);
            case SUM:
            case AVG:
                return sumOrAverage(path, group, column.function() == AggregateFunction.AVG);
            default:
                throw new IllegalStateException("unknown aggregate " + column.function());
        }
    }

    /** MAX/MIN return the stored value of the extreme row, keeping its original spelling. */
    private Object extreme(ResolvedPath path, List<Row> group, boolean max) {
        Comparable<?> bestKey = null;
        Object bestValue = null;
        for (Row row : group) {
            Object value = path.value(row, ctx);
            Comparable<?> key = SoqlValues.key(path.kind(), value);
            if (key == null) {
                continue;
            }
            if (bestKey == null || (max ? SoqlValues.compare(key, bestKey) > 0
                    : SoqlValues.compare(key, bestKey) < 0)) {
                bestKey = key;
                bestValue = value;
            }
        }
        return bestValue;
    }

    private Object sumOrAverage(ResolvedPath path, List<Row> group, boolean average) {
        BigDecimal sum = BigDecimal.ZERO;
        int n = 0;
        for (Row row : group) {
            Comparable<?> key = path.key(row, ctx);
            if (key != null) {
                sum = sum.add((BigDecimal) key);
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        BigDecimal result = average ? sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64) : sum;
        return result.doubleValue();
    }
}
