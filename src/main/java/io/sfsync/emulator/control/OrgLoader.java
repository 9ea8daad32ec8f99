package io.sfsync.emulator.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.DuplicateRule;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.store.Transaction;

/**
 * Applies an org definition (YAML or JSON): custom objects, custom fields and picklists,
 * duplicate-rule modes and records. Records may carry {@code _ref: name}; a later string value
 * {@code "@name"} becomes that record's Id, so a file can seed Accounts and the Contacts under them.
 *
 * <pre>
 * objects:                                                                          # see CustomObjects
 *   - {name: Project__c, label: Project, fields: [{name: Account__c, type: reference, referenceTo: Account}]}
 * fields:
 *   - {object: Lead, name: Region__c, type: picklist, values: [EMEA, AMER], restricted: true}
 *   - {object: Lead, name: Lead.Status, values: [New, Working], restricted: true}   # replace a picklist
 * duplicateRules: {Lead: alert, Contact: block}                                     # alert | block | off
 * records:
 *   User:    [{_ref: ana, Email: ana@example.com, FirstName: Ana, LastName: Silva}]
 *   Account: [{_ref: acme, Name: Acme, Website: acme.com, OwnerId: "@ana"}]
 *   Contact: [{LastName: Doe, Email: jo@acme.com, AccountId: "@acme"}]
 *   Project__c: [{Name: Launch, Account__c: "@acme"}]
 * </pre>
 */
public final class OrgLoader {
    private final SalesforceEmulator emulator;

    public OrgLoader(SalesforceEmulator emulator) {
        this.emulator = emulator;
    }

    public void load(Path file) {
        ObjectMapper mapper = file.toString().toLowerCase(Locale.ROOT).endsWith(".json")
                ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        try {
            apply(mapper.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the org definition " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> apply(Map<String, Object> definition) {
        Object objects = definition.get("objects");
        if (objects != null) {
            if (!(objects instanceof List<?> list)) {
                throw new IllegalArgumentException("objects: expected a list of custom objects");
            }
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                paths.add("objects[" + i + "]");
            }
            new CustomObjects(emulator.org()).define(list, paths);
        }
        List<Map<String, Object>> fields = (List<Map<String, Object>>) definition.getOrDefault("fields", List.of());
        for (int i = 0; i < fields.size(); i++) {
            addField(fields.get(i), "fields[" + i + "]");
        }
        Map<String, Object> rules = (Map<String, Object>) definition.get("duplicateRules");
        if (rules != null) {
            duplicateRules(rules);
        }
        return seed((Map<String, List<Map<String, Object>>>) definition.getOrDefault("records", Map.of()));
    }

    /** Defines (or defines again) one custom object, as one item of an org definition's {@code objects:} list. */
    public SObjectDef defineObject(Map<String, Object> spec) {
        return new CustomObjects(emulator.org()).define(List.of(spec), List.of("")).get(0);
    }

    /** Adds or replaces a field; a field that exists keeps its other properties. */
    public FieldDef addField(Map<String, Object> spec) {
        return addField(spec, "");
    }

    private FieldDef addField(Map<String, Object> spec, String path) {
        String objectName = FieldSpec.string(spec, "object", path);
        SObjectDef def = emulator.org().schema().object(objectName);
        if (def == null) {
            throw FieldSpec.error(path, "object", "unknown object '" + objectName + "'");
        }
        FieldDef existing = def.field(FieldSpec.string(spec, "name", path));
        FieldDef field = FieldSpec.build(spec, def, existing, emulator.org().schema(), path, false);
        def.put(field);
        return field;
    }

    public void duplicateRules(Map<String, Object> modes) {
        List<DuplicateRule> rules = new ArrayList<>();
        for (DuplicateRule r : DuplicateRule.standard()) {
            String mode = String.valueOf(modes.getOrDefault(r.object(), "alert")).toLowerCase(Locale.ROOT);
            if (!List.of("alert", "block", "off").contains(mode)) {
                throw new IllegalArgumentException("duplicateRules." + r.object() + ": '" + mode
                        + "' is not one of alert|block|off");
            }
            rules.add(new DuplicateRule(r.developerName(), r.object(), r.matchObjects(), mode.equals("block"),
                    !mode.equals("off")));
        }
        emulator.org().duplicateRules(rules);
    }

    /** Inserts records as the system (read-only fields and Ids may be given; no duplicate or assignment rules). */
    public Map<String, String> seed(Map<String, List<Map<String, Object>>> records) {
        Map<String, String> refs = new LinkedHashMap<>();
        var org = emulator.org();
        org.store().lock().lock();
        Transaction tx = new Transaction();
        try {
            RecordSaver saver = new RecordSaver(org);
            RecordSaver.Options system = RecordSaver.Options.system(org.integrationUserId(), tx);
            // parents before children, whatever order the definition lists them in
            List<Map.Entry<String, List<Map<String, Object>>>> ordered = parentsFirst(records);
            for (Map.Entry<String, List<Map<String, Object>>> e : ordered) {
                for (Map<String, Object> raw : e.getValue()) {
                    Map<String, Object> r = new LinkedHashMap<>(raw);
                    String ref = (String) r.remove("_ref");
                    r.replaceAll((k, v) -> v instanceof String s && s.startsWith("@") && refs.containsKey(s.substring(1))
                            ? refs.get(s.substring(1)) : v);
                    if (e.getKey().equalsIgnoreCase("User")) {
                        userDefaults(r);
                    }
                    String id = saver.create(e.getKey(), r, system).id();
                    if (ref != null) {
                        refs.put(ref, id);
                    }
                }
            }
            return refs;
        } catch (ApiException e) {
            org.store().rollback(tx);
            throw new IllegalArgumentException("records: " + e.getMessage(), e);
        } finally {
            org.store().lock().unlock();
        }
    }

    /**
     * The definition's records by object, each object after the objects it references: Users and
     * queues first, then Accounts, Contacts, Leads, Tasks and custom objects (that order also breaks
     * a cycle).
     */
    private List<Map.Entry<String, List<Map<String, Object>>>> parentsFirst(
            Map<String, List<Map<String, Object>>> records) {
        List<String> standard = List.of("user", "group", "account", "contact", "lead", "task");
        List<Map.Entry<String, List<Map<String, Object>>>> pending = new ArrayList<>(records.entrySet());
        for (Map.Entry<String, List<Map<String, Object>>> e : pending) {
            if (emulator.org().schema().object(e.getKey()) == null) {
                throw new IllegalArgumentException("records." + e.getKey() + ": unknown object '" + e.getKey() + "'");
            }
        }
        pending.sort(java.util.Comparator.comparingInt(e -> {
            int i = standard.indexOf(e.getKey().toLowerCase(Locale.ROOT));
            return i < 0 ? standard.size() : i;
        }));
        List<Map.Entry<String, List<Map<String, Object>>>> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            Map.Entry<String, List<Map<String, Object>>> next = pending.get(0);
            for (Map.Entry<String, List<Map<String, Object>>> candidate : pending) {
                if (pending.stream().noneMatch(other -> other != candidate
                        && references(candidate.getKey(), other.getKey()))) {
                    next = candidate;
                    break;
                }
            }
            out.add(next);
            pending.remove(next);
        }
        return out;
    }

    /** Whether a record of the child object can point at one of the parent (audit fields aside). */
    private boolean references(String child, String parent) {
        SObjectDef childDef = emulator.org().schema().object(child);
        String parentName = emulator.org().schema().object(parent).name();
        for (FieldDef f : childDef.fields()) {
            if (f.type().equals("reference") && f.referenceTo().contains(parentName)
                    && !f.name().equals("CreatedById") && !f.name().equals("LastModifiedById")) {
                return true;
            }
        }
        return false;
    }

    private static void userDefaults(Map<String, Object> r) {
        Object email = r.get("Email");
        r.putIfAbsent("Username", email);
        r.putIfAbsent("IsActive", true);
        r.putIfAbsent("UserType", "Standard");
        Object last = r.getOrDefault("LastName", "User");
        r.putIfAbsent("LastName", last);
        String alias = (String.valueOf(r.getOrDefault("FirstName", "")) + last).replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
        r.putIfAbsent("Alias", alias.substring(0, Math.min(8, Math.max(1, alias.length()))));
    }
}
