package io.sfsync.emulator.org;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Salesforce's standard fields beyond the ones the emulator's rules depend on, and the standard objects
 * sfsync does not use itself, read from {@code standard-fields.yaml} beside this class: describe, SOQL,
 * the REST and Bulk APIs then know them as Salesforce does. A field already defined is left as it is.
 */
final class StandardFields {
    private static final String RESOURCE = "/io/sfsync/emulator/standard-fields.yaml";

    private StandardFields() {
    }

    static void addTo(OrgSchema schema) {
        JsonNode root = read();
        root.path("objects").fields().forEachRemaining(e -> {
            JsonNode o = e.getValue();
            SObjectDef def = new SObjectDef(e.getKey(), o.path("label").asText(e.getKey()),
                    o.path("labelPlural").asText(e.getKey() + "s"), o.path("keyPrefix").asText(), true);
            OrgSchema.system(def);
            schema.add(def);
        });
        root.path("fields").fields().forEachRemaining(e -> {
            SObjectDef def = schema.object(e.getKey());
            if (def == null) {
                throw new IllegalStateException(RESOURCE + ": fields." + e.getKey() + ": no such object");
            }
            int i = 0;
            for (JsonNode f : e.getValue()) {
                String name = f.path("name").asText(null);
                if (name == null) {
                    throw new IllegalStateException(RESOURCE + ": fields." + e.getKey() + "[" + i + "]: a field needs a name");
                }
                if (def.field(name) == null) {
                    def.put(field(f));
                }
                i++;
            }
        });
    }

    private static FieldDef field(JsonNode f) {
        String type = f.path("type").asText("string");
        boolean autoNumber = type.equals("autonumber");
        FieldDef.Builder b = FieldDef.builder(f.path("name").asText(), autoNumber ? "string" : type);
        if (f.has("label")) {
            b.label(f.get("label").asText());
        }
        if (f.has("length")) {
            b.length(f.get("length").asInt());
        }
        if (f.has("values")) {
            List<String> values = new java.util.ArrayList<>();
            f.get("values").forEach(v -> values.add(v.asText()));
            b.picklist(values, f.path("restricted").asBoolean(false));
        }
        if (f.has("default")) {
            b.defaultValue(f.get("default").asText());
        }
        if (f.path("required").asBoolean(false)) {
            b.required();
        }
        if (f.path("defaultedOnCreate").asBoolean(false)) {
            b.defaultedOnCreate();
        }
        if (f.path("readOnly").asBoolean(false)) {
            b.readOnly();
        }
        if (f.path("createOnly").asBoolean(false)) {
            b.updateable(false);
        }
        if (f.path("calculated").asBoolean(false)) {
            b.calculated();
        }
        if (f.has("referenceTo")) {
            JsonNode to = f.get("referenceTo");
            String[] targets = to.isArray() ? toArray(to) : new String[] {to.asText()};
            b.references(f.path("relationshipName").asText(null), targets);
            if (f.has("childRelationshipName")) {
                b.childRelationship(f.get("childRelationshipName").asText());
            }
        }
        if (autoNumber) {
            b.autoNumber(f.path("displayFormat").asText("{0}"));
        }
        return b.build();
    }

    private static String[] toArray(JsonNode array) {
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asText();
        }
        return out;
    }

    private static JsonNode read() {
        try (InputStream in = StandardFields.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
