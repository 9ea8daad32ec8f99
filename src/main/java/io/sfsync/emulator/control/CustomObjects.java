package io.sfsync.emulator.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;

/**
 * Custom objects as an org definition writes them:
 *
 * <pre>
 * objects:
 *   - name: Project__c                      # must end in __c
 *     label: Project                        # default: the name without __c
 *     labelPlural: Projects                 # default: the label with an s
 *     nameField: {label: Project Name, type: string}   # or {type: autonumber, displayFormat: "P-{0000}"}
 *     fields:
 *       - {name: Budget__c, type: currency}
 *       - {name: Account__c, type: reference, referenceTo: Account}   # Account's child relationship Projects__r
 * </pre>
 *
 * Each gets a key prefix of its own (a00, a01, …, or {@code keyPrefix} when given) and the fields
 * every custom object has (Id, Name, OwnerId, IsDeleted and the audit fields). A list is checked
 * whole before any of it is added, so its objects may point at each other in any order; defining
 * an object again keeps its key prefix and the fields the new definition does not list.
 */
final class CustomObjects {
    private static final Set<String> KEYS = Set.of("name", "label", "labelPlural", "nameField", "fields", "keyPrefix");
    private static final Set<String> NAME_FIELD_KEYS = Set.of("label", "type", "displayFormat");

    private final EmulatedOrg org;

    CustomObjects(EmulatedOrg org) {
        this.org = org;
    }

    private record Staged(SObjectDef def, String path, Map<String, String> fieldPaths) {
    }

    /**
     * Checks and adds custom objects.
     *
     * @param specs the definitions
     * @param paths where each one sits in the definition ("objects[0]"), for error messages
     */
    List<SObjectDef> define(List<?> specs, List<String> paths) {
        OrgSchema live = org.schema();
        OrgSchema draft = new OrgSchema();
        live.objects().forEach(draft::add);
        List<Staged> staged = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<Map<String, Object>> maps = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Map<String, Object> spec = map(specs.get(i), paths.get(i),
                    "expected an object with name, label, nameField and fields");
            maps.add(spec);
            SObjectDef def = shape(spec, paths.get(i), draft, seen);
            draft.add(def);
            staged.add(new Staged(def, paths.get(i), new HashMap<>()));
        }
        for (int i = 0; i < staged.size(); i++) {
            addFields(maps.get(i), staged.get(i), draft);
        }
        for (Staged s : staged) {
            checkChildRelationshipsUnique(s, draft);
        }
        org.store().lock().lock();
        try {
            staged.forEach(s -> live.add(s.def()));
        } finally {
            org.store().lock().unlock();
        }
        return staged.stream().map(Staged::def).toList();
    }

    /** The object with its name field and system fields (and, when defined again, its earlier custom fields). */
    private SObjectDef shape(Map<String, Object> spec, String path, OrgSchema draft, Map<String, String> seen) {
        for (String key : spec.keySet()) {
            if (!KEYS.contains(key)) {
                throw FieldSpec.error(path, key, "unknown key (an object takes "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String name = FieldSpec.string(spec, "name", path);
        if (name == null) {
            throw FieldSpec.error(path, "name", "an object needs a name");
        }
        FieldSpec.requireCustomName(name, at(path, "name"), "a custom object's name");
        String earlier = seen.put(name.toLowerCase(Locale.ROOT), path);
        if (earlier != null) {
            throw FieldSpec.error(path, "name", "'" + name + "' is defined twice (also at " + earlier + ")");
        }
        SObjectDef existing = draft.object(name);
        String label = FieldSpec.string(spec, "label", path);
        if (label == null) {
            label = existing != null ? existing.label() : name.substring(0, name.length() - 3).replace('_', ' ');
        }
        String plural = FieldSpec.string(spec, "labelPlural", path);
        if (plural == null) {
            plural = existing != null && spec.get("label") == null ? existing.labelPlural() : label + "s";
        }
        String prefix = keyPrefix(spec, path, existing, draft);
        SObjectDef def = OrgSchema.customObject(existing != null ? existing.name() : name, label, plural, prefix,
                nameField(spec, path, label, existing));
        if (existing != null) {
            for (FieldDef f : existing.fields()) {
                if (f.custom()) {
                    def.put(f);
                }
            }
        }
        return def;
    }

    private static String keyPrefix(Map<String, Object> spec, String path, SObjectDef existing, OrgSchema draft) {
        String given = FieldSpec.string(spec, "keyPrefix", path);
        if (given == null) {
            return existing != null ? existing.keyPrefix() : draft.unusedCustomKeyPrefix(Set.of());
        }
        if (!given.matches("a[0-9A-Za-z]{2}")) {
            throw FieldSpec.error(path, "keyPrefix", "'" + given + "' is not a custom object's key prefix"
                    + " (a and two letters or digits)");
        }
        if (existing != null && !existing.keyPrefix().equals(given)) {
            throw FieldSpec.error(path, "keyPrefix", "'" + given + "' but " + existing.name() + " already has "
                    + existing.keyPrefix());
        }
        SObjectDef owner = draft.objectByKeyPrefix(given);
        if (owner != null && existing == null) {
            throw FieldSpec.error(path, "keyPrefix", "'" + given + "' is already " + owner.name() + "'s");
        }
        return given;
    }

    private static FieldDef nameField(Map<String, Object> spec, String path, String label, SObjectDef existing) {
        String at = at(path, "nameField");
        Map<String, Object> nameSpec = spec.get("nameField") == null ? Map.of()
                : map(spec.get("nameField"), at, "expected {label, type: string | autonumber, displayFormat}");
        for (String key : nameSpec.keySet()) {
            if (!NAME_FIELD_KEYS.contains(key)) {
                throw FieldSpec.error(at, key, "unknown key (the name field takes label, type, displayFormat)");
            }
        }
        FieldDef before = existing == null ? null : existing.field("Name");
        String type = FieldSpec.string(nameSpec, "type", at);
        if (type == null) {
            type = before != null && before.autoNumber() ? "autonumber" : "string";
        }
        type = type.toLowerCase(Locale.ROOT);
        String fieldLabel = FieldSpec.string(nameSpec, "label", at);
        if (fieldLabel == null) {
            fieldLabel = before != null && spec.get("label") == null ? before.label() : label + " Name";
        }
        FieldDef.Builder b = FieldDef.builder("Name", "string").label(fieldLabel);
        switch (type) {
            case "string" -> {
                if (nameSpec.get("displayFormat") != null) {
                    throw FieldSpec.error(at, "displayFormat", "only an autonumber name field takes a display format");
                }
                b.length(80).required();
            }
            case "autonumber" -> {
                String format = FieldSpec.string(nameSpec, "displayFormat", at);
                if (format == null) {
                    format = before != null && before.autoNumber() ? before.autoNumberFormat() : "{0}";
                }
                b.autoNumber(FieldSpec.autoNumberFormat(format, at, "displayFormat"));
            }
            default -> throw FieldSpec.error(at, "type", "'" + type + "' is not one of string, autonumber");
        }
        return b.build();
    }

    private void addFields(Map<String, Object> spec, Staged s, OrgSchema draft) {
        Object fields = spec.get("fields");
        if (fields == null) {
            return;
        }
        String at = at(s.path(), "fields");
        if (!(fields instanceof List<?> list)) {
            throw new IllegalArgumentException(at + ": expected a list of fields");
        }
        Map<String, String> seen = new HashMap<>();
        for (int j = 0; j < list.size(); j++) {
            String path = at + "[" + j + "]";
            Map<String, Object> fieldSpec = map(list.get(j), path, "expected a field {name, type, …}");
            String name = FieldSpec.string(fieldSpec, "name", path);
            String earlier = name == null ? null : seen.put(name.toLowerCase(Locale.ROOT), path);
            if (earlier != null) {
                throw FieldSpec.error(path, "name", "'" + name + "' is defined twice (also at " + earlier + ")");
            }
            FieldDef existing = name == null ? null : s.def().field(name);
            FieldDef field = FieldSpec.build(fieldSpec, s.def(), existing, draft, path, true);
            s.def().put(field);
            s.fieldPaths().put(field.name().toLowerCase(Locale.ROOT), path);
        }
    }

    /** A parent may not list two child relationships under one name. */
    private static void checkChildRelationshipsUnique(Staged s, OrgSchema draft) {
        for (FieldDef f : s.def().fields()) {
            String path = s.fieldPaths().get(f.name().toLowerCase(Locale.ROOT));
            if (path == null || f.childRelationshipName() == null) {
                continue;
            }
            for (String parent : f.referenceTo()) {
                for (OrgSchema.ChildRelationship other : draft.childRelationships(parent)) {
                    boolean same = other.child().name().equals(s.def().name()) && other.field().name().equals(f.name());
                    if (!same && f.childRelationshipName().equalsIgnoreCase(other.name())) {
                        throw FieldSpec.error(path, "childRelationshipName", parent + " already has a child"
                                + " relationship " + other.name() + " (" + other.child().name() + "."
                                + other.field().name() + "); give this one another name");
                    }
                }
            }
        }
    }

    /** The spec that rebuilds the object without its custom fields, which the state file keeps with the others. */
    static Map<String, Object> shapeOf(SObjectDef def) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", def.name());
        spec.put("label", def.label());
        spec.put("labelPlural", def.labelPlural());
        spec.put("keyPrefix", def.keyPrefix());
        FieldDef name = def.field("Name");
        Map<String, Object> nameField = new LinkedHashMap<>();
        nameField.put("label", name.label());
        nameField.put("type", name.autoNumber() ? "autonumber" : "string");
        if (name.autoNumber()) {
            nameField.put("displayFormat", name.autoNumberFormat());
        }
        spec.put("nameField", nameField);
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String path, String expected) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + expected);
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
