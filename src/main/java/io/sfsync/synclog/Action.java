package io.sfsync.synclog;

/**
 * What happened to a record. PENDING marks a row a transient failure left
 * for the next run: the watermark stays behind it, so it is read again.
 */
public enum Action { CREATED, UPDATED, SKIPPED, DUPLICATE, ERROR, PENDING, LINKED, UNLINKED, CONFLICT }
