package io.sfsync.emulator.rules;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SalesforceIds;

/** Converts JSON or CSV values to the stored form of a field's type, failing as Salesforce does. */
public final class FieldValues {
    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$");
    private static final DateTimeFormatter DATETIME_IN = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T')
            .appendPattern("HH:mm[:ss]")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private FieldValues() {
    }

    /** The stored value for a field, or null for JSON null and blank text (Salesforce stores "" as null). */
    public static Object coerce(FieldDef field, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (field.type()) {
                case "boolean" -> toBoolean(field, value);
                case "int" -> toNumber(field, value).intValueExact();
                case "double", "currency", "percent" -> toNumber(field, value).doubleValue();
                case "date" -> blankToNull(value) == null ? null : LocalDate.parse(text(field, value).trim()).toString();
                case "datetime" -> blankToNull(value) == null ? null : normalizeDateTime(text(field, value).trim());
                case "id", "reference" -> toId(field, value);
                default -> blankToNull(text(field, value));
            };
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw parserError(field, value);
        }
    }

    /** Parses a datetime in any of Salesforce's accepted ISO forms and returns the canonical form. */
    public static String normalizeDateTime(String s) {
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(s, DATETIME_IN);
        } catch (DateTimeParseException e) {
            // No offset given: Salesforce reads it as UTC.
            t = java.time.LocalDateTime.parse(s, DATETIME_IN).atOffset(java.time.ZoneOffset.UTC);
        }
        return EmulatedOrg.DATETIME.format(t.toInstant());
    }

    public static boolean isValidEmail(String s) {
        return EMAIL.matcher(s).matches();
    }

    private static Object blankToNull(Object value) {
        return value instanceof String s && s.isEmpty() ? null : value;
    }

    private static String text(FieldDef field, Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw parserError(field, value);
    }

    private static Boolean toBoolean(FieldDef field, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.valueOf(s);
        }
        if (value instanceof String s && s.isEmpty()) {
            return false;
        }
        throw parserError(field, value);
    }

    private static BigDecimal toNumber(FieldDef field, Object value) {
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (value instanceof String s) {
            return new BigDecimal(s.trim());
        }
        throw parserError(field, value);
    }

    private static String toId(FieldDef field, Object value) {
        String s = text(field, value).trim();
        if (s.isEmpty()) {
            return null;
        }
        String id = SalesforceIds.normalize(s);
        if (id == null) {
            throw ApiException.badRequest("MALFORMED_ID", field.label() + ": id value of incorrect type: " + s,
                    field.name());
        }
        return id;
    }

    private static ApiException parserError(FieldDef field, Object value) {
        String kind = value instanceof String ? "VALUE_STRING" : value instanceof Boolean ? "VALUE_" + value.toString().toUpperCase()
                : value instanceof Number ? "VALUE_NUMBER" : "START_OBJECT";
        String target = switch (field.type()) {
            case "boolean" -> "boolean";
            case "int" -> "int";
            case "double", "currency", "percent" -> "double";
            case "date" -> "date";
            case "datetime" -> "datetime";
            default -> "string";
        };
        return ApiException.badRequest("JSON_PARSER_ERROR", "Cannot deserialize instance of " + target + " from "
                + kind + " value " + value + " or request may be missing a required field", field.name());
    }
}
