package io.sfsync.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.sfsync.config.FieldRule;
import io.sfsync.config.JobConfig;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.source.SourceRow;

/**
 * The mapping processor: turns a source row into the values of each target object by
 * the job's field rules — column or constant, transforms, default when blank, picklist translation
 * checked against describe, type conversion — and reports problems that would fail the save
 * before any API call, naming the record and the field.
 */
public final class MappingProcessor {
    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$");
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")
            .withZone(ZoneOffset.UTC);

    private final JobConfig job;
    private final Map<String, ObjectInfo> describe;
    private final Transforms transforms;

    public MappingProcessor(JobConfig job, Map<String, ObjectInfo> describe, Transforms transforms) {
        this.job = job;
        this.describe = describe;
        this.transforms = transforms;
    }

    public MappedRecord map(SourceRow row) {
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        List<MappedRecord.MappingError> errors = new ArrayList<>();
        Map<String, java.util.Set<String>> defaulted = Map.of();
        for (Map.Entry<String, List<FieldRule>> e : job.fields().entrySet()) {
            Map<String, Object> objectValues = new LinkedHashMap<>();
            for (FieldRule rule : e.getValue()) {
                if (!rule.outbound()) {
                    continue; // only flows from Salesforce into its column
                }
                try {
                    boolean[] fromDefault = {false};
                    Object v = value(e.getKey(), rule, row, errors, fromDefault);
                    if (v != null) {
                        objectValues.put(rule.field(), v);
                        if (fromDefault[0]) {
                            if (defaulted.isEmpty()) {
                                defaulted = new LinkedHashMap<>();
                            }
                            defaulted.computeIfAbsent(e.getKey(), k -> new java.util.HashSet<>()).add(rule.field());
                        }
                    }
                } catch (RuntimeException ex) {
                    errors.add(new MappedRecord.MappingError(e.getKey(), rule.field(), "MAPPING_ERROR",
                            e.getKey() + "." + rule.field() + ": " + ex.getMessage()));
                }
            }
            values.put(e.getKey(), objectValues);
        }
        String email = firstEmail(values);
        String externalId = null;
        if (job.externalIdField() != null) {
            Object ext = values.getOrDefault(job.createAs(), Map.of()).get(job.externalIdField());
            externalId = ext == null ? null : ext.toString();
        }
        String owner = job.ownership().ownerFrom() == null ? null : lower(row.text(job.ownership().ownerFrom()));
        String domain = null;
        String accountName = null;
        if (job.accounts().enabled()) {
            String d = job.accounts().domainColumn() == null ? null : row.text(job.accounts().domainColumn());
            domain = d == null ? null : Transforms.domain(d);
            accountName = job.accounts().nameColumn() == null ? null : row.text(job.accounts().nameColumn());
        }
        return new MappedRecord(row, values, email, externalId, owner, domain, accountName,
                MappedRecord.hashOf(values, owner, domain, accountName), errors, defaulted);
    }

    private static String firstEmail(Map<String, Map<String, Object>> values) {
        for (Map<String, Object> v : values.values()) {
            Object email = v.get("Email");
            if (email != null) {
                return email.toString().trim().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private Object value(String object, FieldRule rule, SourceRow row, List<MappedRecord.MappingError> errors,
            boolean[] fromDefault) {
        FieldInfo info = describe.containsKey(object) ? describe.get(object).field(rule.field()) : null;
        Object v = rule.from() != null ? row.get(rule.from()) : rule.value();
        List<String> steps = rule.transforms();
        for (int i = 0; i < steps.size(); i++) { // indexed: no iterator per field and row
            String t = steps.get(i);
            if (t.equals("truncate") && info != null && v != null && info.isText() && info.length() > 0
                    && v.toString().length() > info.length()) {
                v = v.toString().substring(0, info.length());
            } else if (!t.equals("truncate")) {
                v = transforms.apply(t, v, row.columns());
            }
        }
        if (isBlank(v)) {
            v = rule.defaultValue();
            fromDefault[0] = v != null && rule.from() != null;
        }
        if (isBlank(v)) {
            return null;
        }
        if (!rule.picklist().isEmpty()) {
            String s = v.toString().trim();
            for (Map.Entry<String, String> p : rule.picklist().entrySet()) {
                if (p.getKey().equalsIgnoreCase(s)) {
                    v = p.getValue();
                    break;
                }
            }
        }
        return info == null ? v : convert(object, rule, info, v, row, errors);
    }

    private Object convert(String object, FieldRule rule, FieldInfo info, Object v, SourceRow row,
            List<MappedRecord.MappingError> errors) {
        switch (info.type()) {
            case "int" -> {
                BigDecimal n = number(v);
                if (n.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("'" + v + "' is not a whole number (the field is an integer)");
                }
                try {
                    return n.intValueExact();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("'" + v + "' is out of the integer field's range");
                }
            }
            case "double", "currency", "percent" -> {
                return number(v).doubleValue();
            }
            case "boolean" -> {
                if (v instanceof Boolean b) {
                    return b;
                }
                String s = v.toString().trim().toLowerCase(Locale.ROOT);
                if (List.of("true", "1", "yes", "y").contains(s)) {
                    return true;
                }
                if (List.of("false", "0", "no", "n").contains(s)) {
                    return false;
                }
                throw new IllegalArgumentException("'" + v + "' is not true or false");
            }
            case "date" -> {
                return v instanceof Instant i ? LocalDate.ofInstant(i, ZoneOffset.UTC).toString() : v.toString();
            }
            case "datetime" -> {
                return v instanceof Instant i ? DATETIME.format(i) : v.toString();
            }
            default -> {
                String s = v instanceof Instant i ? DATETIME.format(i) : v instanceof BigDecimal d
                        ? d.stripTrailingZeros().toPlainString() : v.toString();
                if (info.type().equals("picklist") && info.restrictedPicklist() && !info.picklistValues().contains(s)) {
                    return invalidPicklist(object, rule, info, s, errors);
                }
                if (info.type().equals("email") && !EMAIL.matcher(s).matches()) {
                    errors.add(new MappedRecord.MappingError(object, info.name(), "INVALID_EMAIL_ADDRESS",
                            object + "." + info.name() + ": '" + s + "' is not a valid email address"));
                    return null;
                }
                if (info.length() > 0 && s.length() > info.length()) {
                    errors.add(new MappedRecord.MappingError(object, info.name(), "STRING_TOO_LONG",
                            object + "." + info.name() + ": "
                            + s.length() + " characters, more than the field's " + info.length()
                            + " (add transform: [truncate] to cut it)"));
                    return null;
                }
                return s;
            }
        }
    }

    private Object invalidPicklist(String object, FieldRule rule, FieldInfo info, String s,
            List<MappedRecord.MappingError> errors) {
        switch (rule.onInvalid()) {
            case DROP -> {
                return null;
            }
            case DEFAULT -> {
                if (rule.defaultValue() != null && info.picklistValues().contains(rule.defaultValue())) {
                    return rule.defaultValue();
                }
                return null;
            }
            default -> {
                errors.add(new MappedRecord.MappingError(object, info.name(), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        object + "." + info.name() + ": '" + s + "' is not a value of the restricted picklist (map it with"
                                + " picklist: {\"" + s + "\": <value>} or set onInvalid: drop)"));
                return null;
            }
        }
    }

    private static BigDecimal number(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        try {
            return new BigDecimal(v.toString().trim().replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }

    private static boolean isBlank(Object v) {
        return v == null || (v instanceof String s && s.isBlank());
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
