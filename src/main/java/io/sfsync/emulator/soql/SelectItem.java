package io.sfsync.emulator.soql;

/** One entry of the SELECT list. */
sealed interface SelectItem {

    /** A plain field or parent-relationship path. */
    record Field(FieldPath path) implements SelectItem {}

    /** {@code COUNT()}: the query answers with a number only. */
    record CountAll() implements SelectItem {}

    /** COUNT(f), COUNT_DISTINCT(f), MAX(f), MIN(f), SUM(f), AVG(f), optionally aliased. */
    record Aggregate(AggregateFunction function, FieldPath path, String alias) implements SelectItem {}

    enum AggregateFunction { COUNT, COUNT_DISTINCT, MAX, MIN, SUM, AVG }
}
