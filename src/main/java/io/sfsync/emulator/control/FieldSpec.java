package io.sfsync.emulator.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;

/**
 * A field as an org definition writes it, and back again for the state file:
 *
 * <pre>
 * {name: Budget__c, type: currency}
 * {name: Code__c, type: string, length: 20, externalId: true, unique: true, required: true}
 * {name: Stage__c, type: picklist, values: [Plan, Build], restricted: true, default: Plan}
 * {name: Account__c, type: reference, referenceTo: Account, childRelationshipName: Projects}
 * {name: Number__c, type: autonumber, displayFormat: "P-{0000}"}
 * </pre>
 *
 * A reference field's relationship name is its name with __r (Account__r); the parent lists it
 * under its child relationship name with __r (Projects__r), by default the plural label of the
 * field's object. A field of a custom object is checked strictly (known keys, a name ending in
 * __c, the types below); the top-level {@code fields:} list, which may also change standard fields
 * (a picklist's values), is lenient. Errors name the path of what is wrong.
 */
final class FieldSpec {
    /** The describe types a custom object's field may have ("autonumber" is a read-only numbered string). */
    static final List<String> CUSTOM_TYPES = List.of("string", "textarea", "email", "phone", "url", "picklist",
            "boolean", "double", "currency", "percent", "date", "datetime", "reference", "autonumber");

    private static final Set<String> KEYS = Set.of("name", "type", "label", "length", "values", "restricted",
            "default", "required", "externalId", "unique", "readOnly", "referenceTo", "relationshipName",
            "childRelationshipName", "displayFormat");
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z](?:[A-Za-z0-9]|_(?!_))*");
    private static final int MAX_NAME_LENGTH = 40;

    private FieldSpec() {
    }

    /**
     * Builds the field a spec describes on {@code owner}; an {@code existing} field of that name
     * keeps the properties the spec leaves out.
     *
     * @param strict true for a custom object's field
     * @param schema where referenced objects are looked up
     */
    @SuppressWarnings("unchecked")
    static FieldDef build(Map<String, Object> spec, SObjectDef owner, FieldDef existing, OrgSchema schema,
            String path, boolean strict) {
        String name = string(spec, "name", path);
        if (name == null) {
            throw error(path, "name", "a field needs a name");
        }
        if (strict) {
            for (String key : spec.keySet()) {
                if (!KEYS.contains(key)) {
                    throw error(path, key, "unknown key (a field takes " + String.join(", ", sorted(KEYS)) + ")");
                }
            }
            requireCustomName(name, path + (path.isEmpty() ? "" : ".") + "name", "a custom field's name");
        }
        String written = string(spec, "type", path);
        String type = written != null ? written.toLowerCase(Locale.ROOT)
                : existing == null ? "string" : existing.autoNumber() ? "autonumber" : existing.type();
        if (strict && !CUSTOM_TYPES.contains(type)) {
            throw error(path, "type", "'" + written + "' is not one of " + String.join(", ", CUSTOM_TYPES));
        }
        boolean autoNumber = type.equals("autonumber");
        String describeType = autoNumber ? "string" : type;
        FieldDef.Builder b = existing != null ? existing.toBuilder() : FieldDef.builder(name, describeType);
        if (existing != null && (!describeType.equals(existing.type()) || autoNumber != existing.autoNumber())) {
            b = FieldDef.builder(existing.name(), describeType);
        }
        if (spec.get("label") != null) {
            b.label(string(spec, "label", path));
        }
        if (spec.get("length") != null) {
            int length = number(spec, "length", path);
            if (strict && !type.equals("string") && !type.equals("textarea")) {
                throw error(path, "length", "only string and textarea fields take a length");
            }
            int max = type.equals("string") ? 255 : 131_072;
            if (strict && (length < 1 || length > max)) {
                throw error(path, "length", length + " is not between 1 and " + max);
            }
            b.length(length);
        }
        if (spec.get("values") != null) {
            if (strict && !type.equals("picklist")) {
                throw error(path, "values", "only picklist fields take values");
            }
            b.picklist(strings(spec, "values", path), Boolean.TRUE.equals(spec.get("restricted")));
        } else if (strict && type.equals("picklist") && (existing == null || existing.picklistValues().isEmpty())) {
            throw error(path, "values", "a picklist needs its values");
        }
        if (spec.get("default") != null) {
            if (strict && !List.of("string", "textarea", "email", "phone", "url", "picklist").contains(type)) {
                throw error(path, "default", "only text and picklist fields take a default");
            }
            b.defaultValue(spec.get("default").toString());
        }
        if (Boolean.TRUE.equals(spec.get("required"))) {
            b.required();
        }
        if (Boolean.TRUE.equals(spec.get("externalId")) || Boolean.TRUE.equals(spec.get("unique"))) {
            String key = Boolean.TRUE.equals(spec.get("externalId")) ? "externalId" : "unique";
            if (strict && !List.of("string", "email", "autonumber").contains(type)) {
                throw error(path, key, "only string, email and autonumber fields can be external IDs or unique");
            }
        }
        if (Boolean.TRUE.equals(spec.get("externalId"))) {
            b.externalId();
        }
        if (Boolean.TRUE.equals(spec.get("unique"))) {
            b.unique();
        }
        if (Boolean.TRUE.equals(spec.get("readOnly"))) {
            b.readOnly();
        }
        if (autoNumber) {
            String format = spec.get("displayFormat") != null ? string(spec, "displayFormat", path)
                    : existing != null && existing.autoNumber() ? existing.autoNumberFormat() : "{0}";
            b.autoNumber(autoNumberFormat(format, path, "displayFormat"));
        } else if (spec.get("displayFormat") != null) {
            throw error(path, "displayFormat", "only autonumber fields take a display format");
        }
        reference(spec, owner, existing, schema, path, strict, name, type, b);
        return b.build();
    }

    private static void reference(Map<String, Object> spec, SObjectDef owner, FieldDef existing, OrgSchema schema,
            String path, boolean strict, String name, String type, FieldDef.Builder b) {
        boolean isReference = type.equals("reference");
        if (!isReference) {
            for (String key : List.of("referenceTo", "relationshipName", "childRelationshipName")) {
                if (spec.get(key) != null && strict) {
                    throw error(path, key, "only reference fields take " + key);
                }
            }
        }
        if (spec.get("referenceTo") == null) {
            if (strict && isReference && (existing == null || existing.referenceTo().isEmpty())) {
                throw error(path, "referenceTo", "a reference field needs the object it points at");
            }
            if (!isReference || existing == null) {
                return;
            }
        }
        List<String> targets = new ArrayList<>();
        Object given = spec.get("referenceTo");
        List<String> written = given == null ? existing.referenceTo()
                : given instanceof String s ? List.of(s) : strings(spec, "referenceTo", path);
        if (strict && written.size() != 1) {
            throw error(path, "referenceTo", "a lookup points at one object, not " + written);
        }
        for (String target : written) {
            SObjectDef def = schema.object(target);
            if (def == null) {
                throw error(path, "referenceTo", "unknown object '" + target + "'");
            }
            targets.add(def.name());
        }
        String derived = name.endsWith("__c") ? name.substring(0, name.length() - 1) + "r" : name.replaceAll("Id$", "");
        String relationship = existing != null && existing.relationshipName() != null && !name.endsWith("__c")
                ? existing.relationshipName() : derived;
        String writtenRelationship = string(spec, "relationshipName", path);
        if (writtenRelationship != null && !writtenRelationship.equals(relationship)) {
            throw error(path, "relationshipName", "'" + writtenRelationship + "' must be " + relationship
                    + " (the field's name with __r, as describe shows it); the name the parent lists it under"
                    + " is childRelationshipName");
        }
        b.references(relationship, targets.toArray(String[]::new));
        String child = string(spec, "childRelationshipName", path);
        if (child != null) {
            String base = child.endsWith("__r") ? child.substring(0, child.length() - 3) : child;
            requireApiName(base, path + (path.isEmpty() ? "" : ".") + "childRelationshipName",
                    "a child relationship name");
            b.childRelationship(base + "__r");
        } else if (name.endsWith("__c") && (existing == null || existing.childRelationshipName() == null)) {
            b.childRelationship(apiName(owner.labelPlural()) + "__r");
        }
    }

    /** The spec that rebuilds a custom field (for the state file). */
    static Map<String, Object> of(SObjectDef def, FieldDef f) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("object", def.name());
        spec.put("name", f.name());
        spec.put("type", f.autoNumber() ? "autonumber" : f.type());
        spec.put("label", f.label());
        if (!f.autoNumber()) {
            spec.put("length", f.length());
        }
        if (!f.picklistValues().isEmpty()) {
            spec.put("values", f.picklistValues());
            spec.put("restricted", f.restrictedPicklist());
        }
        if (f.defaultValue() != null) {
            spec.put("default", f.defaultValue());
        }
        spec.put("required", !f.nillable() && !f.defaultedOnCreate());
        spec.put("externalId", f.externalId());
        spec.put("unique", f.unique());
        spec.put("readOnly", !f.createable() && !f.updateable());
        if (!f.referenceTo().isEmpty()) {
            spec.put("referenceTo", f.referenceTo());
        }
        if (f.childRelationshipName() != null) {
            spec.put("childRelationshipName", f.childRelationshipName());
        }
        if (f.autoNumber()) {
            spec.put("displayFormat", f.autoNumberFormat());
        }
        return spec;
    }

    /** An auto-number display format with exactly one {0…} for the number ("P-{0000}"). */
    static String autoNumberFormat(String format, String path, String key) {
        long places = FieldDef.AUTO_NUMBER_DIGITS.matcher(format).results().count();
        if (places != 1 || format.replaceAll("\\{0+}", "").matches(".*[{}].*")) {
            throw error(path, key, "'" + format + "' needs one {0} (or {000…}) for the number and no other braces");
        }
        return format;
    }

    /** Checks a custom object's or field's API name: a valid name ending in __c. */
    static void requireCustomName(String name, String at, String what) {
        if (!name.endsWith("__c")) {
            throw new IllegalArgumentException(at + ": '" + name + "' must end in __c");
        }
        requireApiName(name.substring(0, name.length() - 3), at, what);
    }

    private static void requireApiName(String base, String at, String what) {
        if (base.isEmpty() || base.length() > MAX_NAME_LENGTH || !API_NAME.matcher(base).matches()
                || base.endsWith("_")) {
            throw new IllegalArgumentException(at + ": '" + base + "' is not " + what + " Salesforce accepts (a letter,"
                    + " then letters, digits and single underscores, at most " + MAX_NAME_LENGTH
                    + " characters, not ending in an underscore)");
        }
    }

    /** A label as an API name: "Project Tasks" becomes Project_Tasks. */
    static String apiName(String label) {
        String name = label.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            name = "X" + name;
        }
        return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH).replaceAll("_+$", "") : name;
    }

    static IllegalArgumentException error(String path, String key, String message) {
        return new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + key + ": " + message);
    }

    static String string(Map<String, Object> spec, String key, String path) {
        Object v = spec.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw error(path, key, "expected text, not " + v);
    }

    private static int number(Map<String, Object> spec, String key, String path) {
        Object v = spec.get(key);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw error(path, key, "expected a number, not " + v);
    }

    private static List<String> strings(Map<String, Object> spec, String key, String path) {
        Object v = spec.get(key);
        if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw error(path, key, "expected a list of text, not " + v);
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
