package io.sfsync.emulator.soql;

import java.util.List;

/** The WHERE clause tree. */
sealed interface Condition {

    record And(List<Condition> operands) implements Condition {
        public And {
            operands = List.copyOf(operands);
        }
    }

    record Or(List<Condition> operands) implements Condition {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    record Not(Condition operand) implements Condition {}

    record Comparison(FieldPath path, Operator operator, Literal value) implements Condition {}

    record In(FieldPath path, boolean negated, List<Literal> values) implements Condition {
        public In {
            values = List.copyOf(values);
        }
    }

    record Like(FieldPath path, Literal.StringLiteral pattern) implements Condition {}

    enum Operator {
        EQ("="), NE("!="), LT("<"), GT(">"), LE("<="), GE(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }
}
