package io.sfsync.config;

import java.util.List;
import java.util.Map;

/**
 * How one Salesforce field gets its value.
 *
 * @param from source column
 * @param value constant
 * @param defaultValue used when the mapped value is blank
 * @param transforms applied in order (trim, lowercase, uppercase, titlecase, digits, e164, first_name,
 *        last_name, domain, truncate, simple:${...}, bean:class)
 * @param when the condition on the current Salesforce record for {@link Overwrite#WHEN}
 * @param picklist source value to Salesforce picklist value
 * @param direction which way the value flows: to Salesforce, from Salesforce into the column, or both
 * @param merge for {@link Direction#BOTH}: which side wins when both have a value
 */
public record FieldRule(String field, String from, String value, String defaultValue, List<String> transforms,
        Overwrite overwrite, Condition when, Map<String, String> picklist, OnInvalid onInvalid, Direction direction,
        Merge merge) {

    public enum Overwrite { ALWAYS, IF_BLANK, NEVER, WHEN }

    /** to_salesforce (outbound only), from_salesforce (inbound only: read-only fields too), both. */
    public enum Direction { TO_SALESFORCE, FROM_SALESFORCE, BOTH }

    /**
     * For a field synced both ways: most_recent (the side changed last: Salesforce's LastModifiedDate against
     * the source's changedAt), salesforce_unless_blank, source_unless_blank. A blank never replaces a value.
     */
    public enum Merge { MOST_RECENT, SALESFORCE_UNLESS_BLANK, SOURCE_UNLESS_BLANK }

    /** Whether the value is sent to Salesforce. */
    public boolean outbound() {
        return direction != Direction.FROM_SALESFORCE;
    }

    /** Whether Salesforce's value is written into the source column. */
    public boolean inbound() {
        return direction != Direction.TO_SALESFORCE && from != null;
    }

    /** What to do with a value that is not in the field's picklist. */
    public enum OnInvalid { DROP, DEFAULT, ERROR }

    /**
     * A test on the current Salesforce value of a field: {@code Status in [Open - Not Contacted]},
     * {@code Rating != Hot}, {@code Title is blank}.
     */
    public record Condition(String field, String operator, List<String> values) {
        public boolean test(Object current) {
            String v = current == null ? "" : current.toString();
            return switch (operator) {
                case "in" -> values.stream().anyMatch(x -> x.equalsIgnoreCase(v));
                case "not in" -> values.stream().noneMatch(x -> x.equalsIgnoreCase(v));
                case "=" -> values.get(0).equalsIgnoreCase(v);
                case "!=" -> !values.get(0).equalsIgnoreCase(v);
                case "is blank" -> v.isBlank();
                case "is not blank" -> !v.isBlank();
                default -> false;
            };
        }

        @Override
        public String toString() {
            return field + " " + operator + (values.isEmpty() ? "" : " " + values);
        }
    }
}
