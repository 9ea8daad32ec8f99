package io.sfsync.config;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mapping of sync.yaml whose keys are fixed (salesforce, a job, its source…): the definitions of the
 * settings it takes, in the order they are read and documented. A key with no definition is refused.
 */
record Section(List<Setting<?>> settings) {

    static Section of(Setting<?>... settings) {
        return new Section(List.of(settings));
    }

    /** The keys a user may set here, in order: the settings of features that are built. */
    List<String> known() {
        return settings.stream().filter(Setting::isBuilt).map(Setting::key).toList();
    }

    /**
     * Every setting of this section read from {@code node} (a missing node reads as all defaults), every
     * problem reported with its path: keys that are not settings, settings of features not built yet, and
     * values of the wrong type or form.
     */
    Values read(ConfigNode node) {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        settings.forEach(s -> byKey.put(s.key(), s));
        for (String key : node.map().keySet()) {
            Setting<?> s = byKey.get(key);
            if (s != null && !s.isBuilt()) {
                node.get(key).error(s.notBuilt());
            }
        }
        node.allowOnly(byKey.keySet(), known());
        // by identity: a definition is its own key (its reader is a lambda, which has no equality of its own)
        Map<Setting<?>, Object> values = new IdentityHashMap<>();
        for (Setting<?> s : settings) {
            if (s.isBuilt()) {
                values.put(s, s.read(node));
            }
        }
        return new Values(node, values);
    }

    /** The values of one section as read, each by its definition. */
    static final class Values {
        private final ConfigNode node;
        private final Map<Setting<?>, Object> values;

        private Values(ConfigNode node, Map<Setting<?>, Object> values) {
            this.node = node;
            this.values = values;
        }

        @SuppressWarnings("unchecked")
        <T> T get(Setting<T> setting) {
            if (!values.containsKey(setting)) {
                throw new IllegalArgumentException(setting.key() + " is not a setting of " + node.path());
            }
            return (T) values.get(setting);
        }

        /** Where this section sits, for the problems that concern several of its settings. */
        ConfigNode node() {
            return node;
        }

        /** Where one setting sits, for a problem with it that only the loader can see. */
        ConfigNode node(Setting<?> setting) {
            return node.get(setting.key());
        }

        boolean isMissing() {
            return node.isMissing();
        }
    }
}
