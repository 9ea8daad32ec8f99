package io.sfsync.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in the parsed YAML with its dotted path, so every problem is reported as
 * {@code jobs.people.fields.Lead.Title.overwrite: 'sometimes' is not one of always|if_blank|never|when}.
 * Readers never throw: they record the problem and return a default, so one pass finds them all.
 * Typed readers (whole numbers, booleans) also take text, because a {@code {{env:NAME}}} placeholder
 * always yields text: {@code batchSize: "{{env:BATCH:250}}"} is the number 250.
 */
final class ConfigNode {
    private final String path;
    private final Object value;
    private final List<String> errors;
    /** Path to the placeholder text a value was resolved from, so a bad value says where it came from. */
    private final Map<String, String> origins;

    ConfigNode(String path, Object value, List<String> errors) {
        this(path, value, errors, Map.of());
    }

    ConfigNode(String path, Object value, List<String> errors, Map<String, String> origins) {
        this.path = path;
        this.value = value;
        this.errors = errors;
        this.origins = origins;
    }

    String path() { return path; }
    Object value() { return value; }
    boolean isMissing() { return value == null; }
    boolean isMap() { return value instanceof Map<?, ?>; }

    void error(String message) {
        errors.add((path.isEmpty() ? "" : path + ": ") + message);
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map() {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        error("must be a mapping (key: value), not '" + value + "'");
        return Map.of();
    }

    ConfigNode get(String key) {
        return new ConfigNode(childPath(key), map().get(key), errors, origins);
    }

    /** " (from {{env:X}})" when this value came from a placeholder, else "". */
    String origin() {
        String o = origins.get(path);
        return o == null ? "" : " (from " + o + ")";
    }

    /**
     * Reports the keys that are not in {@code recognized}, naming the ones a user may set ({@code known}: the
     * recognized keys less those refused for a reason of their own).
     */
    void allowOnly(Set<String> recognized, Collection<String> known) {
        for (String k : map().keySet()) {
            if (!recognized.contains(k)) {
                errors.add(childPath(k) + ": unknown setting (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    String string(String key, String def) {
        ConfigNode n = get(key);
        if (n.value == null) {
            return def;
        }
        if (n.value instanceof Map<?, ?> || n.value instanceof List<?>) {
            n.error("must be a single value");
            return def;
        }
        return String.valueOf(n.value);
    }

    String requiredString(String key) {
        String s = string(key, null);
        // a section left out altogether is reported once, by whoever requires it (or not at all where it is optional)
        if ((s == null || s.isBlank()) && !isMissing()) {
            get(key).error("is required");
        }
        return s;
    }

    boolean bool(String key, boolean def) {
        ConfigNode n = get(key);
        if (n.value == null) {
            return def;
        }
        if (n.value instanceof Boolean b) {
            return b;
        }
        if (n.value instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.trim());
        }
        n.error("must be true or false, not '" + n.value + "'" + n.origin());
        return def;
    }

    int integer(String key, int def, int min, int max) {
        ConfigNode n = get(key);
        if (n.value == null) {
            return def;
        }
        BigDecimal v = n.decimal();
        if (v == null || v.stripTrailingZeros().scale() > 0) {
            n.error("must be a whole number, not '" + n.value + "'" + n.origin());
            return def;
        }
        // compared as decimals: a long or a huge number must not wrap around into the range
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            n.error("must be between " + min + " and " + max + ", not " + v.stripTrailingZeros().toPlainString() + n.origin());
            return def;
        }
        return v.intValue();
    }

    /** This value as a number: a YAML number, or text that is one (a resolved placeholder); null otherwise. */
    private BigDecimal decimal() {
        try {
            if (value instanceof Number num && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
                return new BigDecimal(num.toString());
            }
            if (value instanceof String s && s.trim().matches("[+-]?\\d{1,30}(\\.\\d{1,30})?")) {
                return new BigDecimal(s.trim());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** A value from a fixed set, written in lower case with underscores (create_and_update). */
    <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        get(key).error("'" + s + "' is not one of " + choices(type));
        return def;
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join("|", names);
    }

    List<String> stringList(String key, List<String> def) {
        ConfigNode n = get(key);
        if (n.value == null) {
            return def;
        }
        if (n.value instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                out.add(String.valueOf(o));
            }
            return out;
        }
        if (n.value instanceof String s) {
            return List.of(s);
        }
        n.error("must be a list");
        return def;
    }

    <T> List<T> listOf(String key, Function<ConfigNode, T> reader) {
        ConfigNode n = get(key);
        List<T> out = new ArrayList<>();
        if (n.value == null) {
            return out;
        }
        if (!(n.value instanceof List<?> l)) {
            n.error("must be a list");
            return out;
        }
        for (int i = 0; i < l.size(); i++) {
            out.add(reader.apply(new ConfigNode(n.path + "[" + i + "]", l.get(i), errors, origins)));
        }
        return out;
    }

    /** Each entry of a mapping, in file order. */
    <T> Map<String, T> entries(Function<ConfigNode, T> reader) {
        Map<String, T> out = new LinkedHashMap<>();
        for (String k : map().keySet()) {
            out.put(k, reader.apply(get(k)));
        }
        return out;
    }
}
