package io.sfsync.api;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The shapes of the management API's request and response bodies, as the OpenAPI document at
 * /api/openapi.json publishes them (the REST DSL's {@code type} and {@code outType}). The API builds its
 * answers as JSON maps; a test calls every operation and checks each answer against these schemas, every
 * property declared here present and no property left undeclared.
 */
public final class ApiModel {
    private ApiModel() {
    }

    private static final String INSTANT = "date-time";

    @Schema(description = "An error: what is wrong, in words, and what was expected; it also names the parameter, body"
            + " field or job at fault", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    public record Problem(String error, String expected) {
    }

    @Schema(description = "The Salesforce connection's state only (public)")
    public record Health(@Schema(allowableValues = {"UP", "DEGRADED", "BROKEN"}) String status) {
    }

    @Schema(description = "A sync run with its counts")
    public record Run(long id, String job, @Schema(description = "cli, api, schedule, …") String trigger,
            @Schema(nullable = true) String segment, boolean dryRun, @Schema(format = INSTANT) String startedAt,
            @Schema(format = INSTANT, nullable = true) String finishedAt,
            @Schema(allowableValues = {"RUNNING", "SUCCEEDED", "PARTIAL", "PAUSED", "FAILED", "ABORTED"}) String status,
            int attempted, int created, int updated, int skipped, int duplicates, int errors, int pending, int unlinked,
            int conflicts, @Schema(allowableValues = {"OUTBOUND", "INBOUND", "BOTH"}) String direction, int apiCalls,
            @Schema(nullable = true) String summary,
            @Schema(nullable = true, description = "why the run re-read rows already synced (null: it did not)") String resync) {
    }

    @Schema(description = "A sync run with its counts, its outcomes grouped by action and reason, and its report as text")
    public record RunDetail(long id, String job, String trigger, @Schema(nullable = true) String segment, boolean dryRun,
            @Schema(format = INSTANT) String startedAt, @Schema(format = INSTANT, nullable = true) String finishedAt,
            String status, int attempted, int created, int updated, int skipped, int duplicates, int errors, int pending,
            int unlinked, int conflicts, String direction, int apiCalls, @Schema(nullable = true) String summary,
            @Schema(nullable = true) String resync, List<OutcomeGroup> outcomes,
            @Schema(description = "the report as `sfsync report` prints it") String report) {
    }

    @Schema(description = "The rows of a run that ended with one action, for one reason and object")
    public record OutcomeGroup(String action, @Schema(nullable = true) String reason, @Schema(nullable = true) String sobject,
            long count, @Schema(nullable = true, description = "what to do about this reason") String hint,
            @Schema(description = "the first few rows") List<OutcomeExample> examples) {
    }

    public record OutcomeExample(String sourceKey, @Schema(nullable = true) String sfId, @Schema(nullable = true) String url,
            @Schema(nullable = true) String message) {
    }

    @Schema(description = "A page of the sync log, newest first")
    public record LogPage(List<LogItem> items, int page, int size, long total) {
    }

    public record LogItem(long id, @Schema(nullable = true) Long runId, @Schema(format = INSTANT) String at, String job,
            @Schema(nullable = true) String direction, String sourceKey, @Schema(nullable = true) String sobject,
            @Schema(nullable = true) String sfId, String action, @Schema(nullable = true) String reason,
            @Schema(nullable = true) String message, @Schema(nullable = true, description = "the fix for the reason") String hint,
            @Schema(nullable = true, description = "the Salesforce fields the outcome concerns: those sent, or the one at"
                    + " fault") List<String> fields, @Schema(nullable = true, description = "the Salesforce record's URL") String url) {
    }

    @Schema(description = "Created vs attempted in a time window, in all and per Salesforce object")
    public record Summary(@Schema(nullable = true) String job, @Schema(format = INSTANT) String from,
            @Schema(format = INSTANT, nullable = true) String to, long attempted, long created, Map<String, Long> byAction,
            List<ObjectSummary> objects) {
    }

    public record ObjectSummary(@Schema(nullable = true) String sobject, long attempted, long created,
            Map<String, Long> byAction) {
    }

    @Schema(description = "Body of POST /jobs/{job}/run (every field optional)")
    public record RunRequest(@Schema(nullable = true) String segment, @Schema(nullable = true) Boolean dryRun) {
    }

    @Schema(description = "Body of POST /jobs/{job}/retry (every field optional)")
    public record RetryRequest(@Schema(nullable = true) Long runId, @Schema(nullable = true) String reason) {
    }

    @Schema(description = "Body of POST /jobs/{job}/resync: at most one field; none reads every row")
    public record ResyncRequest(@Schema(nullable = true, format = INSTANT) String since,
            @Schema(nullable = true) List<String> keys, @Schema(nullable = true) String reason) {
    }

    @Schema(description = "What a run did (or, status NOTHING_TO_RETRY / NOTHING_TO_RESYNC, why none ran)")
    public record RunResult(@Schema(nullable = true) Long runId, String status, String summary,
            @Schema(nullable = true) String stopReason, int apiCalls,
            @Schema(nullable = true, description = "resync only: why it re-read rows") String resync,
            @Schema(nullable = true, description = "retry only: how many rows and touchpoints went again")
            Map<String, Integer> retried) {
    }

    @Schema(description = "What a run of one row did with it")
    public record RecordResult(@Schema(nullable = true) Long runId, String status, String summary,
            @Schema(nullable = true) String stopReason, int apiCalls, String action, @Schema(nullable = true) String reason,
            @Schema(nullable = true) String message, @Schema(nullable = true) String sfId, @Schema(nullable = true) String url) {
    }

    @Schema(description = "Body of POST /records/{job}/{key}/push")
    public record PushRequest(@Schema(nullable = true, allowableValues = {"Lead", "Contact"}) String as) {
    }

    @Schema(description = "Body of POST /records/{job}/{key}/link and /relink")
    public record LinkRequest(@Schema(description = "a Lead (00Q…) or Contact (003…) Id, 15 or 18 characters") String sfId) {
    }

    @Schema(description = "A row linked to a Salesforce record")
    public record LinkResult(String job, String sourceKey, String sobject, String sfId, String url) {
    }

    @Schema(description = "A row unlinked from its record")
    public record UnlinkResult(String job, String sourceKey, String unlinked) {
    }

    @Schema(description = "The Salesforce record a row is linked to")
    public record RecordUrl(String sobject, String sfId, String url) {
    }

    @Schema(description = "A record and its row that differed when first linked")
    public record Conflict(long id, String job, @Schema(nullable = true) Long runId, @Schema(format = INSTANT) String at,
            String sobject, String sfId, String sourceKey, Map<String, ConflictField> fields,
            @Schema(allowableValues = {"OPEN", "TOOK_SALESFORCE", "TOOK_SOURCE", "MERGED"}) String status,
            @Schema(nullable = true, format = INSTANT) String resolvedAt, @Schema(nullable = true) String resolvedBy) {
    }

    public record ConflictField(String column, @Schema(nullable = true) String salesforce,
            @Schema(nullable = true) String source) {
    }

    @Schema(description = "Body of POST /conflicts/{id}/resolve")
    public record ResolveRequest(@Schema(allowableValues = {"salesforce", "source"}) String take) {
    }

    @Schema(description = "Body of POST /lookup: up to 500 emails and 500 domains")
    public record LookupRequest(@Schema(nullable = true) List<String> emails, @Schema(nullable = true) List<String> domains) {
    }

    @Schema(description = "Per email its Leads and Contacts, per domain its Accounts (Ids), and the API calls spent")
    public record LookupAnswer(Map<String, LookupMatches> emails, Map<String, List<String>> domains, int apiCalls) {
    }

    public record LookupMatches(List<String> leads, List<String> contacts) {
    }

    @Schema(description = "The Salesforce connection and the jobs it pauses")
    public record Connection(@Schema(allowableValues = {"UP", "DEGRADED", "BROKEN"}) String state,
            @Schema(nullable = true, description = "Salesforce's own words") String reason, String loginUrl, String auth,
            boolean authDeprecated, @Schema(nullable = true, format = INSTANT) String checkedAt,
            @Schema(nullable = true, description = "what it means and what to do (null when UP)") Advice advice,
            String instanceUrl, List<JobState> jobs) {
    }

    @Schema(description = "After Fix now: the connection, the paused jobs' runs it started, and who pressed it")
    public record Reconnected(String state, @Schema(nullable = true) String reason, String loginUrl, String auth,
            boolean authDeprecated, @Schema(nullable = true, format = INSTANT) String checkedAt,
            @Schema(nullable = true) Advice advice, String instanceUrl, List<JobState> jobs, List<ResumedRun> resumed,
            @Schema(nullable = true) String by) {
    }

    public record ResumedRun(@Schema(nullable = true) String job, @Schema(nullable = true) Long runId, String status,
            String summary, @Schema(nullable = true) String stopReason, @Schema(nullable = true) Integer apiCalls) {
    }

    public record Advice(String happened, String todo) {
    }

    public record JobState(String job, boolean paused, String reason, String direction, String schedule,
            boolean sendsToSalesforce) {
    }

    @Schema(description = "The org's daily API allowance and sfsync's share")
    public record Usage(@Schema(description = "-1 until read") long dailyMax, @Schema(description = "-1 until read") long remaining,
            int budgetPercent, long sfsyncCallsToday, long runCallsToday, long lookupCallsToday) {
    }

    @Schema(description = "The instances serving together (Quartz's clustered store on PostgreSQL), each job's run lease,"
            + " and the units of shared work of runs in progress and of the last ten minutes")
    public record Cluster(boolean clustered, @Schema(description = "whether this instance works units of shared runs")
            boolean sharesWork, @Schema(nullable = true, description = "this instance's name on the units it claims")
            String worker, List<ClusterInstance> instances, List<JobLease> jobs, List<WorkUnit> units) {
    }

    @Schema(description = "A unit of a run's shared backlog: a range of a batch of source rows (part 0) or rows it set"
            + " aside (kind OUT), or one poll page of Salesforce's changes (kind IN)")
    public record WorkUnit(long id, String job, long runId, int seq, int part,
            @Schema(allowableValues = {"OUT", "IN"}, description = "OUT: source rows to send; IN: a poll page to apply")
            String kind,
            @Schema(allowableValues = {"OPEN", "CLAIMED", "DONE", "ABANDONED"}) String state,
            @Schema(nullable = true) String claimedBy, @Schema(nullable = true, format = INSTANT) String leaseUntil,
            int claims, int rowsRecorded, int plannedRows) {
    }

    public record ClusterInstance(String id, @Schema(format = INSTANT) String lastCheckin, long checkinIntervalMs) {
    }

    @Schema(description = "Who runs the job now (all null: nobody)")
    public record JobLease(String job, @Schema(nullable = true) String heldBy, @Schema(nullable = true) Long runId,
            @Schema(nullable = true, format = INSTANT) String since, @Schema(nullable = true, format = INSTANT) String heartbeat) {
    }

    @Schema(description = "Who is signed in and what they may do")
    public record Me(String user, String role, boolean adminsOnly, Permissions may) {
    }

    public record Permissions(boolean manage, boolean reconnect, boolean admin) {
    }

    @Schema(description = "The last look at sync.yaml")
    public record ConfigStatus(String file, @Schema(allowableValues = {"OK", "INVALID", "NOT_WATCHED"}) String state,
            @Schema(nullable = true, format = INSTANT) String checkedAt,
            @Schema(nullable = true, format = INSTANT) String appliedAt,
            @Schema(description = "each with its path") List<String> problems, List<String> changes,
            @Schema(description = "sections changed that take effect on restart") List<String> restartNeeded) {
    }
}
