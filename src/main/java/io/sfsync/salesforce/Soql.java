package io.sfsync.salesforce;

import java.util.Collection;
import java.util.stream.Collectors;

/** SOQL literals built safely: every value is quoted and escaped, so no input can change the query. */
public final class Soql {
    private Soql() {
    }

    /** 'o\'brien@x.com' for o'brien@x.com; backslashes, quotes and control characters are escaped. */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /** A LIKE pattern literal: the value's own % and _ are escaped, then wrapped in %…%. */
    public static String containsPattern(String value) {
        String escaped = quote(value);
        String inner = escaped.substring(1, escaped.length() - 1).replace("%", "\\%").replace("_", "\\_");
        return "'%" + inner + "%'";
    }

    public static String inList(Collection<String> values) {
        return values.stream().map(Soql::quote).collect(Collectors.joining(", ", "(", ")"));
    }
}
