package io.sfsync.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * config/application.properties as sfsync's own code reads it (Camel Main reads the same file):
 * {@code {{env:NAME:default}}} placeholders resolved from the environment, overrides on top.
 */
public final class AppProperties {
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");

    private final Properties props = new Properties();
    private final Map<String, String> overrides;
    private final UnaryOperator<String> env;

    public AppProperties(Path file, Map<String, String> overrides, UnaryOperator<String> env) {
        this.overrides = overrides;
        this.env = env;
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public String get(String key, String def) {
        String raw = overrides.containsKey(key) ? overrides.get(key) : props.getProperty(key);
        if (raw == null) {
            return def;
        }
        Matcher m = ENV.matcher(raw.trim());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group(2) != null ? m.group(2) : ""));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    public int getInt(String key, int def) {
        String v = get(key, null);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }
}
