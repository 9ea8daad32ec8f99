package io.sfsync.emulator.soql;

/**
 * A lexical token. {@code text} is the source spelling (used in error messages and for
 * case-insensitive keyword checks); for STRING tokens {@code value}/{@code likePattern} hold
 * the decoded literal.
 */
record Token(Type type, String text, int position, String value, String likePattern) {

    enum Type {
        IDENT, STRING, NUMBER, DATE, DATETIME,
        COMMA, DOT, LPAREN, RPAREN, COLON, PLUS, MINUS,
        EQ, NE, LT, GT, LE, GE,
        EOF
    }

    static Token of(Type type, String text, int position) {
        return new Token(type, text, position, null, null);
    }

    /** True for an identifier spelled as the given keyword, ignoring case like SOQL does. */
    boolean isKeyword(String keyword) {
        return type == Type.IDENT && text.equalsIgnoreCase(keyword);
    }

    /** How Salesforce quotes the offending token in "unexpected token" messages. */
    String display() {
        return type == Type.EOF ? "<EOF>" : text;
    }
}
