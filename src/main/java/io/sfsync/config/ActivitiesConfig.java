package io.sfsync.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's activities: touchpoints (emails sent, LinkedIn messages, calls) that become completed Tasks on
 * the person's Lead or Contact, upserted on {@code externalIdField} so a touchpoint is one Task forever.
 *
 * @param source the SQL the touchpoints come from, with its key and changedAt (the activities' watermark)
 * @param personColumn the column holding the person's key (the job's source key): the Task's WhoId
 *        comes from that person's sync_link
 * @param senderColumn the column with the sender's email: the active User with it owns the Task (null:
 *        the job's fallback owner, else the integration user)
 * @param occurredAtColumn the column whose date becomes ActivityDate
 * @param kinds the touchpoint kinds (the kind column's values) and the Task each becomes
 * @param externalIdPrefix put before the touchpoint's key in the Task's external ID (jobs of one org whose
 *        touchpoint keys may repeat each take their own)
 * @param batchSize touchpoints per batch: one Composite call writes 1,000 (five collections of 200)
 */
public record ActivitiesConfig(boolean enabled, boolean includeContent, SourceConfig source, String personColumn,
        String kindColumn, String subjectColumn, String bodyColumn, String occurredAtColumn, String senderColumn,
        String externalIdField, String externalIdPrefix, Map<String, Kind> kinds, int batchSize) {

    /** What a touchpoint of one kind becomes: the Task's Type and TaskSubtype, and its Subject when it has none. */
    public record Kind(String type, String subtype, String subject) {
    }

    /** The kinds every job knows; a job's own {@code kinds:} add to them or change them. */
    public static final Map<String, Kind> DEFAULT_KINDS;

    static {
        Map<String, Kind> k = new LinkedHashMap<>();
        k.put("email", new Kind("Email", "Email", "Email"));
        k.put("linkedin", new Kind("Other", "LinkedIn", "LinkedIn message"));
        k.put("call", new Kind("Call", "Call", "Call"));
        DEFAULT_KINDS = java.util.Collections.unmodifiableMap(k);
    }

    /** A job without activities. */
    public static final ActivitiesConfig NONE = new ActivitiesConfig(false, false, null, null, null, null, null, null,
            null, null, "", DEFAULT_KINDS, 1000);
}
