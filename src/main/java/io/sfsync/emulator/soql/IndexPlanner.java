package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the records a WHERE clause can possibly match from the data source's indexes — Id, email
 * and external-ID equality or IN lists, alone, OR-ed together, or as one conjunct of an AND — as
 * Salesforce's query optimizer uses its indexes. The full predicate still runs on the candidates;
 * this only spares the scan of every record, which matching 1,000 emails at a time against
 * 100,000 Leads would otherwise cost on every batch.
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
}
