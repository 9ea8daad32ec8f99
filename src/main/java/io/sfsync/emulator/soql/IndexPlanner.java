package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the records a WHERE clause can possibly match from the data source's indexes — Id, email
 * and external-ID equality or IN lists, alone, OR-ed together, or as one conjunct of an AND — as
 * Salesforce's query optimizer uses its indexes. The full predicate still runs on the candidates;
 * this only spares the scan of every record, which matching 1,000 emails at a time against
 * 100,000 Leads would otherwise cost on every batch.
 *
 * <p>A query ordered by a field and then Id whose WHERE clause bounds that field (a change-capture
 * page: {@code SystemModstamp <= :upTo AND (SystemModstamp > :at OR (SystemModstamp = :at AND
 * Id > :id)) ORDER BY SystemModstamp, Id LIMIT 2000}) is read from an {@link OrderedIndex} of the
 * field instead: only the records in the range, already in the query's order, so the read stops at
 * the LIMIT. The range is derived from the clause as a superset of what it matches — comparisons of
 * the field with a literal, IN lists of it, intersected through AND (with Id comparisons once the
 * field is pinned to one value), joined through OR when every operand bounds the field.
 */
final class IndexPlanner {
    private final SoqlDataSource ds;
    private final String object;
    private final PathResolver resolver;

    IndexPlanner(SoqlDataSource ds, String object, PathResolver resolver) {
        this.ds = ds;
        this.object = object;
        this.resolver = resolver;
    }

    /** Candidate records in creation (Id) order, or null when the clause needs a full scan. */
    List<Map<String, Object>> candidates(Condition where, boolean includeDeleted) {
        if (where == null || includeDeleted) {
            return null;
        }
        Map<String, Map<String, Object>> found = lookup(where);
        if (found == null) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>(found.values());
        out.sort(Comparator.comparing(r -> String.valueOf(r.get("Id"))));
        return out;
    }

    private Map<String, Map<String, Object>> lookup(Condition c) {
        if (c instanceof Condition.In in && !in.negated()) {
            List<String> values = strings(in.values());
            return values == null ? null : index(in.path(), values);
        }
        if (c instanceof Condition.Comparison cmp && cmp.operator() == Condition.Operator.EQ) {
            List<String> values = strings(List.of(cmp.value()));
            return values == null ? null : index(cmp.path(), values);
        }
        if (c instanceof Condition.Or or) {
            Map<String, Map<String, Object>> union = new LinkedHashMap<>();
            for (Condition operand : or.operands()) {
                Map<String, Map<String, Object>> part = lookup(operand);
                if (part == null) {
                    return null;
                }
                union.putAll(part);
            }
            return union;
        }
        if (c instanceof Condition.And and) {
            for (Condition operand : and.operands()) {
                Map<String, Map<String, Object>> part = lookup(operand);
                if (part != null) {
                    return part;
                }
            }
        }
        return null;
    }

    private Map<String, Map<String, Object>> index(FieldPath path, Collection<String> values) {
        if (path.isRelationshipPath()) {
            return null;
        }
        String field = resolver.resolve(path).fieldName();
        List<Map<String, Object>> records = ds.lookup(object, field, values);
        if (records == null) {
            return null;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        records.forEach(r -> out.put(String.valueOf(r.get("Id")), r));
        return out;
    }

    private static List<String> strings(List<Literal> literals) {
        List<String> out = new ArrayList<>();
        for (Literal l : literals) {
            if (!(l instanceof Literal.StringLiteral s)) {
                return null;
            }
            out.add(s.value());
        }
        return out;
    }

    // ---- ordered reads ----------------------------------------------------------------------

    /**
     * The records the query can match, in the order of its first two sort keys, from an ordered index
     * of the first; null when the query is not ordered by a field and then Id, the clause does not
     * bound the field, or the field has no ordered index. Records the range leaves out all fail the
     * clause, and records whose field is null are never in a range, so their NULLS FIRST/LAST place
     * does not matter.
     */
    Iterator<Map<String, Object>> inOrder(Condition where, List<RowSorter.SortKey> sortKeys, boolean includeDeleted) {
        if (where == null || sortKeys.size() < 2) {
            return null;
        }
        ResolvedPath first = sortKeys.get(0).path();
        ResolvedPath second = sortKeys.get(1).path();
        if (!first.hops().isEmpty() || !second.hops().isEmpty() || !second.fieldName().equals("Id")
                || first.fieldName().equals("Id")) {
            return null;
        }
        OrderedIndex.Range range = range(where, first);
        if (range == null) {
            return null;
        }
        return ds.ordered(object, first.fieldName(), range, sortKeys.get(0).descending(),
                sortKeys.get(1).descending(), includeDeleted);
    }

    /** A range of the field holding every record the condition matches, or null when it bounds nothing. */
    private OrderedIndex.Range range(Condition c, ResolvedPath field) {
        if (c instanceof Condition.Comparison cmp && isField(cmp.path(), field)) {
            Comparable<?> v = key(field, cmp.value());
            if (v == null) {
                return null;
            }
            switch (cmp.operator()) {
                case EQ: return new OrderedIndex.Range(bound(v, true), bound(v, true));
                case GT: return new OrderedIndex.Range(bound(v, false), null);
                case GE: return new OrderedIndex.Range(bound(v, true), null);
                case LT: return new OrderedIndex.Range(null, bound(v, false));
                case LE: return new OrderedIndex.Range(null, bound(v, true));
                default: return null;
            }
        }
        if (c instanceof Condition.In in && !in.negated() && isField(in.path(), field) && !in.values().isEmpty()) {
            OrderedIndex.Range hull = null;
            for (Literal literal : in.values()) {
                Comparable<?> v = key(field, literal);
                if (v == null) {
                    return null;
                }
                OrderedIndex.Range point = new OrderedIndex.Range(bound(v, true), bound(v, true));
                hull = hull == null ? point : hull(hull, point);
            }
            return hull;
        }
        if (c instanceof Condition.Or or) {
            OrderedIndex.Range hull = null;
            for (Condition operand : or.operands()) {
                OrderedIndex.Range part = range(operand, field);
                if (part == null) {
                    return null;
                }
                hull = hull == null ? part : hull(hull, part);
            }
            return hull;
        }
        if (c instanceof Condition.And and) {
            OrderedIndex.Range meet = null;
            for (Condition operand : and.operands()) {
                OrderedIndex.Range part = range(operand, field);
                if (part != null) {
                    meet = meet == null ? part : intersect(meet, part);
                }
            }
            Comparable<?> pinned = meet == null ? null : pinned(meet);
            if (pinned != null) {
                for (Condition operand : and.operands()) {
                    OrderedIndex.Range byId = idRange(operand, pinned);
                    if (byId != null) {
                        meet = intersect(meet, byId);
                    }
                }
            }
            return meet;
        }
        return null;
    }

    /** For {@code Id op 'x'} next to a field pinned to one value: the (value, Id) pairs it leaves. */
    private OrderedIndex.Range idRange(Condition c, Comparable<?> value) {
        if (!(c instanceof Condition.Comparison cmp) || !(cmp.value() instanceof Literal.StringLiteral s)) {
            return null;
        }
        ResolvedPath path = resolver.resolve(cmp.path());
        if (!path.hops().isEmpty() || !path.fieldName().equals("Id") || !SoqlValues.isValidId(s.value())) {
            return null;
        }
        String id = SoqlValues.idKey(s.value());
        switch (cmp.operator()) {
            case EQ: return new OrderedIndex.Range(new OrderedIndex.Bound(value, id, true),
                    new OrderedIndex.Bound(value, id, true));
            case GT: return new OrderedIndex.Range(new OrderedIndex.Bound(value, id, false), null);
            case GE: return new OrderedIndex.Range(new OrderedIndex.Bound(value, id, true), null);
            case LT: return new OrderedIndex.Range(null, new OrderedIndex.Bound(value, id, false));
            case LE: return new OrderedIndex.Range(null, new OrderedIndex.Bound(value, id, true));
            default: return null;
        }
    }

    private boolean isField(FieldPath written, ResolvedPath field) {
        ResolvedPath path = resolver.resolve(written);
        return path.hops().isEmpty() && path.fieldName().equals(field.fieldName());
    }

    /** The literal's key, or null for a null literal or a date formula (neither bounds the index). */
    private static Comparable<?> key(ResolvedPath field, Literal literal) {
        if (literal instanceof Literal.DateFormula || literal instanceof Literal.NullLiteral) {
            return null;
        }
        return PredicateCompiler.literalKey(field, literal);
    }

    private static OrderedIndex.Bound bound(Comparable<?> value, boolean inclusive) {
        return new OrderedIndex.Bound(value, null, inclusive);
    }

    /** The value both ends of the range hold the field to, when they bound the value alone and inclusively. */
    private static Comparable<?> pinned(OrderedIndex.Range r) {
        OrderedIndex.Bound lo = r.lower();
        OrderedIndex.Bound hi = r.upper();
        if (lo == null || hi == null || lo.id() != null || hi.id() != null || !lo.inclusive() || !hi.inclusive()
                || SoqlValues.compare(lo.value(), hi.value()) != 0) {
            return null;
        }
        return lo.value();
    }

    private static OrderedIndex.Range intersect(OrderedIndex.Range a, OrderedIndex.Range b) {
        return new OrderedIndex.Range(
                a.lower() == null ? b.lower() : b.lower() == null ? a.lower()
                        : End.of(a.lower(), true).compareTo(End.of(b.lower(), true)) >= 0 ? a.lower() : b.lower(),
                a.upper() == null ? b.upper() : b.upper() == null ? a.upper()
                        : End.of(a.upper(), false).compareTo(End.of(b.upper(), false)) <= 0 ? a.upper() : b.upper());
    }

    private static OrderedIndex.Range hull(OrderedIndex.Range a, OrderedIndex.Range b) {
        return new OrderedIndex.Range(
                a.lower() == null || b.lower() == null ? null
                        : End.of(a.lower(), true).compareTo(End.of(b.lower(), true)) <= 0 ? a.lower() : b.lower(),
                a.upper() == null || b.upper() == null ? null
                        : End.of(a.upper(), false).compareTo(End.of(b.upper(), false)) >= 0 ? a.upper() : b.upper());
    }

    /**
     * Where a bound falls among (value, Id) pairs, so that a tighter lower end is greater and a tighter
     * upper end smaller: a bound on the value alone sits before or after every Id of that value, an
     * exclusive bound on a pair just after (lower) or just before (upper) the pair.
     */
    private record End(Comparable<?> value, String id, int nudge) implements Comparable<End> {
        static End of(OrderedIndex.Bound b, boolean lower) {
            if (b.id() == null) {
                boolean before = lower == b.inclusive();
                return new End(b.value(), before ? "" : "\uffff", 0);
            }
            return new End(b.value(), b.id(), b.inclusive() ? 0 : lower ? 1 : -1);
        }

        @Override
        public int compareTo(End o) {
            int c = SoqlValues.compare(value, o.value);
            if (c == 0) {
                c = id.compareTo(o.id);
            }
            return c != 0 ? c : Integer.compare(nudge, o.nudge);
        }
    }
}
