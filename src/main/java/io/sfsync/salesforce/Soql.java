package io.sfsync.salesforce;

import java.util.Collection;

/** SOQL literals built safely: every value is quoted and escaped, so no input can change the query. */
public final class Soql {
    private Soql() {
    }

    /** 'o\'brien@x.com' for o'brien@x.com; backslashes, quotes and control characters are escaped. */
    public static String quote(String value) {
        return quote(new StringBuilder(value.length() + 2), value).toString();
    }

    private static StringBuilder quote(StringBuilder sb, String value) {
        sb.append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
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
        return sb.append('\'');
    }

    /**
     * The query as a URL query-string value, exactly as {@link java.net.URLEncoder} (UTF-8) writes it, in
     * one pass: lookups send queries of tens of kilobytes per batch.
     */
    public static String urlEncoded(String soql) {
        StringBuilder sb = new StringBuilder(soql.length() + soql.length() / 2);
        for (int i = 0; i < soql.length(); i++) {
            char c = soql.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '*') {
                sb.append(c);
            } else if (c == ' ') {
                sb.append('+');
            } else if (c < 0x80) {
                percent(sb, c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < soql.length() ? i + 2 : i + 1;
                for (byte b : soql.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    percent(sb, b & 0xff);
                }
                i = end - 1;
            }
        }
        return sb.toString();
    }

    private static void percent(StringBuilder sb, int b) {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }

    /** A LIKE pattern literal: the value's own % and _ are escaped, then wrapped in %…%. */
    public static String containsPattern(String value) {
        String escaped = quote(value);
        String inner = escaped.substring(1, escaped.length() - 1).replace("%", "\\%").replace("_", "\\_");
        return "'%" + inner + "%'";
    }

    /** ('a', 'b', …): one builder for the whole list (lookups put a thousand values in one). */
    public static String inList(Collection<String> values) {
        StringBuilder sb = new StringBuilder(values.size() * 32 + 2).append('(');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            quote(sb, v);
        }
        return sb.append(')').toString();
    }
}
