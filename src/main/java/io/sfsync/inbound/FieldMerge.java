package io.sfsync.inbound;

import java.time.Instant;

import io.sfsync.config.FieldRule;

/**
 * Which value a field synced from Salesforce ends with in the source: Salesforce's, or the one the row
 * has. A blank never replaces a value, whichever way; for a field synced both ways the field's merge rule
 * decides between two values.
 */
public final class FieldMerge {
    private FieldMerge() {
    }

    /** The side whose value the source column should hold. */
    public enum Winner { SALESFORCE, SOURCE }

    /**
     * @param salesforceChanged the record's LastModifiedDate
     * @param sourceChanged the row's changedAt (null: unknown, Salesforce's change is taken as the newer)
     */
    public static Winner inbound(FieldRule rule, Object salesforce, Object source, Instant salesforceChanged,
            Instant sourceChanged) {
        if (isBlank(salesforce)) {
            return Winner.SOURCE;
        }
        if (isBlank(source)) {
            return Winner.SALESFORCE;
        }
        if (rule.direction() == FieldRule.Direction.FROM_SALESFORCE) {
            return Winner.SALESFORCE;
        }
        FieldRule.Merge merge = rule.merge() == null ? FieldRule.Merge.MOST_RECENT : rule.merge();
        return switch (merge) {
            case SALESFORCE_UNLESS_BLANK -> Winner.SALESFORCE;
            case SOURCE_UNLESS_BLANK -> Winner.SOURCE;
            case MOST_RECENT -> sourceChanged == null || salesforceChanged == null
                    || !salesforceChanged.isBefore(sourceChanged) ? Winner.SALESFORCE : Winner.SOURCE;
        };
    }

    /**
     * Whether the source's value may replace Salesforce's on an update (the outbound half of a field
     * synced both ways): salesforce_unless_blank only fills a blank, most_recent only when the row changed
     * after the record, source_unless_blank always. A blank source value is never sent.
     */
    public static boolean outbound(FieldRule rule, Object source, Object salesforce, Instant sourceChanged,
            Instant salesforceChanged) {
        if (rule.direction() != FieldRule.Direction.BOTH) {
            return rule.direction() == FieldRule.Direction.TO_SALESFORCE;
        }
        if (isBlank(source)) {
            return false;
        }
        if (isBlank(salesforce)) {
            return true;
        }
        FieldRule.Merge merge = rule.merge() == null ? FieldRule.Merge.MOST_RECENT : rule.merge();
        return switch (merge) {
            case SALESFORCE_UNLESS_BLANK -> false;
            case SOURCE_UNLESS_BLANK -> true;
            case MOST_RECENT -> salesforceChanged == null || sourceChanged == null || sourceChanged.isAfter(salesforceChanged);
        };
    }

    public static boolean isBlank(Object v) {
        return v == null || v.toString().isBlank();
    }
}
