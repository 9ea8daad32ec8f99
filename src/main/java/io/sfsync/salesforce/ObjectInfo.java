package io.sfsync.salesforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** An sObject's describe, reduced to its fields and looked up case-insensitively. */
public final class ObjectInfo {
    private final String name;
    private final Map<String, FieldInfo> fields = new LinkedHashMap<>();
    /** The same fields under their describe names: the hot path (names as configured) skips lower-casing. */
    private final Map<String, FieldInfo> exact = new java.util.HashMap<>();

    public ObjectInfo(String name, Collection<FieldInfo> fields) {
        this.name = name;
        fields.forEach(f -> {
            this.fields.put(f.name().toLowerCase(Locale.ROOT), f);
            exact.put(f.name(), f);
        });
    }

    /** Reads a describe response ({@code GET /sobjects/X/describe}). */
    public static ObjectInfo fromDescribe(JsonNode describe) {
        List<FieldInfo> fields = new ArrayList<>();
        for (JsonNode f : describe.path("fields")) {
            List<String> values = new ArrayList<>();
            for (JsonNode p : f.path("picklistValues")) {
                if (p.path("active").asBoolean(true)) {
                    values.add(p.path("value").asText());
                }
            }
            fields.add(new FieldInfo(f.path("name").asText(), f.path("type").asText(), f.path("length").asInt(),
                    f.path("createable").asBoolean(), f.path("updateable").asBoolean(), f.path("nillable").asBoolean(),
                    f.path("defaultedOnCreate").asBoolean(), values, f.path("restrictedPicklist").asBoolean()));
        }
        return new ObjectInfo(describe.path("name").asText(), fields);
    }

    /** This describe as kept between runs: the object's name and its fields, as {@link #fromJson} reads them. */
    public String toJson(com.fasterxml.jackson.databind.ObjectMapper json) {
        com.fasterxml.jackson.databind.node.ObjectNode node = json.createObjectNode().put("name", name);
        com.fasterxml.jackson.databind.node.ArrayNode list = node.putArray("fields");
        for (FieldInfo f : fields.values()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = list.addObject().put("name", f.name()).put("type", f.type())
                    .put("length", f.length()).put("createable", f.createable()).put("updateable", f.updateable())
                    .put("nillable", f.nillable()).put("defaultedOnCreate", f.defaultedOnCreate())
                    .put("restrictedPicklist", f.restrictedPicklist());
            f.picklistValues().forEach(o.putArray("picklistValues")::add);
        }
        return node.toString();
    }

    /** Reads what {@link #toJson} wrote; null when it cannot be read (then the object is described again). */
    public static ObjectInfo fromJson(com.fasterxml.jackson.databind.ObjectMapper json, String text) {
        try {
            JsonNode node = json.readTree(text);
            List<FieldInfo> fields = new ArrayList<>();
            for (JsonNode f : node.path("fields")) {
                List<String> values = new ArrayList<>();
                f.path("picklistValues").forEach(v -> values.add(v.asText()));
                fields.add(new FieldInfo(f.path("name").asText(), f.path("type").asText(), f.path("length").asInt(),
                        f.path("createable").asBoolean(), f.path("updateable").asBoolean(), f.path("nillable").asBoolean(),
                        f.path("defaultedOnCreate").asBoolean(), values, f.path("restrictedPicklist").asBoolean()));
            }
            return node.path("name").isTextual() && !fields.isEmpty() ? new ObjectInfo(node.path("name").asText(), fields) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Same name and the same fields with the same types and flags. */
    public boolean sameAs(ObjectInfo other) {
        return other != null && name.equals(other.name) && List.copyOf(fields.values()).equals(List.copyOf(other.fields.values()));
    }

    public String name() {
        return name;
    }

    public FieldInfo field(String field) {
        FieldInfo f = exact.get(field);
        return f != null ? f : fields.get(field.toLowerCase(Locale.ROOT));
    }

    public Collection<FieldInfo> fields() {
        return fields.values();
    }
}
