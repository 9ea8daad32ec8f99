package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;

/**
 * What an org's page layouts and list views say of an object, as a client reads them: describe layouts
 * ({@code /sobjects/{type}/describe/layouts}, named layouts, compact and approval layouts) and list views
 * ({@code /sobjects/{type}/listviews}, each one's describe and results). The emulator has no layout editor:
 * each object has the one layout a new org gives it — its fields in a two-column "Information" section, a
 * related list per child relationship — the system compact layout (the name field), no approval layouts, and
 * two list views, "All" and "Recently Viewed", over its name field.
 */
final class LayoutsResource {
    private static final String ALL = "All";
    private static final String RECENT = "RecentlyViewed";

    private final EmulatedOrg org;
    private final QueryResource query;

    LayoutsResource(EmulatedOrg org, QueryResource query) {
        this.org = org;
        this.query = query;
    }

    /** /sobjects/{type}/describe/layouts[/…], describe/namedLayouts/{name}, describe/compactLayouts, describe/approvalLayouts. */
    ApiResponse describe(SObjectDef def, String[] rest) {
        String kind = rest[0];
        return switch (kind) {
            case "layouts", "namedLayouts" -> ApiResponse.json(200, layouts(def));
            case "compactLayouts" -> ApiResponse.json(200, compactLayouts(def));
            case "approvalLayouts" -> ApiResponse.json(200, Map.of("approvalLayouts", List.of()));
            default -> throw ApiException.notFound();
        };
    }

    /** /sobjects/{type}/listviews[/{id}[/describe|/results]]. */
    ApiResponse listViews(SObjectDef def, String[] rest, String version) {
        if (rest.length == 0) {
            List<Map<String, Object>> views = new ArrayList<>();
            for (String name : List.of(ALL, RECENT)) {
                views.add(listView(def, name, version));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("done", true);
            out.put("listviews", views);
            out.put("nextRecordsUrl", null);
            out.put("size", views.size());
            out.put("sobjectType", def.name());
            return ApiResponse.json(200, out);
        }
        String name = nameOf(def, rest[0]);
        if (rest.length == 1) {
            return ApiResponse.json(200, listView(def, name, version));
        }
        return switch (rest[1]) {
            case "describe" -> ApiResponse.json(200, describeListView(def, name));
            case "results" -> ApiResponse.json(200, results(def, name, version));
            default -> throw ApiException.notFound();
        };
    }

    /** The SOQL of a list view by its Id (for {@code ?explain=} of a list view), or null when it is not one. */
    static String listViewQuery(EmulatedOrg org, String id) {
        for (SObjectDef def : org.schema().objects()) {
            for (String name : List.of(ALL, RECENT)) {
                if (listViewId(org, def, name).equals(id)) {
                    return soql(def, name);
                }
            }
        }
        return null;
    }

    private Map<String, Object> layouts(SObjectDef def) {
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("buttonLayoutSection", Map.of("detailButtons", List.of(button("Edit"), button("Delete"))));
        layout.put("detailLayoutSections", List.of(section(def, false)));
        layout.put("editLayoutSections", List.of(section(def, true)));
        layout.put("feedView", null);
        layout.put("highlightsPanelLayoutSection", null);
        layout.put("id", org.ids().fixed("00h", def.keyPrefix()));
        layout.put("multirowEditLayoutSections", List.of());
        layout.put("offlineLinks", List.of());
        layout.put("quickActionList", Map.of("quickActionListItems", List.of()));
        layout.put("relatedContent", null);
        layout.put("relatedLists", relatedLists(def));
        layout.put("saveOptions", List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layouts", List.of(layout));
        out.put("recordTypeMappings", List.of());
        out.put("recordTypeSelectorRequired", List.of(false));
        return out;
    }

    private static Map<String, Object> button(String name) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("behavior", null);
        b.put("colors", null);
        b.put("content", null);
        b.put("custom", false);
        b.put("encoding", null);
        b.put("height", null);
        b.put("icons", null);
        b.put("label", name);
        b.put("menubar", false);
        b.put("name", name);
        b.put("overridden", false);
        b.put("resizeable", false);
        b.put("scrollbars", false);
        b.put("showsLocation", false);
        b.put("showsStatus", false);
        b.put("toolbar", false);
        b.put("url", null);
        b.put("width", null);
        b.put("windowPosition", null);
        return b;
    }

    /** The "Information" section: the object's fields two a row (the editable ones when editing). */
    private static Map<String, Object> section(SObjectDef def, boolean edit) {
        List<FieldDef> fields = new ArrayList<>();
        for (FieldDef f : def.fields()) {
            if (!f.name().equals("Id") && !f.name().equals("IsDeleted") && (!edit || f.createable() || f.updateable())) {
                fields.add(f);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < fields.size(); i += 2) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (FieldDef f : fields.subList(i, Math.min(i + 2, fields.size()))) {
                items.add(item(f, items.size() + 1, edit && f.createable(), edit && f.updateable(),
                        !f.nillable() && f.createable() && !f.defaultedOnCreate()));
            }
            rows.add(Map.of("layoutItems", items, "numItems", items.size()));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("collapsed", false);
        s.put("columns", 2);
        s.put("heading", "Information");
        s.put("layoutRows", rows);
        s.put("layoutSectionId", null);
        s.put("parentLayoutId", null);
        s.put("rows", rows.size());
        s.put("tabOrder", "TopToBottom");
        s.put("useCollapsibleSection", false);
        s.put("useHeading", false);
        return s;
    }

    /** A layout item showing one field. */
    private static Map<String, Object> item(FieldDef f, int tabOrder, boolean editableForNew, boolean editableForUpdate,
            boolean required) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("displayLines", 1);
        component.put("tabOrder", tabOrder);
        component.put("type", "Field");
        component.put("value", f.name());
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("editableForNew", editableForNew);
        item.put("editableForUpdate", editableForUpdate);
        item.put("label", f.label());
        item.put("layoutComponents", List.of(component));
        item.put("placeholder", false);
        item.put("required", required);
        return item;
    }

    private List<Map<String, Object>> relatedLists(SObjectDef def) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OrgSchema.ChildRelationship r : org.schema().childRelationships(def.name())) {
            if (r.name() == null) {
                continue;
            }
            SObjectDef child = r.child();
            FieldDef name = nameField(child);
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("field", child.name() + "." + name.name());
            column.put("fieldApiName", name.name());
            column.put("format", null);
            column.put("label", name.label());
            column.put("lookupId", null);
            column.put("name", name.name());
            column.put("sortable", true);
            Map<String, Object> list = new LinkedHashMap<>();
            list.put("buttons", List.of());
            list.put("columns", List.of(column));
            list.put("custom", child.custom());
            list.put("field", r.field().name());
            list.put("label", child.labelPlural());
            list.put("limitRows", 5);
            list.put("name", r.name());
            list.put("sobject", child.name());
            list.put("sort", List.of());
            out.add(list);
        }
        return out;
    }

    private Map<String, Object> compactLayouts(SObjectDef def) {
        FieldDef name = nameField(def);
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("actions", List.of());
        layout.put("fieldItems", List.of(item(name, 1, name.createable(), name.updateable(), false)));
        layout.put("id", null);
        layout.put("imageItems", List.of());
        layout.put("label", "System Default");
        layout.put("name", "SYSTEM");
        layout.put("objectType", def.name());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("compactLayouts", List.of(layout));
        out.put("defaultCompactLayoutId", null);
        out.put("recordTypeCompactLayoutMappings", List.of());
        return out;
    }

    private Map<String, Object> listView(SObjectDef def, String name, String version) {
        String id = listViewId(def, name);
        String base = "/services/data/v" + version + "/sobjects/" + def.name() + "/listviews/" + id;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("describeUrl", base + "/describe");
        v.put("developerName", name);
        v.put("id", id);
        v.put("label", name.equals(ALL) ? "All " + def.labelPlural() : "Recently Viewed " + def.labelPlural());
        v.put("resultsUrl", base + "/results");
        v.put("soqlCompatible", true);
        v.put("url", base);
        return v;
    }

    private Map<String, Object> describeListView(SObjectDef def, String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", columns(def));
        out.put("id", listViewId(def, name));
        out.put("orderBy", List.of(byLastViewed(def, name)
                ? Map.of("fieldNameOrPath", "LastViewedDate", "nullsPosition", "last", "sortDirection", "descending")
                : Map.of("fieldNameOrPath", nameField(def).name(), "nullsPosition", "first", "sortDirection", "ascending")));
        out.put("query", soql(def, name));
        out.put("scope", name.equals(ALL) ? "everything" : "mru");
        out.put("sobjectType", def.name());
        out.put("whereCondition", Map.of("conditions", List.of(), "conjunction", "and"));
        return out;
    }

    private Map<String, Object> results(SObjectDef def, String name, String version) {
        Map<String, Object> page = query.query(soql(def, name), false, QueryResource.MAX_PAGE, version, "query");
        List<Map<String, Object>> rows = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) page.get("records");
        for (Map<String, Object> r : records) {
            List<Map<String, Object>> cells = new ArrayList<>();
            for (String f : List.of(nameField(def).name(), "Id")) {
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("fieldNameOrPath", f);
                cell.put("value", r.get(f));
                cells.add(cell);
            }
            rows.add(Map.of("columns", cells));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", columns(def));
        out.put("developerName", name);
        out.put("done", true);
        out.put("id", listViewId(def, name));
        out.put("label", listView(def, name, version).get("label"));
        out.put("records", rows);
        out.put("size", rows.size());
        return out;
    }

    private static List<Map<String, Object>> columns(SObjectDef def) {
        FieldDef name = nameField(def);
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(column(name.name(), name.label(), 0, true, false));
        out.add(column("Id", def.field("Id").label(), null, false, true));
        return out;
    }

    private static Map<String, Object> column(String field, String label, Integer sortIndex, boolean sortable,
            boolean hidden) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ascendingLabel", "A-Z");
        c.put("descendingLabel", "Z-A");
        c.put("fieldNameOrPath", field);
        c.put("hidden", hidden);
        c.put("label", label);
        c.put("searchable", !hidden);
        c.put("selectListItem", field);
        c.put("sortDirection", sortIndex == null ? null : "ascending");
        c.put("sortIndex", sortIndex);
        c.put("sortable", sortable);
        c.put("type", field.equals("Id") ? "id" : "string");
        return c;
    }

    private static String soql(SObjectDef def, String name) {
        String field = nameField(def).name();
        return "SELECT " + field + ", Id FROM " + def.name() + (byLastViewed(def, name) ? " WHERE LastViewedDate != null"
                + " ORDER BY LastViewedDate DESC, Id ASC" : " ORDER BY " + field + " ASC NULLS FIRST, Id ASC");
    }

    /** Whether the list view is Recently Viewed on an object that keeps LastViewedDate (others list all). */
    private static boolean byLastViewed(SObjectDef def, String name) {
        return name.equals(RECENT) && def.field("LastViewedDate") != null;
    }

    /** The record name field: Name, or the auto-number an object without one is named by (Case's CaseNumber). */
    private static FieldDef nameField(SObjectDef def) {
        FieldDef name = def.field("Name");
        if (name != null) {
            return name;
        }
        for (FieldDef f : def.fields()) {
            if (f.autoNumber()) {
                return f;
            }
        }
        return def.field("Id");
    }

    private String listViewId(SObjectDef def, String name) {
        return listViewId(org, def, name);
    }

    private static String listViewId(EmulatedOrg org, SObjectDef def, String name) {
        return org.ids().fixed("00B", def.keyPrefix() + (name.equals(ALL) ? "0" : "1"));
    }

    private String nameOf(SObjectDef def, String id) {
        for (String name : List.of(ALL, RECENT)) {
            if (listViewId(def, name).equals(id) || name.equalsIgnoreCase(id)) {
                return name;
            }
        }
        throw new ApiException(404, "NOT_FOUND", "The requested resource does not exist");
    }
}
