package io.sfsync.emulator.soql;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns stored record values into comparable keys for a {@link FieldKind}. Keys are chosen so
 * that equal-in-Salesforce values are {@code equals()} (for HashSet lookups of IN lists) and
 * ordered like Salesforce orders them.
 */
final class SoqlValues {
    private static final Pattern DATETIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[Tt](\\d{2}:\\d{2}:\\d{2})(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:?\\d{2})?");

    private SoqlValues() {
    }

    /**
     * Comparable key for a stored value, or null when Salesforce would treat it as null.
     * Empty text counts as null because Salesforce never stores empty strings.
     */
    static Comparable<?> key(FieldKind kind, Object raw) {
        if (raw == null) {
            return null;
        }
        switch (kind) {
            case TEXT: {
                String s = raw.toString();
                return s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
            }
            case ID:
                return idKey(raw.toString());
            case BOOLEAN:
                return raw instanceof Boolean b ? b : Boolean.valueOf(raw.toString());
            case NUMBER:
                return number(raw);
            case DATE: {
                String s = raw.toString();
                return s.length() >= 10 ? LocalDate.parse(s.substring(0, 10)) : null;
            }
            case DATETIME:
                return parseDateTime(raw.toString());
            case COMPOUND:
                return raw.toString(); // never filtered, sorted or grouped on (the query is refused first)
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /** Keys of one kind are always mutually comparable (same Java type). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Comparable<?> a, Comparable<?> b) {
        return ((Comparable) a).compareTo(b);
    }

    /** Ids compare case-sensitively on their 15-character form, so 15 and 18 forms match. */
    static String idKey(String id) {
        if (id.isEmpty()) {
            return null;
        }
        return id.length() > 15 ? id.substring(0, 15) : id;
    }

    static boolean isValidId(String id) {
        if (id.length() != 15 && id.length() != 18) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** Numbers normalised (trailing zeros stripped) so 5, 5.0 and 5.00 are equal keys. */
    static BigDecimal number(Object raw) {
        BigDecimal d;
        if (raw instanceof BigDecimal b) {
            d = b;
        } else if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            d = BigDecimal.valueOf(((Number) raw).longValue());
        } else if (raw instanceof Number n) {
            double v = n.doubleValue();
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                return null;
            }
            d = BigDecimal.valueOf(v);
        } else {
            String s = raw.toString().trim();
            if (s.isEmpty()) {
                return null;
            }
            d = new BigDecimal(s);
        }
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    /**
     * Parses Salesforce datetime spellings: 2026-01-01T00:00:00Z, ...00.000+0000,
     * ...00+05:30. A missing zone means UTC (how the store writes values it got without one).
     */
    static Instant parseDateTime(String s) {
        Matcher m = DATETIME.matcher(s.trim());
        if (!m.matches()) {
            throw new DateTimeParseException("not a datetime", s, 0);
        }
        LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2)
                + (m.group(3) == null ? "" : m.group(3)));
        String zone = m.group(4);
        ZoneOffset offset;
        if (zone == null || zone.equalsIgnoreCase("Z")) {
            offset = ZoneOffset.UTC;
        } else {
            String z = zone.contains(":") ? zone : zone.substring(0, 3) + ":" + zone.substring(3);
            offset = ZoneOffset.of(z);
        }
        return local.toInstant(offset);
    }
}
