package io.sfsync.api;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.sfsync.config.SyncConfig;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.SyncStore;

/** What the REST API works on: the running sfsync, as the API sees it (the runtime implements it). */
public interface SyncBackend {
    SyncConfig config();

    SyncStore store();

    DataSource source();

    SalesforceClient salesforce();

    ConnectionMonitor connection();

    /** Logs in to Salesforce again now ("Fix now"). */
    void relogin();

    String loginUrl();

    String instanceUrl();

    /** Runs one job now and waits for it. */
    /** Whether the schedules are clustered (Quartz's JDBC job store on PostgreSQL). */
    boolean clustered();

    /** This instance's name on the units of shared work it claims; null when it shares no work. */
    String worker();

    /** The cluster's instances as Quartz's table keeps them (none when not clustered). */
    List<io.sfsync.cluster.ClusteredQuartz.Instance> clusterInstances();

    /**
     * What the last look at sync.yaml found: state OK (applied, with what changed and what needs a restart),
     * INVALID (every problem with its path; the running configuration stays) or NOT_WATCHED.
     */
    Map<String, Object> configStatus();

    /** What a retry of a job's errors takes: the rows whose latest outcome is ERROR, and the touchpoints put back in line. */
    record RetryWork(List<String> keys, int touchpoints) {
        public boolean none() {
            return keys.isEmpty() && touchpoints == 0;
        }
    }

    /**
     * The rows whose latest outcome is ERROR (of that run, with that reason, when given), and the job's touchpoints
     * in ERROR put back in line (not with a run: a touchpoint's state is not kept per run).
     */
    RetryWork retryWork(String job, Long runId, String reason);

    /** Runs these rows again, and the job's touchpoints that wait and may go now (a retry). */
    RunContext retry(String job, String trigger, List<String> keys, java.util.function.Consumer<String> progress);

    /** Reads the job's rows again, from the start of its source or from {@code since}. */
    RunContext resync(String job, String trigger, java.time.Instant since, java.util.function.Consumer<String> progress);

    RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress);

    /** As {@link #run}, creating unmatched rows as {@code createAs} (Lead or Contact). */
    RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress, String createAs);
}
