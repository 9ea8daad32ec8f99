package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a SOQL string into tokens. String literals are decoded here, so a quote escaped
 * inside a literal ('o\'brien') can never end the literal early: that is what makes
 * injection through literal values impossible.
 */
final class SoqlLexer {
    /** Salesforce's documented cap on a string literal in a filter. */
    static final int MAX_STRING_LITERAL = 4000;

    // Immutable, thread-safe compiled patterns; matched with lookingAt() at the current offset.
    private static final Pattern DATETIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:?\\d{2})");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(?![\\w])");
    private static final Pattern DATE_PREFIX = Pattern.compile("\\d{4}-\\d");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?(?![\\w.])");

    private final String src;
    private int pos;

    private SoqlLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String soql) {
        return new SoqlLexer(soql).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (pos >= src.length()) {
                out.add(Token.of(Token.Type.EOF, "", pos));
                return out;
            }
            out.add(next());
        }
    }

    private void skipWhitespace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private Token next() {
        char c = src.charAt(pos);
        if (isIdentStart(c)) {
            return identifier();
        }
        if (c >= '0' && c <= '9') {
            return numberOrDate();
        }
        if (c == '\'') {
            return string();
        }
        int start = pos;
        switch (c) {
            case ',': pos++; return Token.of(Token.Type.COMMA, ",", start);
            case '.': pos++; return Token.of(Token.Type.DOT, ".", start);
            case '(': pos++; return Token.of(Token.Type.LPAREN, "(", start);
            case ')': pos++; return Token.of(Token.Type.RPAREN, ")", start);
            case ':': pos++; return Token.of(Token.Type.COLON, ":", start);
            case '+': pos++; return Token.of(Token.Type.PLUS, "+", start);
            case '-': pos++; return Token.of(Token.Type.MINUS, "-", start);
            case '=': pos++; return Token.of(Token.Type.EQ, "=", start);
            case '!':
                if (peekChar(1) == '=') {
                    pos += 2;
                    return Token.of(Token.Type.NE, "!=", start);
                }
                break;
            case '<':
                if (peekChar(1) == '=') {
                    pos += 2;
                    return Token.of(Token.Type.LE, "<=", start);
                }
                if (peekChar(1) == '>') {
                    pos += 2;
                    return Token.of(Token.Type.NE, "<>", start);
                }
                pos++;
                return Token.of(Token.Type.LT, "<", start);
            case '>':
                if (peekChar(1) == '=') {
                    pos += 2;
                    return Token.of(Token.Type.GE, ">=", start);
                }
                pos++;
                return Token.of(Token.Type.GT, ">", start);
            default:
                break;
        }
        throw SoqlException.malformed("unexpected token: '" + c + "'");
    }

    private char peekChar(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9') || c == '_';
    }

    private Token identifier() {
        int start = pos;
        while (pos < src.length() && isIdentPart(src.charAt(pos))) {
            pos++;
        }
        return Token.of(Token.Type.IDENT, src.substring(start, pos), start);
    }

    private Token numberOrDate() {
        int start = pos;
        Matcher m = DATETIME.matcher(src).region(pos, src.length());
        if (m.lookingAt()) {
            pos = m.end();
            return Token.of(Token.Type.DATETIME, m.group(), start);
        }
        m = DATE.matcher(src).region(pos, src.length());
        if (m.lookingAt()) {
            pos = m.end();
            return Token.of(Token.Type.DATE, m.group(), start);
        }
        m = NUMBER.matcher(src).region(pos, src.length());
        if (!DATE_PREFIX.matcher(src).region(pos, src.length()).lookingAt() && m.lookingAt()) {
            pos = m.end();
            return Token.of(Token.Type.NUMBER, m.group(), start);
        }
        // Something like 12abc, or 2026-01-01T00:00:00 without a zone: report the whole word
        // rather than a confusing fragment of it.
        int end = pos;
        while (end < src.length() && (isIdentPart(src.charAt(end)) || src.charAt(end) == '.'
                || src.charAt(end) == '-' || src.charAt(end) == ':')) {
            end++;
        }
        throw SoqlException.malformed("unexpected token: '" + src.substring(start, end) + "'");
    }

    private Token string() {
        int start = pos;
        pos++; // opening quote
        StringBuilder value = new StringBuilder();
        StringBuilder like = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw unterminated(start);
            }
            char c = src.charAt(pos);
            if (c == '\'') {
                pos++;
                break;
            }
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    throw unterminated(start);
                }
                if (src.charAt(pos + 1) == 'u') {
                    char decoded = unicodeEscape(start);
                    value.append(decoded);
                    // A wildcard spelled as a unicode escape stays a literal character, not a wildcard.
                    if (decoded == '\\' || decoded == '%' || decoded == '_') {
                        like.append('\\');
                    }
                    like.append(decoded);
                    pos += 6;
                    continue;
                }
                appendEscape(src.charAt(pos + 1), value, like, start);
                pos += 2;
                continue;
            }
            value.append(c);
            like.append(c);
            pos++;
        }
        if (value.length() > MAX_STRING_LITERAL) {
            throw SoqlException.malformed("String literal too long: literals are limited to "
                    + MAX_STRING_LITERAL + " characters");
        }
        return new Token(Token.Type.STRING, src.substring(start, pos), start, value.toString(), like.toString());
    }

    private static SoqlException unterminated(int literalStart) {
        return SoqlException.malformed("unexpected token: '<EOF>' (unterminated string literal starting at column "
                + (literalStart + 1) + ")");
    }

    /** \\uXXXX: exactly four hex digits, as documented for SOQL. */
    private char unicodeEscape(int literalStart) {
        if (pos + 6 <= src.length()) {
            String hex = src.substring(pos + 2, pos + 6);
            if (hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                return (char) Integer.parseInt(hex, 16);
            }
        }
        throw illegalEscape('u', literalStart);
    }

    private SoqlException illegalEscape(char e, int literalStart) {
        int end = src.indexOf('\'', pos + 2);
        String literal = end < 0 ? src.substring(literalStart) : src.substring(literalStart, end + 1);
        return SoqlException.malformed("Invalid string literal " + literal
                + ". Illegal character sequence '\\" + e + "' in string literal.");
    }

    /** Salesforce's escape set; anything else is rejected rather than guessed at. */
    private void appendEscape(char e, StringBuilder value, StringBuilder like, int literalStart) {
        switch (e) {
            case '\'': value.append('\''); like.append('\''); return;
            case '"': value.append('"'); like.append('"'); return;
            case 'n': case 'N': value.append('\n'); like.append('\n'); return;
            case 'r': case 'R': value.append('\r'); like.append('\r'); return;
            case 't': case 'T': value.append('\t'); like.append('\t'); return;
            case 'b': case 'B': value.append('\b'); like.append('\b'); return;
            case 'f': case 'F': value.append('\f'); like.append('\f'); return;
            // Backslash and the LIKE wildcards stay escaped in the pattern form so that
            // LikePattern treats them as literal characters, not as wildcards.
            case '\\': value.append('\\'); like.append("\\\\"); return;
            // Outside LIKE, \_ and \% have no special meaning: Salesforce keeps them verbatim.
            case '_': value.append("\\_"); like.append("\\_"); return;
            case '%': value.append("\\%"); like.append("\\%"); return;
            default:
                throw illegalEscape(e, literalStart);
        }
    }
}
