package io.sfsync.config;

import java.util.Map;

/**
 * config/sync.yaml: the Salesforce connection policy, the jobs, who may manage them, and where
 * alerts go.
 */
public record SyncConfig(SalesforceSettings salesforce, Map<String, JobConfig> jobs, Management management,
        Alerts alerts) {

    /** @param adminsOnly only admins manage the integration; operators may still repair a broken connection */
    public record Management(boolean adminsOnly) {
    }

    /**
     * @param webhook URL that receives a JSON POST per alert (null: no alerts)
     * @param errorThreshold a run with more errors than this alerts
     * @param apiBudgetLowPercent alert when the org has less than this share of its daily API requests left
     */
    public record Alerts(String webhook, int errorThreshold, int apiBudgetLowPercent) {
    }

    public JobConfig job(String name) {
        JobConfig job = jobs.get(name);
        if (job == null) {
            throw new IllegalArgumentException("No job '" + name + "' in sync.yaml (jobs: " + String.join(", ", jobs.keySet()) + ")");
        }
        return job;
    }
}
