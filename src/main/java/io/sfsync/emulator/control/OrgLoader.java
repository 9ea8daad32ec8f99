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
 * Applies an org definition (YAML or JSON): custom fields and picklists, duplicate-rule modes and
 * records. Records may carry {@code _ref: name}; a later string value {@code "@name"} becomes that
 * record's Id, so a file can seed Accounts and the Contacts under them.
 *
 * <pre>
 * fields:
 *   - {object: Lead, name: Region__c, type: picklist, values: [EMEA, AMER], restricted: true}
 *   - {object: Lead, name: Lead.Status, values: [New, Working], restricted: true}   # replace a picklist
 * duplicateRules: {Lead: alert, Contact: block}                                     # alert | block | off
 * records:
 *   User:    [{_ref: ana, Email: ana@example.com, FirstName: Ana, LastName: Silva}]
 *   Account: [{_ref: acme, Name: Acme, Website: acme.com, OwnerId: "@ana"}]
 *   Contact: [{LastName: Doe, Email: jo@acme.com, AccountId: "@acme"}]
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
        for (Map<String, Object> f : (List<Map<String, Object>>) definition.getOrDefault("fields", List.of())) {
            addField(f);
        }
        Map<String, Object> rules = (Map<String, Object>) definition.get("duplicateRules");
        if (rules != null) {
            duplicateRules(rules);
        }
        return seed((Map<String, List<Map<String, Object>>>) definition.getOrDefault("records", Map.of()));
    }

    /** Adds or replaces a field; a field that exists keeps its other properties. */
    @SuppressWarnings("unchecked")
    public FieldDef addField(Map<String, Object> spec) {
        String objectName = (String) spec.get("object");
        SObjectDef def = emulator.org().schema().object(objectName);
        if (def == null) {
            throw new IllegalArgumentException("fields: unknown object '" + objectName + "'");
        }
        String name = (String) spec.get("name");
        FieldDef existing = def.field(name);
        String type = (String) spec.getOrDefault("type", existing == null ? "string" : existing.type());
        FieldDef.Builder b = existing != null ? existing.toBuilder() : FieldDef.builder(name, type);
        if (existing != null && spec.containsKey("type") && !type.equals(existing.type())) {
            b = FieldDef.builder(existing.name(), type);
        }
        if (spec.get("label") != null) {
            b.label((String) spec.get("label"));
        }
        if (spec.get("length") != null) {
            b.length(((Number) spec.get("length")).intValue());
        }
        if (spec.get("values") != null) {
            b.picklist((List<String>) spec.get("values"), Boolean.TRUE.equals(spec.get("restricted")));
        }
        if (spec.get("default") != null) {
            b.defaultValue(spec.get("default").toString());
        }
        if (Boolean.TRUE.equals(spec.get("required"))) {
            b.required();
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
        if (spec.get("referenceTo") != null) {
            String rel = name.endsWith("__c") ? name.substring(0, name.length() - 1) + "r" : name.replaceAll("Id$", "");
            b.references(rel, ((List<String>) spec.get("referenceTo")).toArray(String[]::new));
        }
        FieldDef field = b.build();
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
            List<Map.Entry<String, List<Map<String, Object>>>> ordered = new ArrayList<>(records.entrySet());
            List<String> parentsFirst = List.of("user", "group", "account", "contact", "lead", "task");
            ordered.sort(java.util.Comparator.comparingInt(e -> {
                int i = parentsFirst.indexOf(e.getKey().toLowerCase(Locale.ROOT));
                return i < 0 ? parentsFirst.size() : i;
            }));
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
