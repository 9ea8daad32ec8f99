package io.sfsync.sync;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sfsync.config.FieldRule;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.synclog.Action;

/**
 * Overwrite rules and the field-level diff: for a create, every mapped value (and the
 * required fields must all be there); for an update, only fields that differ and that their rule
 * lets through — always, if_blank (Salesforce is blank), never (create only), when (a condition on
 * the current record). An update with nothing to send is SKIPPED/NO_CHANGE without an API call.
 */
public final class OverwriteStep {

    public void apply(RunContext run, Batch batch) {
        batch.open().forEach(w -> {
            if (settleMappingErrors(w)) {
                return;
            }
            if (w.operation == RecordWork.Operation.CREATE) {
                create(run, w);
            } else if (w.operation == RecordWork.Operation.UPDATE) {
                update(run, w);
            }
        });
    }

    /** The row's mapping problems for the object it is about to become or update: ERROR, record and field named. */
    private static boolean settleMappingErrors(RecordWork w) {
        List<io.sfsync.mapping.MappedRecord.MappingError> errors = w.mapped.errors().stream()
                .filter(e -> e.object().equals(w.targetObject)).toList();
        if (errors.isEmpty()) {
            return false;
        }
        w.settle(new io.sfsync.synclog.Outcome(w.key(), w.targetObject, w.currentId(), Action.ERROR, errors.get(0).code(),
                "row " + w.key() + ": " + errors.stream().map(io.sfsync.mapping.MappedRecord.MappingError::message)
                        .collect(java.util.stream.Collectors.joining("; ")),
                errors.stream().map(io.sfsync.mapping.MappedRecord.MappingError::field).distinct()
                        .collect(java.util.stream.Collectors.joining(","))));
        return true;
    }

    private static void create(RunContext run, RecordWork w) {
        ObjectInfo info = run.org.describe.get(w.targetObject);
        Map<String, Object> values = w.mapped.valuesOf(w.targetObject);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            FieldInfo f = info.field(e.getKey());
            if (f != null && f.createable()) {
                w.payload.put(f.name(), e.getValue());
                w.diff.put(f.name(), new Object[] {null, e.getValue()});
            }
        }
        List<String> missing = new ArrayList<>();
        for (FieldInfo f : info.fields()) {
            if (f.requiredOnCreate() && !w.payload.containsKey(f.name()) && !f.name().equals("OwnerId")) {
                missing.add(f.name());
            }
        }
        if (!missing.isEmpty()) {
            w.settle(new io.sfsync.synclog.Outcome(w.key(), w.targetObject, null, Action.ERROR, "REQUIRED_FIELD_MISSING",
                    "row " + w.key() + ": " + w.targetObject + " requires " + String.join(", ", missing)
                            + " and the row has no value for it (map it or give it a default)", String.join(",", missing)));
        }
    }

    private static void update(RunContext run, RecordWork w) {
        ObjectInfo info = run.org.describe.get(w.targetObject);
        Map<String, Object> values = w.mapped.valuesOf(w.targetObject);
        Map<String, io.sfsync.inbound.AgreedValues.Pair> agreed = io.sfsync.inbound.AgreedValues.parse(
                w.link == null || !w.link.sobject().equals(w.targetObject) ? null : w.link.agreedValues());
        for (FieldRule rule : run.job.fieldsOf(w.targetObject)) {
            Object value = values.get(rule.field());
            FieldInfo f = info.field(rule.field());
            if (value == null || f == null || !f.updateable()) {
                continue;
            }
            Object current = w.current.get(f.name());
            // a record's external ID is set once: another row must not take it over
            boolean externalId = f.name().equalsIgnoreCase(String.valueOf(run.job.externalIdField()));
            // a default stands in for a missing value: it fills a blank, never replaces what Salesforce has
            boolean defaulted = w.mapped.isDefaulted(w.targetObject, rule.field());
            boolean allowed = externalId ? isBlank(current)
                    : permits(rule, info, current, w.current) && (!defaulted || isBlank(current))
                    && (rule.direction() != FieldRule.Direction.BOTH || io.sfsync.inbound.AgreedValues.sendOut(rule,
                            agreed.get(rule.field()), w.row.get(rule.from()), current, w.row.changedAt(),
                            lastModified(w.current)));
            if (allowed && !same(f, current, value)) {
                w.payload.put(f.name(), value);
                w.diff.put(f.name(), new Object[] {current, value});
            }
        }
    }

    private static java.time.Instant lastModified(Map<String, Object> record) {
        Object v = record == null ? null : record.get("LastModifiedDate");
        if (v == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(v.toString().replaceFirst("\\+0000$", "Z")
                    .replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2")).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Whether the field's overwrite rule lets a new value replace {@code current} on this record. */
    static boolean permits(FieldRule rule, ObjectInfo info, Object current, Map<String, Object> record) {
        return switch (rule.overwrite()) {
            case ALWAYS -> true;
            case IF_BLANK -> isBlank(current);
            case NEVER -> false;
            case WHEN -> {
                FieldInfo condition = info.field(rule.when().field());
                yield rule.when().test(record.get(condition == null ? rule.when().field() : condition.name()));
            }
        };
    }

    static boolean isBlank(Object v) {
        return v == null || v.toString().isBlank();
    }

    /** Salesforce's value and ours are the same: numbers by value, emails without case, text exactly. */
    static boolean same(FieldInfo f, Object current, Object value) {
        if (current == null) {
            return false;
        }
        if (current instanceof Number || value instanceof Number) {
            try {
                return new BigDecimal(current.toString()).compareTo(new BigDecimal(value.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (f.type().equals("email") || f.type().equals("url")) {
            return current.toString().equalsIgnoreCase(value.toString());
        }
        return current.toString().equals(value.toString());
    }
}
