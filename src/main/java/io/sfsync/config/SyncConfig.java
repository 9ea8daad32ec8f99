package io.sfsync.config;

import java.util.Map;

/** config/sync.yaml: the Salesforce connection policy and the jobs. */
public record SyncConfig(SalesforceSettings salesforce, Map<String, JobConfig> jobs) {

    public JobConfig job(String name) {
        JobConfig job = jobs.get(name);
        if (job == null) {
            throw new IllegalArgumentException("No job '" + name + "' in sync.yaml (jobs: " + String.join(", ", jobs.keySet()) + ")");
        }
        return job;
    }
}
