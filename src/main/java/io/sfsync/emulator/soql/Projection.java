package io.sfsync.emulator.soql;

/** One entry of a result record, in SELECT order: a field path or a parent-to-child subquery. */
sealed interface Projection permits ResolvedPath, ChildQuery {
}
