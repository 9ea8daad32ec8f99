package io.sfsync.emulator.soql;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A literal value in a WHERE clause, kept untyped until execution: only then do we know the
 * field's type and whether the literal fits it (Salesforce checks this at compile time too).
 */
sealed interface Literal {

    /**
     * A quoted string. {@code value} has every escape resolved; {@code likePattern} keeps
     * \_ \% and \\ escaped so LIKE can tell literal wildcards from real ones.
     */
    record StringLiteral(String value, String likePattern) implements Literal {}

    record NumberLiteral(BigDecimal value, String text) implements Literal {}

    record BooleanLiteral(boolean value) implements Literal {}

    record NullLiteral() implements Literal {}

    record DateLiteral(LocalDate value, String text) implements Literal {}

    record DateTimeLiteral(Instant value, String text) implements Literal {}

    /** TODAY, LAST_N_DAYS:n, ... ; {@code n} is null for the forms without a parameter. */
    record DateFormula(String name, Integer n) implements Literal {}
}
