package io.sfsync.emulator.soql;

import io.sfsync.emulator.soql.Condition.Operator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the WHERE tree into a {@link RowPredicate}, typing every literal by the field it is
 * compared with. All per-literal work (parsing, lower-casing, HashSet building for IN, regex
 * compilation for LIKE) happens here once, not per record.
 *
 * <p>Logic is two-valued like SOQL's: {@code Email != 'x'} and {@code Email NOT IN ('x')}
 * are true for records whose Email is null.
 */
final class PredicateCompiler {
    private final PathResolver resolver;
    private final ExecutionContext ctx;

    PredicateCompiler(PathResolver resolver, ExecutionContext ctx) {
        this.resolver = resolver;
        this.ctx = ctx;
    }

    RowPredicate compile(Condition condition) {
        if (condition instanceof Condition.And and) {
            List<RowPredicate> parts = compileAll(and.operands());
            return (row, c) -> {
                for (RowPredicate p : parts) {
                    if (!p.test(row, c)) {
                        return false;
                    }
                }
                return true;
            };
        }
        if (condition instanceof Condition.Or or) {
            List<RowPredicate> parts = compileAll(or.operands());
            return (row, c) -> {
                for (RowPredicate p : parts) {
                    if (p.test(row, c)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (condition instanceof Condition.Not not) {
            RowPredicate inner = compile(not.operand());
            return (row, c) -> !inner.test(row, c);
        }
        if (condition instanceof Condition.Comparison cmp) {
            return comparison(cmp);
        }
        if (condition instanceof Condition.In in) {
            return in(in);
        }
        if (condition instanceof Condition.Like like) {
            return like(like);
        }
        throw new IllegalStateException("unknown condition " + condition);
    }

    private List<RowPredicate> compileAll(List<Condition> conditions) {
        List<RowPredicate> out = new ArrayList<>(conditions.size());
        for (Condition c : conditions) {
            out.add(compile(c));
        }
        return out;
    }

    private RowPredicate comparison(Condition.Comparison cmp) {
        ResolvedPath path = resolver.resolve(cmp.path()).requireScalar("filtered");
        Operator op = cmp.operator();
        if (path.kind() == FieldKind.BOOLEAN && op != Operator.EQ && op != Operator.NE) {
            throw new SoqlException(SoqlException.INVALID_QUERY_FILTER_OPERATOR,
                    "invalid operator on boolean field: " + path.fieldName());
        }
        if (cmp.value() instanceof Literal.DateFormula formula) {
            Bounds range = bounds(path, formula);
            return (row, c) -> range.test(op, path.key(row, c));
        }
        Comparable<?> expected = literalKey(path, cmp.value());
        switch (op) {
            case EQ:
                return (row, c) -> Objects.equals(path.key(row, c), expected);
            case NE:
                return (row, c) -> !Objects.equals(path.key(row, c), expected);
            default:
                if (expected == null) {
                    return (row, c) -> false; // nothing is less/greater than null
                }
                return (row, c) -> {
                    Comparable<?> actual = path.key(row, c);
                    return actual != null && holds(op, SoqlValues.compare(actual, expected));
                };
        }
    }

    private RowPredicate in(Condition.In in) {
        ResolvedPath path = resolver.resolve(in.path()).requireScalar("filtered");
        Set<Object> keys = new HashSet<>();
        List<Bounds> ranges = new ArrayList<>();
        for (Literal literal : in.values()) {
            if (literal instanceof Literal.DateFormula formula) {
                ranges.add(bounds(path, formula));
            } else {
                keys.add(literalKey(path, literal));
            }
        }
        boolean negated = in.negated();
        return (row, c) -> {
            Comparable<?> actual = path.key(row, c);
            boolean found = keys.contains(actual);
            for (int i = 0; !found && i < ranges.size(); i++) {
                found = ranges.get(i).test(Operator.EQ, actual);
            }
            return found != negated;
        };
    }

    private RowPredicate like(Condition.Like like) {
        ResolvedPath path = resolver.resolve(like.path()).requireScalar("filtered");
        if (path.kind() != FieldKind.TEXT) {
            throw new SoqlException(SoqlException.INVALID_QUERY_FILTER_OPERATOR,
                    "invalid operator on " + path.kind().soqlTypeName + " field: LIKE is only valid on text fields,"
                            + " not on '" + path.fieldName() + "'");
        }
        LikePattern pattern = LikePattern.compile(like.pattern().likePattern());
        return (row, c) -> {
            Object value = path.value(row, c);
            return value != null && pattern.matches(value.toString());
        };
    }

    // ---- literal typing ---------------------------------------------------------------------

    /** The literal as a key comparable with {@link ResolvedPath#key}; rejects type mismatches. */
    static Comparable<?> literalKey(ResolvedPath path, Literal literal) {
        FieldKind kind = path.kind();
        if (literal instanceof Literal.NullLiteral) {
            return null;
        }
        if (literal instanceof Literal.StringLiteral s && kind == FieldKind.TEXT) {
            return SoqlValues.key(kind, s.value());
        }
        if (literal instanceof Literal.StringLiteral s && kind == FieldKind.ID) {
            if (!SoqlValues.isValidId(s.value())) {
                throw new SoqlException(SoqlException.INVALID_QUERY_FILTER_OPERATOR,
                        "invalid ID field: " + s.value());
            }
            return SoqlValues.idKey(s.value());
        }
        if (literal instanceof Literal.NumberLiteral n && kind == FieldKind.NUMBER) {
            return SoqlValues.number(n.value());
        }
        if (literal instanceof Literal.BooleanLiteral b && kind == FieldKind.BOOLEAN) {
            return b.value();
        }
        if (literal instanceof Literal.DateLiteral d && kind == FieldKind.DATE) {
            return d.value();
        }
        if (literal instanceof Literal.DateTimeLiteral dt && kind == FieldKind.DATETIME) {
            return dt.value();
        }
        throw typeMismatch(path);
    }

    private Bounds bounds(ResolvedPath path, Literal.DateFormula formula) {
        DateLiterals.DayRange days = DateLiterals.range(formula, ctx.today());
        switch (path.kind()) {
            case DATE:
                return new Bounds(days.start(), days.endExclusive());
            case DATETIME:
                return new Bounds(startOf(days.start()), startOf(days.endExclusive()));
            default:
                throw typeMismatch(path);
        }
    }

    private Comparable<?> startOf(LocalDate day) {
        return day.atStartOfDay(ctx.zone()).toInstant();
    }

    private static SoqlException typeMismatch(ResolvedPath path) {
        FieldKind kind = path.kind();
        return new SoqlException(SoqlException.INVALID_FIELD, "value of filter criterion for field '"
                + path.fieldName() + "' must be of type " + kind.soqlTypeName + " and should "
                + (kind.quoted ? "" : "not ") + "be enclosed in quotes");
    }

    // ---- comparison helpers ------------------------------------------------------------------

    private static boolean holds(Operator op, int cmp) {
        switch (op) {
            case LT: return cmp < 0;
            case GT: return cmp > 0;
            case LE: return cmp <= 0;
            case GE: return cmp >= 0;
            case EQ: return cmp == 0;
            default: return cmp != 0;
        }
    }

    /** A date literal's range [start, end) in the field's key type (LocalDate or Instant). */
    private record Bounds(Comparable<?> start, Comparable<?> endExclusive) {
        boolean test(Operator op, Comparable<?> v) {
            boolean inside = v != null
                    && SoqlValues.compare(v, start) >= 0 && SoqlValues.compare(v, endExclusive) < 0;
            switch (op) {
                case EQ: return inside;
                case NE: return !inside;
                default:
                    if (v == null) {
                        return false;
                    }
                    switch (op) {
                        case LT: return SoqlValues.compare(v, start) < 0;
                        case LE: return SoqlValues.compare(v, endExclusive) < 0;
                        case GT: return SoqlValues.compare(v, endExclusive) >= 0;
                        default: return SoqlValues.compare(v, start) >= 0; // GE
                    }
            }
        }
    }
}
