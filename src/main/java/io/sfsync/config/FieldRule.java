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
 */
public record FieldRule(String field, String from, String value, String defaultValue, List<String> transforms,
        Overwrite overwrite, Condition when, Map<String, String> picklist, OnInvalid onInvalid) {

    public enum Overwrite { ALWAYS, IF_BLANK, NEVER, WHEN }

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
