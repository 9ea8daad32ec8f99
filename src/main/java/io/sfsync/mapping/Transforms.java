package io.sfsync.mapping;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The named field transforms of sync.yaml. Each takes the value so far and the row; a blank result
 * counts as no value (so the field's default applies and nothing blank is ever written).
 */
public final class Transforms {
    /** Evaluates {@code simple:} expressions with the row as body and the value as header "value". */
    public interface ExpressionEvaluator {
        Object evaluate(String expression, Object value, Map<String, Object> row);
    }

    private final ExpressionEvaluator expressions;
    private final Map<String, FieldTransform> beans = new ConcurrentHashMap<>();
    /** The region a phone number without a country code is read in (ISO 3166 code: US, GB, DE, …). */
    private final String phoneRegion;

    public Transforms(ExpressionEvaluator expressions) {
        this(expressions, "US");
    }

    public Transforms(ExpressionEvaluator expressions, String phoneRegion) {
        this.expressions = expressions;
        this.phoneRegion = phoneRegion;
    }

    /**
     * Whether this is an ISO 3166 region code (for the default-region setting), checked without loading
     * libphonenumber: a cold start loads it only when a run first meets an e164 field.
     */
    public static boolean knownPhoneRegion(String region) {
        return region != null && java.util.Set.of(Locale.getISOCountries()).contains(region);
    }

    /** libphonenumber, loaded on first use. */
    private static final class Phones {
        static final com.google.i18n.phonenumbers.PhoneNumberUtil UTIL = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    }

    /** Applies one transform; {@code truncate} is handled by the caller, which knows the field length. */
    public Object apply(String name, Object value, Map<String, Object> row) {
        if (name.startsWith("simple:")) {
            return expressions.evaluate(name.substring("simple:".length()), value, row);
        }
        if (name.startsWith("bean:")) {
            return bean(name.substring("bean:".length())).apply(value, row);
        }
        if (value == null) {
            return null;
        }
        String s = value.toString();
        BiFunction<String, Map<String, Object>, Object> f = switch (name) {
            case "trim" -> (v, r) -> v.trim();
            case "lowercase" -> (v, r) -> v.toLowerCase(Locale.ROOT);
            case "uppercase" -> (v, r) -> v.toUpperCase(Locale.ROOT);
            case "titlecase" -> (v, r) -> titleCase(v);
            case "digits" -> (v, r) -> v.replaceAll("[^0-9]", "");
            case "e164" -> (v, r) -> e164(v, phoneRegion);
            case "first_name" -> (v, r) -> splitName(v)[0];
            case "last_name" -> (v, r) -> splitName(v)[1];
            case "domain" -> (v, r) -> domain(v);
            default -> (v, r) -> v; // truncate: applied with the field's length
        };
        return f.apply(s, row);
    }

    private FieldTransform bean(String className) {
        return beans.computeIfAbsent(className, c -> {
            try {
                Object o = Class.forName(c).getDeclaredConstructor().newInstance();
                if (!(o instanceof FieldTransform t)) {
                    throw new IllegalArgumentException(c + " does not implement " + FieldTransform.class.getName());
                }
                return t;
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot create transform bean " + c + ": " + e, e);
            }
        });
    }

    static String titleCase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean start = true;
        for (char ch : s.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append(start ? Character.toTitleCase(ch) : ch);
            start = Character.isWhitespace(ch) || ch == '-' || ch == '\'';
        }
        return out.toString();
    }

    /**
     * The number in E.164 (+4930123456), parsed by libphonenumber: with its own country code (+49…, 0049…)
     * or, without one, as a number of {@code region} ("(555) 123-4567" in US → +15551234567, "030 123456"
     * in DE → +4930123456). Text that holds no phone number at all gives no value.
     */
    static String e164(String s, String region) {
        String t = s.trim();
        if (t.replaceAll("[^0-9]", "").isEmpty()) {
            return null;
        }
        if (t.startsWith("00")) {
            t = "+" + t.substring(2);
        }
        try {
            var number = Phones.UTIL.parse(t, region);
            return Phones.UTIL.format(number, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            return null;
        }
    }

    /** "Ada King Lovelace" → ["Ada King", "Lovelace"]; a single word is a last name. */
    static String[] splitName(String s) {
        String t = s.trim().replaceAll("\\s+", " ");
        int space = t.lastIndexOf(' ');
        return space < 0 ? new String[] {null, t} : new String[] {t.substring(0, space), t.substring(space + 1)};
    }

    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("^[a-z][a-z0-9+.-]*://");

    /** "ada@Engines.example" or "https://www.engines.example/about" → "engines.example". */
    public static String domain(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            t = t.substring(at + 1);
        }
        if (t.contains("://")) {
            t = SCHEME.matcher(t).replaceFirst("");
        }
        int slash = t.indexOf('/');
        if (slash >= 0) {
            t = t.substring(0, slash);
        }
        int colon = t.indexOf(':');
        if (colon >= 0) {
            t = t.substring(0, colon);
        }
        if (t.startsWith("www.")) {
            t = t.substring(4);
        }
        return t.isEmpty() ? null : t;
    }
}
