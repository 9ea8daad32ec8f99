package io.sfsync.config;

import java.util.List;
import java.util.Map;

/**
 * One sync job: where its rows come from and how they become Salesforce records.
 *
 * @param cron Quartz cron expression (from {@code schedule}, or derived from {@code every})
 * @param segments segment name to SQL predicate over the source query's columns
 * @param doNotContactColumn a boolean column whose true rows are SKIPPED/DO_NOT_CONTACT (null: none)
 * @param fields per object (Lead, Contact, Account), the field rules in file order
 * @param bulkThreshold a batch with at least this many upserts or updates of one object writes them
 *        through a Bulk API 2.0 job instead of sObject Collections
 * @param route the {@code direct:} endpoint of the YAML route the job runs instead of the shipped flow
 *        ({@code direct:sfsync-outbound}); null: the shipped flow
 * @param inbound Salesforce → source (direction inbound or both); {@link InboundConfig#NONE} otherwise
 * @param dataSync whether the job syncs people and companies (false: only its activities)
 * @param activities touchpoints as completed Tasks; {@link ActivitiesConfig#NONE} when the job has none
 */
public record JobConfig(
        String name,
        String cron,
        Direction direction,
        SourceConfig source,
        Map<String, String> segments,
        String segment,
        String doNotContactColumn,
        String createAs,
        List<String> matchIn,
        List<MatchKey> matchBy,
        String externalIdField,
        Mode mode,
        AmbiguousPolicy onAmbiguousMatch,
        boolean allowSave,
        boolean contactWinsOverLead,
        OwnershipConfig ownership,
        AccountsConfig accounts,
        Map<String, List<FieldRule>> fields,
        int batchSize,
        int bulkThreshold,
        String route,
        InboundConfig inbound,
        boolean dataSync,
        ActivitiesConfig activities) {

    public enum Direction { OUTBOUND, INBOUND, BOTH }
    public enum MatchKey { LINK, EXTERNALID, EMAIL }
    public enum Mode { CREATE_AND_UPDATE, CREATE_ONLY, UPDATE_ONLY }
    public enum AmbiguousPolicy { REPORT, UPDATE_MOST_RECENT }

    /** A job that runs the shipped flow. */
    public JobConfig(String name, String cron, Direction direction, SourceConfig source, Map<String, String> segments,
            String segment, String doNotContactColumn, String createAs, List<String> matchIn, List<MatchKey> matchBy,
            String externalIdField, Mode mode, AmbiguousPolicy onAmbiguousMatch, boolean allowSave,
            boolean contactWinsOverLead, OwnershipConfig ownership, AccountsConfig accounts,
            Map<String, List<FieldRule>> fields, int batchSize, int bulkThreshold) {
        this(name, cron, direction, source, segments, segment, doNotContactColumn, createAs, matchIn, matchBy,
                externalIdField, mode, onAmbiguousMatch, allowSave, contactWinsOverLead, ownership, accounts, fields,
                batchSize, bulkThreshold, null, InboundConfig.NONE, true, ActivitiesConfig.NONE);
    }

    /** Whether the job sends touchpoints as Tasks. */
    public boolean syncsActivities() {
        return activities.enabled() && activities.source() != null;
    }

    /** Whether the job sends the source's changes to Salesforce. */
    public boolean outbound() {
        return direction != Direction.INBOUND;
    }

    /** Whether the job polls Salesforce's changes into the source. */
    public boolean polls() {
        return direction != Direction.OUTBOUND;
    }

    public List<FieldRule> fieldsOf(String object) {
        return fields.getOrDefault(object, List.of());
    }

    /** Why a resync of this job has nothing to read again, or null. */
    public String resyncProblem() {
        if (!outbound()) {
            return "resync reads the source's rows again for jobs that send them to Salesforce; job " + name
                    + " is inbound (its records come again when they change in Salesforce)";
        }
        if (!dataSync) {
            return "job " + name + " has dataSync: false: it sends only activities, which a resync does not read again";
        }
        return null;
    }

    public String segmentPredicate(String name) {
        return segments.get(name);
    }
}
