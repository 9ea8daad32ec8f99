package io.sfsync.emulator.soql;

/** A compiled WHERE clause (or part of one). */
@FunctionalInterface
interface RowPredicate {
    boolean test(Row row, ExecutionContext ctx);
}
