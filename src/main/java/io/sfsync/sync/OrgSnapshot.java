package io.sfsync.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.sfsync.salesforce.ObjectInfo;

/** The org as a run found it: the describe of each mapped object, the owners' Users, the fallback owner. */
final class OrgSnapshot {
    /** Object name → its fields and flags, read once at the run's start. */
    volatile Map<String, ObjectInfo> describe = Map.of();
    /** Owner email (lower case) → active User Id, or "" when there is none; filled by the lookups. */
    final Map<String, String> usersByEmail = new ConcurrentHashMap<>();
    /** The User new records fall back to (ownership.fallback), or null. */
    String fallbackOwnerId;
}
