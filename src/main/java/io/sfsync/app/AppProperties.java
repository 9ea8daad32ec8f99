package io.sfsync.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.sfsync.config.EnvPlaceholders;
import io.sfsync.config.SyncConfigLoader;

/**
 * config/application.properties as sfsync's own code reads it (Camel Main reads the same file), overrides on
 * top. Every {@code {{env:NAME}}} / {@code {{env:NAME:default}}} is resolved when the file is read, by the
 * resolver sync.yaml uses: a variable that is not set and has no default fails here, naming the key, with
 * every such problem of the file at once.
 */
public final class AppProperties {
    private final Map<String, String> values = new HashMap<>();

    public AppProperties(Path file, Map<String, String> overrides, UnaryOperator<String> env) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> raw = new TreeMap<>(); // sorted: the problems come in the same order every time
        props.stringPropertyNames().forEach(k -> raw.put(k, props.getProperty(k)));
        raw.putAll(overrides);
        EnvPlaceholders placeholders = new EnvPlaceholders(env);
        List<String> problems = new ArrayList<>();
        raw.forEach((key, value) -> {
            if (value != null) {
                values.put(key, placeholders.resolve(value.trim(), key, problems));
            }
        });
        if (!problems.isEmpty()) {
            throw new SyncConfigLoader.InvalidConfigException(file.toString(), problems);
        }
    }

    public String get(String key, String def) {
        String v = values.get(key);
        return v == null ? def : v;
    }

    public int getInt(String key, int def) {
        String v = get(key, null);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }
}
