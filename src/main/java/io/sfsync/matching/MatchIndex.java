package io.sfsync.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Salesforce records one batch's lookup returned, indexed by Id, external ID and email per
 * object, so every row's match is found in memory.
 */
public final class MatchIndex {
    private final Map<String, Map<String, Map<String, Object>>> byId = new HashMap<>();
    private final Map<String, Map<String, List<Map<String, Object>>>> byExternalId = new HashMap<>();
    private final Map<String, Map<String, List<Map<String, Object>>>> byEmail = new HashMap<>();
    private final String externalIdField;

    public MatchIndex(String externalIdField) {
        this.externalIdField = externalIdField;
    }

    /** Adds query result records of an object (JSON records with attributes). */
    public void add(String object, JsonNode records) {
        for (JsonNode r : records) {
            Map<String, Object> rec = new LinkedHashMap<>();
            r.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("attributes")) {
                    JsonNode v = e.getValue();
                    rec.put(e.getKey(), v.isNull() ? null : v.isBoolean() ? v.asBoolean() : v.isNumber()
                            ? v.numberValue() : v.isTextual() ? v.asText() : v.toString());
                }
            });
            add(object, rec);
        }
    }

    public void add(String object, Map<String, Object> rec) {
        String id = (String) rec.get("Id");
        if (byId.computeIfAbsent(object, k -> new LinkedHashMap<>()).put(id, rec) != null) {
            return; // found twice (by email and by external ID): index it once
        }
        Object ext = externalIdField == null ? null : rec.get(externalIdField);
        if (ext != null) {
            byExternalId.computeIfAbsent(object, k -> new HashMap<>())
                    .computeIfAbsent(ext.toString().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(rec);
        }
        Object email = rec.get("Email");
        if (email != null) {
            byEmail.computeIfAbsent(object, k -> new HashMap<>())
                    .computeIfAbsent(email.toString().trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(rec);
        }
    }

    public Map<String, Object> byId(String object, String id) {
        return byId.getOrDefault(object, Map.of()).get(id);
    }

    public List<Map<String, Object>> byExternalId(String object, String value) {
        return value == null ? List.of()
                : byExternalId.getOrDefault(object, Map.of()).getOrDefault(value.toLowerCase(Locale.ROOT), List.of());
    }

    public List<Map<String, Object>> byEmail(String object, String email) {
        return email == null ? List.of() : byEmail.getOrDefault(object, Map.of()).getOrDefault(email, List.of());
    }

    public List<Map<String, Object>> all(String object) {
        return new ArrayList<>(byId.getOrDefault(object, Map.of()).values());
    }
}
