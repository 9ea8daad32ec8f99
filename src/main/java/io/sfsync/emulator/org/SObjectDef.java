package io.sfsync.emulator.org;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An sObject type: its key prefix and its fields, looked up case-insensitively as Salesforce does. */
public final class SObjectDef {
    private final String name;
    private final String label;
    private final String labelPlural;
    private final String keyPrefix;
    private final boolean createable;
    private final Map<String, FieldDef> fields = new LinkedHashMap<>();

    public SObjectDef(String name, String label, String labelPlural, String keyPrefix, boolean createable) {
        this.name = name;
        this.label = label;
        this.labelPlural = labelPlural;
        this.keyPrefix = keyPrefix;
        this.createable = createable;
    }

    public String name() { return name; }
    public String label() { return label; }
    public String labelPlural() { return labelPlural; }
    public String keyPrefix() { return keyPrefix; }
    public boolean createable() { return createable; }
    public boolean custom() { return name.endsWith("__c"); }

    public synchronized void put(FieldDef field) {
        fields.put(field.name().toLowerCase(Locale.ROOT), field);
    }

    public synchronized FieldDef field(String fieldName) {
        return fieldName == null ? null : fields.get(fieldName.toLowerCase(Locale.ROOT));
    }

    public synchronized Collection<FieldDef> fields() {
        return java.util.List.copyOf(fields.values());
    }

    /** The reference field behind a relationship name such as Owner (OwnerId) or Account (AccountId). */
    public synchronized FieldDef relationship(String relationshipName) {
        for (FieldDef f : fields.values()) {
            if (f.relationshipName() != null && f.relationshipName().equalsIgnoreCase(relationshipName)) {
                return f;
            }
        }
        return null;
    }
}
