package io.sfsync.sync;

import javax.sql.DataSource;

import io.sfsync.config.SyncConfig;
import io.sfsync.mapping.Transforms;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.synclog.SyncStore;

/**
 * What the sync steps share across runs: configuration (the running one: a serving sfsync reloads it),
 * the source, the sync tables, Salesforce.
 */
public record SyncServices(java.util.function.Supplier<SyncConfig> configs, DataSource source, SyncStore store, SalesforceClient salesforce,
        Transforms transforms, ConnectionMonitor connection, SyncMetrics metrics,
        io.sfsync.monitoring.AlertNotifier alerts) {

    /** The configuration runs start with now. */
    public SyncConfig config() {
        return configs.get();
    }
}
