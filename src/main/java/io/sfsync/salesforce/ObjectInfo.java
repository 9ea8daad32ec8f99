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
