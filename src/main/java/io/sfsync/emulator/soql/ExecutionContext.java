package io.sfsync.emulator.soql;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-execution state: the data source, "today" frozen once (so a query crossing midnight is
 * consistent) and a cache of parent lookups. Never shared between executions or threads.
 */
final class ExecutionContext {
    private static final Row MISSING = new Row(Map.of(), "");

    private final SoqlDataSource ds;
    private final LocalDate today;
    private final ZoneId zone;
    private final Map<String, Row> parents = new HashMap<>();

    ExecutionContext(SoqlDataSource ds) {
        this.ds = ds;
        this.zone = ds.clock().getZone();
        this.today = LocalDate.now(ds.clock());
    }

    SoqlDataSource dataSource() {
        return ds;
    }

    LocalDate today() {
        return today;
    }

    ZoneId zone() {
        return zone;
    }

    /** The record an Id points at, with its type; null for a dangling reference. */
    Row parent(Object id) {
        if (id == null) {
            return null;
        }
        String key = id.toString();
        if (key.isEmpty()) {
            return null;
        }
        Row row = parents.computeIfAbsent(key, k -> {
            Map<String, Object> rec = ds.findById(k);
            String type = rec == null ? null : ds.objectOfId(k);
            return rec == null || type == null ? MISSING : new Row(rec, type);
        });
        return row == MISSING ? null : row;
    }
}
