package io.sfsync.config;

import java.util.ArrayList;
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
 */
final class ConfigNode {
    private final String path;
    private final Object value;
    private final List<String> errors;

    ConfigNode(String path, Object value, List<String> errors) {
        this.path = path;
        this.value = value;
        this.errors = errors;
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
        return new ConfigNode(childPath(key), map().get(key), errors);
    }

    /** Reports keys this node does not know, naming the ones it does. */
    void allowOnly(Set<String> known) {
        for (String k : map().keySet()) {
            if (!known.contains(k)) {
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
        if (s == null || s.isBlank()) {
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
        n.error("must be true or false, not '" + n.value + "'");
        return def;
    }

    int integer(String key, int def, int min, int max) {
        ConfigNode n = get(key);
        if (n.value == null) {
            return def;
        }
        if (n.value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            int v = num.intValue();
            if (v < min || v > max) {
                n.error("must be between " + min + " and " + max + ", not " + v);
                return def;
            }
            return v;
        }
        n.error("must be a whole number, not '" + n.value + "'");
        return def;
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
            out.add(reader.apply(new ConfigNode(n.path + "[" + i + "]", l.get(i), errors)));
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
