package io.sfsync.emulator.soql;

/** One ORDER BY key with its direction and where nulls go. */
record OrderItem(FieldPath path, boolean descending, boolean nullsFirst) {}
