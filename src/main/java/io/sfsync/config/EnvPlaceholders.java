package io.sfsync.config;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.IOHelper;
import org.apache.camel.util.StringHelper;

/**
 * {@code {{env:NAME}}} and {@code {{env:NAME:default}}} in sync.yaml and application.properties, resolved the way
 * Camel's properties component resolves its {@code env} function (Camel Main reads the same
 * application.properties, so both must agree): the default is everything after the first colon, and NAME is
 * looked up upper-cased, then with {@code -} and {@code .} as {@code _}, then with camelCase split into
 * words. A variable that is not set and has no default is a problem naming the variable and where it was
 * used — never an empty value, which would only fail later and further from its cause.
 */
public final class EnvPlaceholders {
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_.-]*)(?::([^}]*))?}}");

    private final UnaryOperator<String> env;

    /** @param env the environment: a variable's value, or null when it is not set */
    public EnvPlaceholders(UnaryOperator<String> env) {
        this.env = env;
    }

    public static boolean contains(String text) {
        return text != null && ENV.matcher(text).find();
    }

    /**
     * {@code text} with every placeholder replaced. A variable that is not set and has no default adds one
     * problem to {@code problems}, prefixed with {@code where} (a config path or a property key), and
     * stands for "" in the result.
     */
    public String resolve(String text, String where, List<String> problems) {
        Matcher m = ENV.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = lookup(name);
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                problems.add((where == null || where.isEmpty() ? "" : where + ": ") + "environment variable " + name
                        + " is not set (used in '" + text + "'; set it, or give a default: {{env:" + name + ":value}})");
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String lookup(String name) {
        String v = env.apply(name.toUpperCase(Locale.ROOT));
        if (v == null) {
            v = env.apply(IOHelper.normalizeEnvironmentVariable(name));
        }
        if (v == null) {
            v = env.apply(IOHelper.normalizeEnvironmentVariable(StringHelper.camelCaseToDash(name)));
        }
        return v;
    }
}
