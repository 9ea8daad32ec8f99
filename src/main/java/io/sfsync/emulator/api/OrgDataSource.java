package io.sfsync.emulator.api;

import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.org.SalesforceIds;
import io.sfsync.emulator.soql.OrderedIndex;
import io.sfsync.emulator.soql.SoqlDataSource;

/** The org as the SOQL engine sees it. */
final class OrgDataSource implements SoqlDataSource {
    private final EmulatedOrg org;
    private final String apiVersion;

    OrgDataSource(EmulatedOrg org, String apiVersion) {
        this.org = org;
        this.apiVersion = apiVersion;
    }

    @Override
    public String resolveObject(String name) {
        SObjectDef def = org.schema().object(name);
        return def == null ? null : def.name();
    }

    @Override
    public String resolveField(String object, String field) {
        FieldDef f = org.schema().object(object).field(field);
        return f == null ? null : f.name();
    }

    @Override
    public String fieldType(String object, String field) {
        FieldDef f = org.schema().object(object).field(field);
        return f == null ? null : f.type();
    }

    @Override
    public String relationshipField(String object, String relationshipName) {
        FieldDef f = org.schema().object(object).relationship(relationshipName);
        return f == null ? null : f.name();
    }

    @Override
    public List<String> referenceTo(String object, String referenceField) {
        FieldDef f = org.schema().object(object).field(referenceField);
        return f == null ? List.of() : f.referenceTo();
    }

    @Override
    public String relationshipName(String object, String referenceField) {
        FieldDef f = org.schema().object(object).field(referenceField);
        return f == null || f.relationshipName() == null
                ? SoqlDataSource.super.relationshipName(object, referenceField) : f.relationshipName();
    }

    @Override
    public ChildRelationship childRelationship(String parentObject, String relationshipName) {
        OrgSchema.ChildRelationship r = org.schema().childRelationship(parentObject, relationshipName);
        return r == null ? null : new ChildRelationship(r.name(), r.child().name(), r.field().name());
    }

    @Override
    public List<Map<String, Object>> records(String object, boolean includeDeleted) {
        return org.store().list(object, includeDeleted);
    }

    @Override
    public List<Map<String, Object>> lookup(String object, String field, java.util.Collection<String> values) {
        FieldDef f = org.schema().object(object).field(field);
        if (f == null) {
            return null;
        }
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        if (f.name().equals("Id")) {
            for (String v : values) {
                String id = SalesforceIds.normalize(v);
                Map<String, Object> r = id == null ? null : org.store().get(id);
                if (r != null && object.equals(org.store().objectOf(id)) && !Boolean.TRUE.equals(r.get("IsDeleted"))) {
                    out.add(r);
                }
            }
            return out;
        }
        if (!(f.externalId() || f.unique() || f.type().equals("email"))) {
            return null;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v : values) {
            for (String id : org.store().find(object, f.name(), v)) {
                if (seen.add(id)) {
                    out.add(org.store().get(id));
                }
            }
        }
        return out;
    }

    @Override
    public java.util.Iterator<Map<String, Object>> ordered(String object, String field, OrderedIndex.Range range,
            boolean valueDescending, boolean idDescending, boolean includeDeleted) {
        return org.store().ordered(object, field, range, valueDescending, idDescending, includeDeleted);
    }

    @Override
    public Map<String, Object> findById(String id) {
        String normalized = SalesforceIds.normalize(id);
        return normalized == null ? null : org.store().get(normalized);
    }

    @Override
    public String objectOfId(String id) {
        String normalized = SalesforceIds.normalize(id);
        return normalized == null ? null : org.store().objectOf(normalized);
    }

    @Override
    public String apiVersion() {
        return apiVersion;
    }
}
