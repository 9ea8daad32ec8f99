package io.sfsync.emulator.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.api.ApiError;
import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.store.RecordStore;
import io.sfsync.emulator.store.Transaction;

/**
 * Saves records the way Salesforce does: field resolution and field-level access, type
 * conversion, length / email / restricted-picklist / required validation, defaults,
 * auto-numbers, Lead assignment rules, owner checks, unique and external-ID values, duplicate
 * rules and converted or locked records. Every failure is an {@link ApiException} carrying Salesforce's error codes.
 * Callers hold the store lock.
 */
public final class RecordSaver {

    /**
     * @param userId the running user
     * @param allowSave Sforce-Duplicate-Rule-Header allowSave=true
     * @param autoAssign the Sforce-Auto-Assign header value, or null when absent
     * @param system a seed or control-plane write: read-only fields allowed, no rules run
     */
    public record Options(String userId, boolean allowSave, String autoAssign, Transaction tx, boolean system,
            Supplier<ApiError> injectedFault) {

        public static Options system(String userId, Transaction tx) {
            return new Options(userId, true, "FALSE", tx, true, null);
        }

        /** Throws the fault the control plane injected for this record save, if any (e.g. UNABLE_TO_LOCK_ROW). */
        void injectFault() {
            ApiError fault = injectedFault == null ? null : injectedFault.get();
            if (fault != null) {
                throw new ApiException(400, List.of(fault));
            }
        }
    }

    public record Saved(String id, boolean created) {
    }

    private final EmulatedOrg org;
    private final DuplicateMatcher duplicates;

    public RecordSaver(EmulatedOrg org) {
        this.org = org;
        this.duplicates = new DuplicateMatcher(org);
    }

    public SObjectDef requireObject(String name) {
        SObjectDef def = org.schema().object(name);
        if (def == null) {
            throw ApiException.notFound();
        }
        return def;
    }

    public Saved create(String object, Map<String, Object> body, Options o) {
        SObjectDef def = requireObject(object);
        o.injectFault();
        if (!o.system() && body.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Id"))) {
            throw ApiException.badRequest("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call",
                    "Id");
        }
        Map<String, Object> values = resolve(def, body, true, o.system());
        String now = org.now();
        Map<String, Object> record = new LinkedHashMap<>();
        String givenId = (String) values.remove("Id");
        String id = givenId != null ? givenId : org.ids().next(def.keyPrefix());
        record.put("Id", id);
        for (FieldDef f : def.fields()) {
            if (values.containsKey(f.name())) {
                record.put(f.name(), values.get(f.name()));
            } else if (f.autoNumber()) {
                // numbered in creation order; a deleted record keeps its number, as in Salesforce
                record.put(f.name(), f.autoNumberValue(org.store().count(def.name()) + 1L));
            } else if (f.type().equals("boolean")) {
                record.put(f.name(), Boolean.parseBoolean(f.defaultValue())); // unchecked unless it defaults to true
            } else if (f.defaultValue() != null) {
                record.put(f.name(), f.defaultValue());
            }
        }
        if (def.field("OwnerId") != null && record.get("OwnerId") == null) {
            record.put("OwnerId", o.userId());
        }
        if (!o.system() && def.name().equals("Lead") && !"FALSE".equalsIgnoreCase(o.autoAssign())) {
            applyAssignmentRule(record);
        }
        computeName(def, record);
        computeAddresses(def, record);
        List<ApiError> errors = validateValues(def, values);
        errors.addAll(requiredMissing(def, record));
        failIfAny(errors);
        checkReferences(def, values.keySet(), record);
        checkUnique(def, record, values.keySet());
        if (!o.system()) {
            duplicates.check(def.name(), record, o.allowSave());
        }
        org.systemFields(record, o.userId(), now);
        org.store().put(o.tx(), def.name(), record);
        return new Saved(id, true);
    }

    public Saved update(String object, String id, Map<String, Object> body, Options o) {
        SObjectDef def = requireObject(object);
        Map<String, Object> existing = existing(def, id);
        o.injectFault();
        if (!o.system()) {
            if (Boolean.TRUE.equals(existing.get("IsConverted"))) {
                throw ApiException.badRequest("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");
            }
            if (org.lockedIds().contains(existing.get("Id"))) {
                throw ApiException.badRequest("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id");
            }
        }
        Map<String, Object> body2 = new LinkedHashMap<>(body);
        body2.keySet().removeIf(k -> k.equalsIgnoreCase("Id"));
        Map<String, Object> values = resolve(def, body2, false, o.system());
        Map<String, Object> record = new LinkedHashMap<>(existing);
        record.putAll(values);
        // Sforce-Auto-Assign defaults to TRUE on update as on create: clients that set owners must send FALSE
        if (!o.system() && def.name().equals("Lead") && !"FALSE".equalsIgnoreCase(o.autoAssign())) {
            applyAssignmentRule(record);
        }
        computeName(def, record);
        computeAddresses(def, record);
        List<ApiError> errors = validateValues(def, values);
        errors.addAll(requiredMissing(def, record));
        failIfAny(errors);
        checkReferences(def, values.keySet(), record);
        checkUnique(def, record, values.keySet());
        if (!o.system() && emailChanged(existing, record)) {
            duplicates.check(def.name(), record, o.allowSave());
        }
        String now = org.now();
        record.put("LastModifiedDate", now);
        record.put("LastModifiedById", o.userId());
        record.put("SystemModstamp", now);
        org.store().put(o.tx(), def.name(), record);
        return new Saved((String) record.get("Id"), false);
    }

    /** Upsert by external ID (or Id). Several matches: an ApiException with status 300 and the matching ids. */
    public Saved upsert(String object, String externalIdField, String value, Map<String, Object> body, Options o,
            boolean updateOnly) {
        SObjectDef def = requireObject(object);
        FieldDef ext = def.field(externalIdField);
        if (ext == null || !(ext.externalId() || ext.name().equals("Id"))) {
            throw new ApiException(404, "NOT_FOUND",
                    "Provided external ID field does not exist or is not accessible: " + externalIdField);
        }
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("MISSING_ARGUMENT", ext.name() + " not specified", ext.name());
        }
        Map<String, Object> body2 = new LinkedHashMap<>(body);
        body2.keySet().removeIf(k -> k.equalsIgnoreCase(ext.name()));
        List<String> matches = ext.name().equals("Id") ? idMatch(def, value)
                : List.copyOf(org.store().find(def.name(), ext.name(), value));
        if (matches.size() > 1) {
            throw new ApiException(300, List.of(new ApiError("DUPLICATE_EXTERNAL_ID",
                    ext.name() + ": more than one record found for external id field: " + matches,
                    List.of(ext.name()), Map.of("matchingIds", matches))));
        }
        if (matches.size() == 1) {
            return update(def.name(), matches.get(0), body2, o);
        }
        if (updateOnly || ext.name().equals("Id")) {
            throw new ApiException(404, "NOT_FOUND", "The requested resource does not exist");
        }
        body2.put(ext.name(), value);
        return create(def.name(), body2, o);
    }

    public void delete(String object, String id, Options o) {
        SObjectDef def = object == null ? org.schema().objectByKeyPrefix(id) : requireObject(object);
        if (def == null) {
            throw ApiException.badRequest("MALFORMED_ID", "malformed id " + id);
        }
        Map<String, Object> existing = existing(def, id);
        o.injectFault();
        if (!o.system() && org.lockedIds().contains(existing.get("Id"))) {
            throw ApiException.badRequest("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id");
        }
        Map<String, Object> record = new LinkedHashMap<>(existing);
        String now = org.now();
        record.put("IsDeleted", true);
        record.put("LastModifiedDate", now);
        record.put("LastModifiedById", o.userId());
        record.put("SystemModstamp", now);
        org.store().put(o.tx(), def.name(), record);
    }

    /** The live record with this Id of this object; 404 NOT_FOUND or ENTITY_IS_DELETED otherwise. */
    public Map<String, Object> existing(SObjectDef def, String rawId) {
        String id = io.sfsync.emulator.org.SalesforceIds.normalize(rawId);
        Map<String, Object> existing = id == null ? null : org.store().get(id);
        if (existing == null || !def.name().equals(org.store().objectOf(id))) {
            throw ApiException.notFound();
        }
        if (Boolean.TRUE.equals(existing.get("IsDeleted"))) {
            throw new ApiException(404, "ENTITY_IS_DELETED", "entity is deleted");
        }
        return existing;
    }

    private List<String> idMatch(SObjectDef def, String value) {
        String id = io.sfsync.emulator.org.SalesforceIds.normalize(value);
        Map<String, Object> r = id == null ? null : org.store().get(id);
        return r != null && def.name().equals(org.store().objectOf(id)) && !Boolean.TRUE.equals(r.get("IsDeleted"))
                ? List.of(id) : List.of();
    }

    /** Canonical field names and converted values; unknown and non-writable fields fail here. */
    private Map<String, Object> resolve(SObjectDef def, Map<String, Object> body, boolean creating, boolean system) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> notWritable = new ArrayList<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (e.getKey().equals("attributes")) {
                continue;
            }
            FieldDef f = def.field(e.getKey());
            if (f == null) {
                throw ApiException.badRequest("INVALID_FIELD",
                        "No such column '" + e.getKey() + "' on sobject of type " + def.name());
            }
            if (!system && (creating ? !f.createable() : !f.updateable())) {
                notWritable.add(f.name());
                continue;
            }
            values.put(f.name(), FieldValues.coerce(f, e.getValue()));
        }
        if (!notWritable.isEmpty()) {
            throw new ApiException(400, List.of(new ApiError("INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Unable to create/update fields: " + String.join(", ", notWritable)
                            + ". Please check the security settings of this field and verify that it is read/write"
                            + " for your profile or permission set.", notWritable, null)));
        }
        return values;
    }

    private List<ApiError> validateValues(SObjectDef def, Map<String, Object> values) {
        List<ApiError> errors = new ArrayList<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            FieldDef f = def.field(e.getKey());
            Object v = e.getValue();
            if (!(v instanceof String s) || !f.isText()) {
                continue;
            }
            if (f.length() > 0 && s.length() > f.length()) {
                errors.add(ApiError.of("STRING_TOO_LONG", f.label() + ": data value too large: " + s
                        + " (max length=" + f.length() + ")", f.name()));
            } else if (f.type().equals("email") && !FieldValues.isValidEmail(s)) {
                errors.add(ApiError.of("INVALID_EMAIL_ADDRESS", f.label() + ": invalid email address: " + s, f.name()));
            } else if (f.isPicklist() && f.restrictedPicklist() && !f.picklistValues().contains(s)) {
                errors.add(ApiError.of("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        f.label() + ": bad value for restricted picklist field: " + s, f.name()));
            }
        }
        return errors;
    }

    private List<ApiError> requiredMissing(SObjectDef def, Map<String, Object> record) {
        List<String> missing = new ArrayList<>();
        for (FieldDef f : def.fields()) {
            if (!f.nillable() && f.createable() && !f.type().equals("boolean") && record.get(f.name()) == null) {
                missing.add(f.name());
            }
        }
        if (missing.isEmpty()) {
            return new ArrayList<>();
        }
        List<ApiError> errors = new ArrayList<>();
        errors.add(new ApiError("REQUIRED_FIELD_MISSING", "Required fields are missing: " + missing, missing, null));
        return errors;
    }

    private static void failIfAny(List<ApiError> errors) {
        if (!errors.isEmpty()) {
            throw new ApiException(400, errors);
        }
    }

    /** Written reference fields must point at live records of an allowed type; owners must be active. */
    private void checkReferences(SObjectDef def, Set<String> written, Map<String, Object> record) {
        for (String name : written) {
            FieldDef f = def.field(name);
            Object v = record.get(name);
            if (!f.type().equals("reference") || v == null) {
                continue;
            }
            String target = org.store().objectOf((String) v);
            Map<String, Object> ref = org.store().get((String) v);
            if (target == null || ref == null || Boolean.TRUE.equals(ref.get("IsDeleted"))) {
                throw ApiException.badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", name);
            }
            if (!f.referenceTo().contains(target)) {
                throw ApiException.badRequest("FIELD_INTEGRITY_EXCEPTION",
                        f.label() + ": id value of incorrect type: " + v, name);
            }
            if ("Lead".equals(target) && !"Lead".equals(def.name()) && Boolean.TRUE.equals(ref.get("IsConverted"))) {
                throw ApiException.badRequest("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", name);
            }
        }
        Object owner = record.get("OwnerId");
        if (owner != null && def.field("OwnerId") != null && written.contains("OwnerId")) {
            Map<String, Object> o = org.store().get((String) owner);
            if ("User".equals(org.store().objectOf((String) owner)) && !Boolean.TRUE.equals(o.get("IsActive"))) {
                throw ApiException.badRequest("INACTIVE_OWNER_OR_USER", "operation performed with inactive user ["
                        + owner + "] as owner of " + def.name().toLowerCase(), "OwnerId");
            }
            if ("Group".equals(org.store().objectOf((String) owner)) && !"Queue".equals(o.get("Type"))) {
                throw ApiException.badRequest("FIELD_INTEGRITY_EXCEPTION",
                        "Owner ID: id value of incorrect type: " + owner, "OwnerId");
            }
        }
    }

    private void checkUnique(SObjectDef def, Map<String, Object> record, Set<String> written) {
        RecordStore store = org.store();
        for (String name : written) {
            FieldDef f = def.field(name);
            Object v = record.get(name);
            if (v == null || !(f.unique() || f.externalId() && f.unique())) {
                continue;
            }
            Set<String> others = store.find(def.name(), f.name(), v.toString()).stream()
                    .filter(id -> !id.equals(record.get("Id"))).collect(Collectors.toSet());
            if (!others.isEmpty()) {
                throw ApiException.badRequest("DUPLICATE_VALUE", "duplicate value found: " + f.name()
                        + " duplicates value on record with id: " + others.iterator().next());
            }
        }
    }

    private void applyAssignmentRule(Map<String, Object> record) {
        AssignmentRule rule = org.leadAssignmentRule();
        String owner = rule == null ? null : rule.assign(record);
        if (owner != null) {
            record.put("OwnerId", owner);
        }
    }

    private static void computeName(SObjectDef def, Map<String, Object> record) {
        FieldDef name = def.field("Name");
        if (name != null && name.calculated() && def.field("LastName") != null) {
            Object first = record.get("FirstName");
            Object last = record.get("LastName");
            String full = ((first == null ? "" : first + " ") + (last == null ? "" : last)).trim();
            record.put("Name", full.isEmpty() ? null : full);
        }
    }

    /**
     * A compound address field (BillingAddress, MailingAddress, Lead's Address …) is read-only and holds its
     * parts as one value, as Salesforce answers it: street, city, state, postalCode, country, latitude,
     * longitude, geocodeAccuracy; null while they all are.
     */
    private static void computeAddresses(SObjectDef def, Map<String, Object> record) {
        for (FieldDef f : def.fields()) {
            if (!f.type().equals("address")) {
                continue;
            }
            String prefix = f.name().substring(0, f.name().length() - "Address".length());
            Map<String, Object> address = new LinkedHashMap<>();
            boolean any = false;
            for (String part : FieldDef.ADDRESS_PARTS) {
                Object v = record.get(prefix + part);
                any |= v != null;
                address.put(Character.toLowerCase(part.charAt(0)) + part.substring(1), v);
            }
            record.put(f.name(), any ? address : null);
        }
    }

    private static boolean emailChanged(Map<String, Object> before, Map<String, Object> after) {
        Object a = before.get("Email");
        Object b = after.get("Email");
        return b != null && (a == null || !a.toString().equalsIgnoreCase(b.toString()));
    }
}
