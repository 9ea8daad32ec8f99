package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * ORDER BY. Sort keys are computed once per row (following parent references is not free)
 * and the sort is stable, so rows with equal keys keep the data source's order. With a LIMIT only
 * the rows it can return are selected, in the same order.
 */
final class RowSorter {

    record SortKey(ResolvedPath path, boolean descending, boolean nullsFirst) {}

    private record Decorated(Row row, int position, Comparable<?>[] keys) {}

    private RowSorter() {
    }

    static List<Row> sort(List<Row> rows, List<SortKey> sortKeys, ExecutionContext ctx) {
        return sort(rows, sortKeys, ctx, Long.MAX_VALUE);
    }

    /**
     * The first {@code first} rows of the sorted list, exactly as sorting them all and cutting the list
     * would give: while the selected rows are few compared with the rows, a bounded heap of them
     * (ties broken by position, as the stable sort breaks them) costs n log(first) instead of n log n.
     */
    static List<Row> sort(List<Row> rows, List<SortKey> sortKeys, ExecutionContext ctx, long first) {
        if (first <= 0) {
            return List.of();
        }
        if (sortKeys.isEmpty() || rows.size() < 2) {
            return first >= rows.size() ? rows : rows.subList(0, (int) first);
        }
        Comparator<Decorated> order = comparator(sortKeys);
        if (first >= rows.size() / 2) {
            List<Decorated> decorated = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                decorated.add(decorate(rows.get(i), i, sortKeys, ctx));
            }
            decorated.sort(order);
            List<Row> out = new ArrayList<>((int) Math.min(first, rows.size()));
            for (Decorated d : decorated) {
                if (out.size() >= first) {
                    break;
                }
                out.add(d.row());
            }
            return out;
        }
        // positions are unique, so this order is total and the heap keeps exactly the first rows
        Comparator<Decorated> total = order.thenComparingInt(Decorated::position);
        int k = (int) first;
        PriorityQueue<Decorated> kept = new PriorityQueue<>(k + 1, total.reversed());
        for (int i = 0; i < rows.size(); i++) {
            Decorated d = decorate(rows.get(i), i, sortKeys, ctx);
            if (kept.size() < k) {
                kept.add(d);
            } else if (total.compare(d, kept.peek()) < 0) {
                kept.poll();
                kept.add(d);
            }
        }
        List<Decorated> selected = new ArrayList<>(kept);
        selected.sort(total);
        List<Row> out = new ArrayList<>(selected.size());
        for (Decorated d : selected) {
            out.add(d.row());
        }
        return out;
    }

    private static Decorated decorate(Row row, int position, List<SortKey> sortKeys, ExecutionContext ctx) {
        Comparable<?>[] keys = new Comparable<?>[sortKeys.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = sortKeys.get(i).path().key(row, ctx);
        }
        return new Decorated(row, position, keys);
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
