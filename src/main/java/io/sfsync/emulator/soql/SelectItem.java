package io.sfsync.emulator.soql;

import java.util.List;

/** One entry of the SELECT list. */
sealed interface SelectItem {

    /** A plain field or parent-relationship path. */
    record Field(FieldPath path) implements SelectItem {}

    /** {@code COUNT()}: the query answers with a number only. */
    record CountAll() implements SelectItem {}

    /**
     * A parent-to-child subquery, {@code (SELECT LastName FROM Contacts WHERE … ORDER BY … LIMIT n)}:
     * FROM names a child relationship of the outer object (optionally qualified by its name or alias).
     */
    record SubQuery(FieldPath relationship, String alias, List<SelectItem> select, Condition where,
                    List<OrderItem> orderBy, Integer limit, Integer offset) implements SelectItem {
        public SubQuery {
            select = List.copyOf(select);
            orderBy = List.copyOf(orderBy);
        }
    }

    /** COUNT(f), COUNT_DISTINCT(f), MAX(f), MIN(f), SUM(f), AVG(f), optionally aliased. */
    record Aggregate(AggregateFunction function, FieldPath path, String alias) implements SelectItem {}

    enum AggregateFunction { COUNT, COUNT_DISTINCT, MAX, MIN, SUM, AVG }
}
