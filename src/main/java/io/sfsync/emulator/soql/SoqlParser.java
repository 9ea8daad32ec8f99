package io.sfsync.emulator.soql;

import io.sfsync.emulator.soql.Condition.Operator;
import io.sfsync.emulator.soql.SelectItem.AggregateFunction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser for the SOQL subset the emulator serves:
 *
 * <pre>
 * query     := SELECT item (',' item)* FROM ident [alias] [WHERE cond] [GROUP BY path (',' path)*]
 *              [ORDER BY order (',' order)*] [LIMIT int] [OFFSET int] [FOR (VIEW|REFERENCE)] EOF
 * item      := path | COUNT '(' ')' | aggFn '(' path ')' [alias] | '(' subquery ')'
 * subquery  := SELECT path (',' path)* FROM path [alias] [WHERE cond] [ORDER BY order (',' order)*]
 *              [LIMIT int] [OFFSET int]                  -- one level: no subquery or aggregate inside
 * cond      := unary ((AND unary)* | (OR unary)*)        -- no mixing without parentheses
 * unary     := NOT unary | '(' cond ')' | path op value | path [NOT] IN '(' value (',' value)* ')'
 *            | path LIKE string
 * order     := path [ASC|DESC] [NULLS (FIRST|LAST)]
 * </pre>
 *
 * Only syntax is checked here; names are validated at execution against the data source.
 */
final class SoqlParser {
    /** Salesforce's hard cap on OFFSET. */
    static final int MAX_OFFSET = 2000;

    /** SOQL reserved words: never usable as field names or aliases. */
    private static final Set<String> RESERVED = Set.of(
            "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN", "INCLUDES",
            "LAST", "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH");

    /** Words that start a clause after FROM, so they cannot be an object alias. */
    private static final Set<String> CLAUSE_WORDS = Set.of(
            "WHERE", "WITH", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FOR", "UPDATE", "USING");

    private final List<Token> tokens;
    private int index;
    /** True while the items of a parent-to-child subquery are parsed. */
    private boolean inSubquery;

    private SoqlParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static SoqlQuery parse(String soql) {
        return new SoqlParser(SoqlLexer.tokenize(soql)).query(soql);
    }

    private SoqlQuery query(String soql) {
        expectKeyword("SELECT");
        List<SelectItem> select = selectList();
        expectKeyword("FROM");
        String object = objectName().text();
        String alias = alias();
        Condition where = null;
        if (acceptKeyword("WHERE")) {
            where = condition();
        }
        List<FieldPath> groupBy = List.of();
        if (acceptKeyword("GROUP")) {
            expectKeyword("BY");
            groupBy = pathList();
        }
        List<OrderItem> orderBy = List.of();
        if (acceptKeyword("ORDER")) {
            expectKeyword("BY");
            orderBy = orderList();
        }
        Integer limit = limit();
        Integer offset = offset();
        // FOR VIEW / FOR REFERENCE: the records' "last viewed" / "last referenced" bookkeeping
        String purpose = null;
        if (acceptKeyword("FOR")) {
            if (acceptKeyword("VIEW")) {
                purpose = "VIEW";
            } else if (acceptKeyword("REFERENCE")) {
                purpose = "REFERENCE";
            } else {
                throw unexpected(peek());
            }
        }
        if (peek().type() != Token.Type.EOF) {
            throw unexpected(peek());
        }
        return new SoqlQuery(soql, select, object, alias, where, groupBy, orderBy, limit, offset, purpose);
    }

    /** An alias after the FROM object or relationship, if one follows. */
    private String alias() {
        if (peek().type() == Token.Type.IDENT && !CLAUSE_WORDS.contains(upper(peek()))
                && !RESERVED.contains(upper(peek()))) {
            return next().text();
        }
        return null;
    }

    private Integer limit() {
        return acceptKeyword("LIMIT") ? nonNegativeInt() : null;
    }

    private Integer offset() {
        if (!acceptKeyword("OFFSET")) {
            return null;
        }
        int offset = nonNegativeInt();
        if (offset > MAX_OFFSET) {
            throw new SoqlException(SoqlException.NUMBER_OUTSIDE_VALID_RANGE,
                    "Maximum SOQL offset allowed is " + MAX_OFFSET);
        }
        return offset;
    }

    // ---- SELECT ---------------------------------------------------------------------------

    private List<SelectItem> selectList() {
        List<SelectItem> items = new ArrayList<>();
        do {
            items.add(selectItem());
        } while (accept(Token.Type.COMMA));
        return items;
    }

    private SelectItem selectItem() {
        Token first = peek();
        if (first.type() == Token.Type.LPAREN) {
            if (inSubquery) {
                throw SoqlException.malformed("subqueries inside a subquery are not supported by this emulator");
            }
            return subquery();
        }
        if (first.type() == Token.Type.IDENT && peek(1).type() == Token.Type.LPAREN) {
            if (inSubquery) {
                throw SoqlException.malformed("functions in a subquery are not supported by this emulator");
            }
            return function();
        }
        return new SelectItem.Field(path());
    }

    private SelectItem subquery() {
        expect(Token.Type.LPAREN);
        expectKeyword("SELECT");
        inSubquery = true;
        List<SelectItem> select = selectList();
        inSubquery = false;
        expectKeyword("FROM");
        FieldPath relationship = path();
        String alias = alias();
        Condition where = acceptKeyword("WHERE") ? condition() : null;
        List<OrderItem> orderBy = List.of();
        if (acceptKeyword("ORDER")) {
            expectKeyword("BY");
            orderBy = orderList();
        }
        Integer limit = limit();
        Integer offset = offset();
        expect(Token.Type.RPAREN);
        return new SelectItem.SubQuery(relationship, alias, select, where, orderBy, limit, offset);
    }

    private SelectItem function() {
        Token name = next();
        AggregateFunction fn;
        try {
            fn = AggregateFunction.valueOf(upper(name));
        } catch (IllegalArgumentException e) {
            throw SoqlException.malformed("unsupported function '" + name.text() + "'");
        }
        expect(Token.Type.LPAREN);
        if (fn == AggregateFunction.COUNT && accept(Token.Type.RPAREN)) {
            return new SelectItem.CountAll();
        }
        FieldPath path = path();
        expect(Token.Type.RPAREN);
        String alias = null;
        if (peek().type() == Token.Type.IDENT && !RESERVED.contains(upper(peek()))) {
            alias = next().text();
        }
        return new SelectItem.Aggregate(fn, path, alias);
    }

    private FieldPath path() {
        List<String> segments = new ArrayList<>();
        segments.add(identifier().text());
        while (accept(Token.Type.DOT)) {
            segments.add(identifier().text());
        }
        return new FieldPath(segments);
    }

    private List<FieldPath> pathList() {
        List<FieldPath> paths = new ArrayList<>();
        do {
            paths.add(path());
        } while (accept(Token.Type.COMMA));
        return paths;
    }

    // ---- WHERE ----------------------------------------------------------------------------

    private Condition condition() {
        Condition first = unary();
        if (!peek().isKeyword("AND") && !peek().isKeyword("OR")) {
            return first;
        }
        // Salesforce refuses "a AND b OR c": the first connective fixes the one allowed here.
        String connective = upper(peek());
        String other = connective.equals("AND") ? "OR" : "AND";
        List<Condition> operands = new ArrayList<>();
        operands.add(first);
        while (acceptKeyword(connective)) {
            operands.add(unary());
        }
        if (peek().isKeyword(other)) {
            throw unexpected(peek());
        }
        return connective.equals("AND") ? new Condition.And(operands) : new Condition.Or(operands);
    }

    private Condition unary() {
        if (acceptKeyword("NOT")) {
            return new Condition.Not(unary());
        }
        if (accept(Token.Type.LPAREN)) {
            Condition inner = condition();
            expect(Token.Type.RPAREN);
            return inner;
        }
        return simpleCondition();
    }

    private Condition simpleCondition() {
        FieldPath path = path();
        Token op = peek();
        if (op.isKeyword("NOT")) {
            next();
            expectKeyword("IN");
            return new Condition.In(path, true, valueList());
        }
        if (acceptKeyword("IN")) {
            return new Condition.In(path, false, valueList());
        }
        if (acceptKeyword("LIKE")) {
            Token pattern = next();
            if (pattern.type() != Token.Type.STRING) {
                throw unexpected(pattern);
            }
            return new Condition.Like(path, new Literal.StringLiteral(pattern.value(), pattern.likePattern()));
        }
        if (op.isKeyword("INCLUDES") || op.isKeyword("EXCLUDES")) {
            throw SoqlException.malformed("INCLUDES/EXCLUDES are not supported by this emulator");
        }
        Operator operator = switch (op.type()) {
            case EQ -> Operator.EQ;
            case NE -> Operator.NE;
            case LT -> Operator.LT;
            case GT -> Operator.GT;
            case LE -> Operator.LE;
            case GE -> Operator.GE;
            default -> throw unexpected(op);
        };
        next();
        return new Condition.Comparison(path, operator, value());
    }

    private List<Literal> valueList() {
        expect(Token.Type.LPAREN);
        if (peek().isKeyword("SELECT")) {
            throw SoqlException.malformed("semi-join sub-selects are not supported by this emulator");
        }
        List<Literal> values = new ArrayList<>();
        do {
            values.add(value());
        } while (accept(Token.Type.COMMA));
        expect(Token.Type.RPAREN);
        return values;
    }

    private Literal value() {
        Token t = next();
        switch (t.type()) {
            case STRING:
                return new Literal.StringLiteral(t.value(), t.likePattern());
            case NUMBER:
                return number(t, false);
            case PLUS:
            case MINUS: {
                Token n = next();
                if (n.type() != Token.Type.NUMBER) {
                    throw unexpected(n);
                }
                return number(n, t.type() == Token.Type.MINUS);
            }
            case DATE:
                try {
                    return new Literal.DateLiteral(LocalDate.parse(t.text()), t.text());
                } catch (DateTimeParseException e) {
                    throw SoqlException.malformed("invalid date: " + t.text());
                }
            case DATETIME:
                try {
                    return new Literal.DateTimeLiteral(SoqlValues.parseDateTime(t.text()), t.text());
                } catch (DateTimeParseException e) {
                    throw SoqlException.malformed("invalid datetime: " + t.text());
                }
            case IDENT:
                return wordValue(t);
            default:
                throw unexpected(t);
        }
    }

    private Literal wordValue(Token t) {
        String word = upper(t);
        switch (word) {
            case "NULL":
                return new Literal.NullLiteral();
            case "TRUE":
                return new Literal.BooleanLiteral(true);
            case "FALSE":
                return new Literal.BooleanLiteral(false);
            default:
                break;
        }
        if (DateLiterals.isFixed(word)) {
            return new Literal.DateFormula(word, null);
        }
        if (DateLiterals.isParameterized(word)) {
            expect(Token.Type.COLON);
            Token n = next();
            if (n.type() != Token.Type.NUMBER || n.text().contains(".")) {
                throw unexpected(n);
            }
            return new Literal.DateFormula(word, parseInt(n));
        }
        throw unexpected(t);
    }

    private static Literal number(Token t, boolean negative) {
        BigDecimal v = new BigDecimal(t.text());
        return new Literal.NumberLiteral(negative ? v.negate() : v, (negative ? "-" : "") + t.text());
    }

    // ---- ORDER BY / LIMIT / OFFSET ----------------------------------------------------------

    private List<OrderItem> orderList() {
        List<OrderItem> items = new ArrayList<>();
        do {
            FieldPath path = path();
            boolean descending = false;
            if (acceptKeyword("DESC")) {
                descending = true;
            } else {
                acceptKeyword("ASC");
            }
            // Salesforce sorts nulls as the lowest value: first ascending, last descending.
            boolean nullsFirst = !descending;
            if (acceptKeyword("NULLS")) {
                if (acceptKeyword("FIRST")) {
                    nullsFirst = true;
                } else if (acceptKeyword("LAST")) {
                    nullsFirst = false;
                } else {
                    throw unexpected(peek());
                }
            }
            items.add(new OrderItem(path, descending, nullsFirst));
        } while (accept(Token.Type.COMMA));
        return items;
    }

    private int nonNegativeInt() {
        Token t = next();
        if (t.type() != Token.Type.NUMBER || t.text().contains(".")) {
            throw unexpected(t);
        }
        return parseInt(t);
    }

    private static int parseInt(Token t) {
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw new SoqlException(SoqlException.NUMBER_OUTSIDE_VALID_RANGE,
                    "Number outside valid range: " + t.text());
        }
    }

    // ---- token helpers --------------------------------------------------------------------

    private Token identifier() {
        Token t = next();
        if (t.type() != Token.Type.IDENT || RESERVED.contains(upper(t))) {
            throw unexpected(t);
        }
        return t;
    }

    /** The sObject after FROM: "Group" (queues) is an object there, although GROUP is reserved elsewhere. */
    private Token objectName() {
        Token t = next();
        if (t.type() != Token.Type.IDENT || (RESERVED.contains(upper(t)) && !upper(t).equals("GROUP"))) {
            throw unexpected(t);
        }
        return t;
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(index + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(index);
        if (t.type() != Token.Type.EOF) {
            index++;
        }
        return t;
    }

    private boolean accept(Token.Type type) {
        if (peek().type() == type) {
            next();
            return true;
        }
        return false;
    }

    private void expect(Token.Type type) {
        if (!accept(type)) {
            throw unexpected(peek());
        }
    }

    private boolean acceptKeyword(String keyword) {
        if (peek().isKeyword(keyword)) {
            next();
            return true;
        }
        return false;
    }

    private void expectKeyword(String keyword) {
        if (!acceptKeyword(keyword)) {
            throw unexpected(peek());
        }
    }

    private static String upper(Token t) {
        return t.text().toUpperCase(Locale.ROOT);
    }

    private static SoqlException unexpected(Token t) {
        return SoqlException.malformed("unexpected token: '" + t.display() + "'");
    }
}
