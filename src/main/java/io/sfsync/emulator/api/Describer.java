package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;

/** Renders describeGlobal and describe results in the shape and with the keys Salesforce uses. */
final class Describer {
    private final OrgSchema schema;

    Describer(OrgSchema schema) {
        this.schema = schema;
    }

    Map<String, Object> describeGlobal(String version) {
        List<Map<String, Object>> sobjects = new ArrayList<>();
        for (SObjectDef def : schema.objects()) {
            sobjects.add(objectSummary(def, version));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encoding", "UTF-8");
        out.put("maxBatchSize", 200);
        out.put("sobjects", sobjects);
        return out;
    }

    Map<String, Object> basicInfo(SObjectDef def, String version) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objectDescribe", objectSummary(def, version));
        out.put("recentItems", List.of());
        return out;
    }

    Map<String, Object> describe(SObjectDef def, String version) {
        Map<String, Object> out = objectSummary(def, version);
        out.put("actionOverrides", List.of());
        out.put("childRelationships", childRelationships(def));
        out.put("compactLayoutable", true);
        out.put("defaultImplementation", null);
        out.put("extendedBy", null);
        out.put("extendsInterfaces", null);
        List<Map<String, Object>> fields = new ArrayList<>();
        for (FieldDef f : def.fields()) {
            fields.add(field(def, f));
        }
        out.put("fields", fields);
        out.put("implementedBy", null);
        out.put("implementsInterfaces", null);
        out.put("isInterface", false);
        out.put("listviewable", null);
        out.put("lookupLayoutable", null);
        out.put("namedLayoutInfos", List.of());
        out.put("networkScopeFieldName", null);
        out.put("recordTypeInfos", List.of());
        out.put("searchLayoutable", true);
        out.put("sobjectDescribeOption", "FULL");
        out.put("supportedScopes", List.of(Map.of("label", "All " + def.labelPlural().toLowerCase(), "name", "everything")));
        return out;
    }

    private Map<String, Object> objectSummary(SObjectDef def, String version) {
        String base = "/services/data/v" + version + "/sobjects/" + def.name();
        boolean system = def.name().equals("User") || def.name().equals("Group");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("activateable", false);
        o.put("associateEntityType", null);
        o.put("associateParentEntity", null);
        o.put("createable", def.createable());
        o.put("custom", def.custom());
        o.put("customSetting", false);
        o.put("deepCloneable", false);
        o.put("deletable", !system);
        o.put("deprecatedAndHidden", false);
        o.put("feedEnabled", !system && !def.custom());
        o.put("hasSubtypes", false);
        o.put("isSubtype", false);
        o.put("keyPrefix", def.keyPrefix());
        o.put("label", def.label());
        o.put("labelPlural", def.labelPlural());
        o.put("layoutable", true);
        o.put("mergeable", def.name().equals("Lead") || def.name().equals("Contact") || def.name().equals("Account"));
        o.put("mruEnabled", true);
        o.put("name", def.name());
        o.put("queryable", true);
        o.put("replicateable", true);
        o.put("retrieveable", true);
        o.put("searchable", true);
        o.put("triggerable", true);
        o.put("undeletable", !system);
        o.put("updateable", true);
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put("rowTemplate", base + "/{ID}");
        urls.put("defaultValues", base + "/defaultValues?recordTypeId&fields");
        urls.put("describe", base + "/describe");
        urls.put("sobject", base);
        o.put("urls", urls);
        return o;
    }

    private List<Map<String, Object>> childRelationships(SObjectDef parent) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OrgSchema.ChildRelationship c : schema.childRelationships(parent.name())) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("cascadeDelete", false);
            r.put("childSObject", c.child().name());
            r.put("deprecatedAndHidden", false);
            r.put("field", c.field().name());
            r.put("junctionIdListNames", List.of());
            r.put("junctionReferenceTo", List.of());
            r.put("relationshipName", c.name());
            r.put("restrictedDelete", false);
            out.add(r);
        }
        return out;
    }

    /** The compound field a field is part of: Name for a person's names, BillingAddress for BillingCity …; or null. */
    private static String compoundOf(SObjectDef def, FieldDef f) {
        if ((f.name().equals("FirstName") || f.name().equals("LastName")) && def.field("Name") != null
                && def.field("Name").calculated()) {
            return "Name";
        }
        for (String part : FieldDef.ADDRESS_PARTS) {
            if (f.name().endsWith(part)) {
                String compound = f.name().substring(0, f.name().length() - part.length()) + "Address";
                FieldDef c = def.field(compound);
                return c != null && c.type().equals("address") ? c.name() : null;
            }
        }
        return null;
    }

    private static Map<String, Object> field(SObjectDef def, FieldDef f) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean text = f.isText();
        m.put("aggregatable", !f.type().equals("textarea") || f.length() <= 255);
        m.put("autoNumber", f.autoNumber());
        m.put("byteLength", text || f.type().equals("id") || f.type().equals("reference") ? f.length() * 3 : 0);
        m.put("calculated", f.calculated());
        m.put("calculatedFormula", null);
        m.put("cascadeDelete", false);
        m.put("caseSensitive", false);
        m.put("compoundFieldName", compoundOf(def, f));
        m.put("controllerName", null);
        m.put("createable", f.createable());
        m.put("custom", f.custom());
        m.put("defaultValue", f.type().equals("boolean") ? Boolean.valueOf(Boolean.parseBoolean(f.defaultValue())) : null);
        m.put("defaultValueFormula", null);
        m.put("defaultedOnCreate", f.defaultedOnCreate());
        m.put("dependentPicklist", false);
        m.put("deprecatedAndHidden", false);
        m.put("digits", f.type().equals("int") ? 9 : 0);
        m.put("displayLocationInDecimal", false);
        m.put("encrypted", false);
        m.put("externalId", f.externalId());
        m.put("extraTypeInfo", f.type().equals("textarea") ? (f.length() > 255 ? "plaintextarea" : null) : null);
        boolean compound = f.type().equals("address");
        m.put("filterable", !compound && (!f.type().equals("textarea") || f.length() <= 255));
        m.put("filteredLookupInfo", null);
        m.put("groupable", !compound && !f.type().equals("double") && !f.type().equals("currency")
                && !f.type().equals("datetime"));
        m.put("highScaleNumber", false);
        m.put("htmlFormatted", false);
        m.put("idLookup", f.name().equals("Id") || f.externalId() || f.autoNumber() || f.type().equals("email"));
        m.put("inlineHelpText", null);
        m.put("label", f.label());
        m.put("length", text ? f.length() : f.type().equals("id") || f.type().equals("reference") ? 18 : 0);
        m.put("mask", null);
        m.put("maskType", null);
        m.put("name", f.name());
        // an object without a Name names its records by number (Case's CaseNumber)
        m.put("nameField", f.name().equals("Name") || def.field("Name") == null && f.autoNumber());
        m.put("namePointing", f.referenceTo().size() > 1);
        m.put("nillable", f.nillable());
        m.put("permissionable", f.nillable() && !f.calculated() && f.createable());
        List<Map<String, Object>> picklist = new ArrayList<>();
        for (String v : f.picklistValues()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("active", true);
            p.put("defaultValue", v.equals(f.defaultValue()));
            p.put("label", v);
            p.put("validFor", null);
            p.put("value", v);
            picklist.add(p);
        }
        m.put("picklistValues", picklist);
        m.put("polymorphicForeignKey", f.referenceTo().size() > 1);
        m.put("precision", f.type().equals("currency") || f.type().equals("double") ? 18 : 0);
        m.put("queryByDistance", false);
        m.put("referenceTargetField", null);
        m.put("referenceTo", f.referenceTo());
        m.put("relationshipName", f.relationshipName());
        m.put("relationshipOrder", null);
        m.put("restrictedDelete", false);
        m.put("restrictedPicklist", f.restrictedPicklist());
        m.put("scale", f.type().equals("currency") || f.type().equals("double") ? 2 : 0);
        m.put("searchPrefilterable", f.type().equals("reference"));
        m.put("soapType", f.soapType());
        m.put("sortable", !compound && (!f.type().equals("textarea") || f.length() <= 255));
        m.put("type", f.type());
        m.put("unique", f.unique());
        m.put("updateable", f.updateable());
        m.put("writeRequiresMasterRead", false);
        return m;
    }
}
