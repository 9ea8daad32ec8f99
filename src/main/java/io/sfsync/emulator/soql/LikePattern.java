package io.sfsync.emulator.soql;

import java.util.regex.Pattern;

/**
 * A SOQL LIKE pattern: % is any run of characters, _ exactly one, \% \_ \\ are literal, and
 * matching ignores case. Compiled once per execution to an immutable regex.
 */
final class LikePattern {
    private final Pattern regex;

    private LikePattern(Pattern regex) {
        this.regex = regex;
    }

    /** {@code source} is {@link Literal.StringLiteral#likePattern()}: wildcards still escaped. */
    static LikePattern compile(String source) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\' && i + 1 < source.length()) {
                literal.append(source.charAt(++i));
            } else if (c == '%' || c == '_') {
                flush(re, literal);
                re.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        flush(re, literal);
        return new LikePattern(Pattern.compile(re.toString(),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    private static void flush(StringBuilder re, StringBuilder literal) {
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }

    boolean matches(String value) {
        return regex.matcher(value).matches();
    }
}
