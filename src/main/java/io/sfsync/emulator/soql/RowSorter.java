package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ORDER BY. Sort keys are computed once per row (following parent references is not free)
 * and the sort is stable, so rows with equal keys keep the data source's order.
 */
final class RowSorter {

    record SortKey(ResolvedPath path, boolean descending, boolean nullsFirst) {}

    private record Decorated(Row row, Comparable<?>[] keys) {}

    private RowSorter() {
    }

    static List<Row> sort(List<Row> rows, List<SortKey> sortKeys, ExecutionContext ctx) {
        if (sortKeys.isEmpty() || rows.size() < 2) {
            return rows;
        }
        List<Decorated> decorated = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Comparable<?>[] keys = new Comparable<?>[sortKeys.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = sortKeys.get(i).path().key(row, ctx);
            }
            decorated.add(new Decorated(row, keys));
        }
        decorated.sort(comparator(sortKeys));
        List<Row> out = new ArrayList<>(rows.size());
        for (Decorated d : decorated) {
            out.add(d.row());
        }
        return out;
    }

    private static Comparator<Decorated> comparator(List<SortKey> sortKeys) {
        return (a, b) -> {
            for (int i = 0; i < sortKeys.size(); i++) {
                SortKey key = sortKeys.get(i);
                Comparable<?> x = a.keys()[i];
                Comparable<?> y = b.keys()[i];
                int cmp;
                if (x == null || y == null) {
                    if (x == y) {
                        continue;
                    }
                    // Null placement is absolute: NULLS FIRST means first whatever the direction.
                    cmp = (x == null) == key.nullsFirst() ? -1 : 1;
                    return cmp;
                }
                cmp = SoqlValues.compare(x, y);
                if (cmp != 0) {
                    return key.descending() ? -cmp : cmp;
                }
            }
            return 0;
        };
    }
}
