package io.sfsync.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The definition of one setting of sync.yaml: its key, the type of value it takes (and the values allowed),
 * its default, a validator and a one-line description. The loader reads every value through its definition,
 * a key without one is refused, and the README's configuration reference is rendered from the same
 * definitions.
 *
 * @param key the key in its mapping
 * @param type what the value is, as the reference shows it ("true or false", "whole number 1–10000")
 * @param allowed the values it takes when they are a fixed list, else empty
 * @param defaultText the default as the reference shows it ("" when there is none)
 * @param doc one line: what the setting does
 * @param reader reads the value from the mapping that holds it; a value of the wrong type is reported and
 *        the default returned
 * @param check validates a value the reader returned; each problem is reported, the value kept
 * @param section for a mapping of fixed keys (salesforce, source, ownership…), the settings inside it
 * @param entries for a mapping of names the user chooses (jobs, segments, fields…), how its keys are shown
 *        in the reference ("J", "&lt;Object&gt;.&lt;Field&gt;"); null otherwise
 * @param notBuilt for a setting of a feature that is not built yet, why it is refused; null otherwise
 */
record Setting<T>(String key, String type, List<String> allowed, String defaultText, String doc,
        Function<ConfigNode, T> reader, Check<T> check, Section section, String entries, String notBuilt) {

    /** Column names go into the SQL around the job's query unquoted, so they must be plain identifiers. */
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Validates a value; calls {@code problem} once per thing wrong with it. */
    @FunctionalInterface
    interface Check<T> {
        void test(T value, Consumer<String> problem);

        static <T> Check<T> of(Function<T, String> oneProblem) {
            return (value, problem) -> {
                String p = oneProblem.apply(value);
                if (p != null) {
                    problem.accept(p);
                }
            };
        }
    }

    /** The value of this setting in {@code parent} (the mapping that holds it), checked. */
    T read(ConfigNode parent) {
        T value = reader.apply(parent);
        ConfigNode node = parent.get(key);
        if (value != null && check != null && !node.isMissing()) {
            check.test(value, p -> node.error(p + node.origin()));
        }
        return value;
    }

    /** This setting, its default shown as {@code text} (a default that is not a value, e.g. "the shipped flow"). */
    Setting<T> withDefaultText(String text) {
        return new Setting<>(key, type, allowed, text, doc, reader, check, section, entries, notBuilt);
    }

    /** This setting, shown in the reference as one of {@code values} (forms that a check, not a list, holds it to). */
    Setting<T> withAllowed(List<String> values) {
        return new Setting<>(key, "one of", values, defaultText, doc, reader, check, section, entries, notBuilt);
    }

    boolean isBuilt() {
        return notBuilt == null;
    }

    // --- the kinds of setting -------------------------------------------------------------------------

    static Setting<String> text(String key, String def, String doc) {
        return new Setting<>(key, "text", List.of(), def == null ? "" : def, doc, n -> n.string(key, def), null,
                null, null, null);
    }

    static Setting<String> requiredText(String key, String doc) {
        return new Setting<>(key, "text", List.of(), "required", doc, n -> n.requiredString(key), null, null, null,
                null);
    }

    /** Text of a given form, described for the reference as {@code type} (a URL, a cron, an API name). */
    static Setting<String> formatted(String key, String type, String def, Check<String> check, String doc) {
        return new Setting<>(key, type, List.of(), def == null ? "" : def, doc, n -> n.string(key, def), check, null,
                null, null);
    }

    /** A source column: a plain identifier, because it goes into the SQL around the job's query unquoted. */
    static Setting<String> column(String key, boolean required, String doc) {
        return new Setting<>(key, "column", List.of(), required ? "required" : "", doc, n -> {
            String c = required ? n.requiredString(key) : n.string(key, null);
            return c == null ? null : c.trim();
        }, Check.of(c -> c.isEmpty() || COLUMN.matcher(c).matches() ? null
                : "'" + c + "' is not a column name of the source query (letters, digits and _)"), null, null, null);
    }

    static Setting<Boolean> bool(String key, boolean def, String doc) {
        return new Setting<>(key, "true or false", List.of(), String.valueOf(def), doc, n -> n.bool(key, def), null,
                null, null, null);
    }

    static Setting<Integer> integer(String key, int def, int min, int max, String doc) {
        return new Setting<>(key, "whole number " + min + "–" + max, List.of(), String.valueOf(def), doc,
                n -> n.integer(key, def, min, max), null, null, null, null);
    }

    /** One of an enum's constants, written in lower case with underscores. */
    static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type, E def, String doc) {
        return choice(key, type, def, null, doc);
    }

    static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type, E def, Check<E> check, String doc) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        return new Setting<>(key, "one of", names, def.name().toLowerCase(Locale.ROOT), doc,
                n -> n.enumValue(key, type, def), check, null, null, null);
    }

    /** One of a fixed list of names, written as listed (Lead, Contact). */
    static Setting<String> oneOf(String key, List<String> allowed, String def, String doc) {
        return new Setting<>(key, "one of", allowed, def, doc, n -> n.string(key, def),
                Check.of(v -> allowed.contains(v) ? null : "'" + v + "' is not one of " + String.join("|", allowed)),
                null, null, null);
    }

    /** A list of names from a fixed list (a single name is a list of one); each name not in it is reported. */
    static Setting<List<String>> listOf(String key, List<String> allowed, List<String> def, String doc) {
        return new Setting<>(key, "list of", allowed, "[" + String.join(", ", def) + "]", doc,
                n -> n.stringList(key, def), (values, problem) -> {
                    for (String v : values) {
                        if (!allowed.contains(v)) {
                            problem.accept("'" + v + "' is not one of " + String.join("|", allowed));
                        }
                    }
                }, null, null, null);
    }

    /** A setting whose reading is its own (a share like 50%, a period, a list of match keys). */
    static <T> Setting<T> custom(String key, String type, List<String> allowed, String defaultText,
            Function<ConfigNode, T> reader, String doc) {
        return new Setting<>(key, type, allowed, defaultText, doc, reader, null, null, null, null);
    }

    /** A mapping of fixed keys: the settings of {@code section}. */
    static Setting<Section.Values> section(String key, Section section, String doc) {
        return new Setting<>(key, "mapping", List.of(), "", doc, n -> section.read(n.get(key)), null, section, null,
                null);
    }

    /**
     * A mapping of names the user chooses; the loader walks its entries (each through {@code entry}, when
     * the entries are mappings of fixed keys). {@code entries} is how a key is shown in the reference.
     */
    static Setting<ConfigNode> entries(String key, String entries, Section entry, String doc) {
        return new Setting<>(key, "mapping", List.of(), "", doc, n -> n.get(key), null, entry, entries, null);
    }

    /** A setting of a feature that is not built yet: refused with {@code why}, wherever it appears. */
    static Setting<Void> notBuilt(String key, String why, String doc) {
        return new Setting<>(key, "not built yet", List.of(), "", doc, n -> null, null, null, null, why);
    }
}
