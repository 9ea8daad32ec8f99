package io.sfsync.emulator.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.soql.SoqlException;
import io.sfsync.emulator.soql.SoqlQuery;
import io.sfsync.emulator.soql.SoqlResult;

/**
 * /query, /queryAll and their cursors: results are paged in batches of 2,000 records (or the
 * batchSize of Sforce-Query-Options, 200 to 2,000) with a nextRecordsUrl for queryMore.
 */
final class QueryResource {
    static final int MAX_PAGE = 2000;
    private static final int MAX_OPEN_CURSORS = 500;

    private record Cursor(List<Map<String, Object>> records, int totalSize, int pageSize) {
    }

    private final EmulatedOrg org;
    private final Map<String, Cursor> cursors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cursor> eldest) {
            return size() > MAX_OPEN_CURSORS; // Salesforce also expires idle cursors
        }
    };

    QueryResource(EmulatedOrg org) {
        this.org = org;
    }

    ApiResponse handle(ApiRequest req) {
        SObjectResource.requireMethod(req.method(), "GET");
        String[] s = req.segments();
        boolean all = s[0].equals("queryAll");
        if (s.length == 2) {
            return ApiResponse.json(200, nextPage(req.apiVersion(), s[0], s[1]));
        }
        String explain = req.param("explain");
        if (explain != null && !explain.isBlank()) {
            String listView = explain.startsWith("00B") ? LayoutsResource.listViewQuery(org, explain) : null;
            return ApiResponse.json(200, explain(listView != null ? listView : explain, req.apiVersion()));
        }
        String q = req.param("q");
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("MALFORMED_QUERY", "A query string has to be specified");
        }
        if ("true".equalsIgnoreCase(req.param("columns"))) {
            return ApiResponse.json(200, columnMetadata(q));
        }
        return ApiResponse.json(200, query(q, all, pageSize(req), req.apiVersion(), s[0]));
    }

    /** Runs a query and returns its first page; used by Composite subrequests too. */
    Map<String, Object> query(String soql, boolean all, int pageSize, String version, String resource) {
        Ran ran = run(soql, all, version);
        if (ran.query().purpose() != null) {
            markViewed(ran.query(), ran.result().records());
        }
        return page(ran.result().records(), ran.result().totalSize(), 0, pageSize, version, resource);
    }

    /** A query parsed and run. */
    private record Ran(SoqlQuery query, SoqlResult result) {
    }

    /** Parses and runs the SOQL; what does not parse or run is answered as Salesforce does (400, its code). */
    private Ran run(String soql, boolean all, String version) {
        try {
            SoqlQuery parsed = SoqlQuery.parse(soql);
            return new Ran(parsed, parsed.execute(new OrgDataSource(org, version), all));
        } catch (SoqlException e) {
            throw ApiException.badRequest(e.errorCode(), e.getMessage());
        }
    }

    /**
     * {@code ?explain=SOQL}: the query plans Salesforce's optimizer would weigh, cheapest first — one for each
     * indexed field the query filters or sorts on (Id, Name, OwnerId, CreatedDate, SystemModstamp, lookups,
     * external IDs, unique fields, Lead's and Contact's Email) and the table scan, with the rows each returns
     * (the query's own count), the object's records and a cost relative to the selectivity threshold (below 1:
     * selective, a tenth of the records for an index, a third for a scan), and a note for each unindexed
     * filter. A plausible plan in Salesforce's shape, not its optimizer's figures.
     */
    private Map<String, Object> explain(String soql, String version) {
        Ran ran = run(soql, false, version);
        SoqlQuery query = ran.query();
        SoqlResult result = ran.result();
        io.sfsync.emulator.org.SObjectDef def = org.schema().object(query.objectName());
        int rows = result.totalSize();
        int all = org.store().count(def.name());
        List<Map<String, Object>> plans = new java.util.ArrayList<>();
        List<Map<String, Object>> notes = new java.util.ArrayList<>();
        java.util.Set<String> indexed = new java.util.LinkedHashSet<>();
        for (String f : query.filterFields()) {
            if (indexed(def, f)) {
                indexed.add(def.field(f).name());
            } else {
                Map<String, Object> note = new LinkedHashMap<>();
                note.put("description", "Not considering filter for optimization because unindexed");
                note.put("fields", List.of(f));
                note.put("tableEnumOrId", def.name());
                notes.add(note);
            }
        }
        for (String f : query.orderFields()) {
            if (indexed(def, f)) {
                indexed.add(def.field(f).name());
            }
        }
        for (String f : indexed) {
            plans.add(plan("Index", List.of(f), rows, all, rows / Math.max(1.0, all * 0.1), def.name(), List.of()));
        }
        plans.add(plan("TableScan", List.of(), rows, all, all == 0 ? 0.0 : Math.max(0.65, rows / (all / 3.0)),
                def.name(), notes));
        plans.sort(java.util.Comparator.comparingDouble(p -> (Double) p.get("relativeCost")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plans", plans);
        out.put("sourceQuery", soql);
        return out;
    }

    private static boolean indexed(io.sfsync.emulator.org.SObjectDef def, String field) {
        io.sfsync.emulator.org.FieldDef f = field.contains(".") ? null : def.field(field);
        if (f == null) {
            return false;
        }
        return List.of("Id", "Name", "OwnerId", "CreatedDate", "SystemModstamp").contains(f.name())
                || f.type().equals("reference") || f.externalId() || f.unique()
                || f.name().equals("Email") && List.of("Lead", "Contact").contains(def.name());
    }

    private static Map<String, Object> plan(String operation, List<String> fields, int rows, int all, double cost,
            String object, List<Map<String, Object>> notes) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cardinality", rows);
        p.put("fields", fields);
        p.put("leadingOperationType", operation);
        p.put("notes", notes);
        p.put("relativeCost", Math.round(cost * 1e6) / 1e6);
        p.put("sobjectCardinality", all);
        p.put("sobjectType", object);
        return p;
    }

    /**
     * FOR VIEW sets the records' LastViewedDate and LastReferencedDate, FOR REFERENCE the latter: the bookkeeping
     * behind recently viewed lists, which changes neither LastModifiedDate nor SystemModstamp.
     */
    private void markViewed(SoqlQuery parsed, List<Map<String, Object>> records) {
        io.sfsync.emulator.org.SObjectDef def = org.schema().object(parsed.objectName());
        if (def == null || def.field("LastReferencedDate") == null) {
            return;
        }
        String now = org.now();
        org.store().atomically(tx -> {
            for (Map<String, Object> r : records) {
                // the Id, selected or not: every record's attributes carry its URL, which ends in it
                Object id = r.get("Id");
                if (id == null && r.get("attributes") instanceof Map<?, ?> a && a.get("url") != null) {
                    String url = a.get("url").toString();
                    id = url.substring(url.lastIndexOf('/') + 1);
                }
                Map<String, Object> stored = id == null ? null : org.store().get(id.toString());
                if (stored != null) {
                    Map<String, Object> marked = new LinkedHashMap<>(stored);
                    if (parsed.purpose().equals("VIEW") && def.field("LastViewedDate") != null) {
                        marked.put("LastViewedDate", now);
                    }
                    marked.put("LastReferencedDate", now);
                    org.store().put(tx, def.name(), marked);
                }
            }
            return null;
        });
    }

    /**
     * {@code /recent}: the records last viewed (FOR VIEW), newest first, of every object or of one, as
     * {@code [{attributes, Id, Name}]}.
     */
    List<Map<String, Object>> recent(io.sfsync.emulator.org.SObjectDef only, int limit, String version) {
        List<Map<String, Object>> viewed = new java.util.ArrayList<>();
        for (io.sfsync.emulator.org.SObjectDef def : org.schema().objects()) {
            if ((only == null || only == def) && def.field("LastViewedDate") != null) {
                for (Map<String, Object> r : org.store().list(def.name(), false)) {
                    if (r.get("LastViewedDate") != null) {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("attributes", Map.of("type", def.name(), "url",
                                "/services/data/v" + version + "/sobjects/" + def.name() + "/" + r.get("Id")));
                        item.put("Id", r.get("Id"));
                        item.put("Name", r.get(def.field("Name") != null ? "Name" : "Id"));
                        item.put("LastViewedDate", r.get("LastViewedDate"));
                        viewed.add(item);
                    }
                }
            }
        }
        viewed.sort(java.util.Comparator.comparing((Map<String, Object> m) -> (String) m.get("LastViewedDate")).reversed());
        viewed.forEach(m -> m.remove("LastViewedDate"));
        return viewed.size() > limit ? viewed.subList(0, limit) : viewed;
    }

    /** {@code ?columns=true}: the query's column metadata instead of its rows (the Salesforce CLI asks for it). */
    private Map<String, Object> columnMetadata(String soql) {
        SoqlQuery query;
        try {
            query = SoqlQuery.parse(soql);
        } catch (SoqlException e) {
            throw ApiException.badRequest(e.errorCode(), e.getMessage());
        }
        io.sfsync.emulator.org.SObjectDef def = org.schema().object(query.objectName());
        if (def == null) {
            throw ApiException.badRequest("INVALID_TYPE", "sObject type '" + query.objectName() + "' is not supported.");
        }
        java.util.List<Map<String, Object>> columns = new java.util.ArrayList<>();
        boolean idSelected = false;
        for (SoqlQuery.Column c : query.columns()) {
            if (c.subquery()) {
                columns.add(subqueryColumn(def, c));
            } else if (c.aggregate()) {
                Map<String, Object> m = column(c.alias(), c.alias(), "Integer", null);
                m.put("aggregate", true);
                m.put("numberType", true);
                columns.add(m);
            } else {
                idSelected |= c.path().size() == 1 && c.path().get(0).equalsIgnoreCase("Id");
                columns.add(pathColumn(def, c.path()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columnMetadata", columns);
        out.put("entityName", def.name());
        out.put("groupBy", false);
        out.put("idSelected", idSelected);
        out.put("keyPrefix", def.keyPrefix());
        return out;
    }

    /** A subquery's column: an aggregate one named after the child relationship, its SELECT list as joinColumns. */
    private Map<String, Object> subqueryColumn(io.sfsync.emulator.org.SObjectDef parent, SoqlQuery.Column c) {
        String written = String.join(".", c.path());
        String name = c.path().get(c.path().size() - 1);
        io.sfsync.emulator.org.OrgSchema.ChildRelationship rel = c.path().size() <= 2
                ? org.schema().childRelationship(parent.name(), name) : null;
        if (rel == null) {
            throw ApiException.badRequest("INVALID_TYPE", "Didn't understand relationship '" + written
                    + "' in FROM part of query call.");
        }
        java.util.List<Map<String, Object>> joins = new java.util.ArrayList<>();
        for (SoqlQuery.Column child : c.children()) {
            joins.add(pathColumn(rel.child(), child.path()));
        }
        Map<String, Object> m = column(rel.name(), rel.name(), null, null);
        m.put("aggregate", true);
        m.put("joinColumns", joins);
        return m;
    }

    private Map<String, Object> pathColumn(io.sfsync.emulator.org.SObjectDef def, java.util.List<String> path) {
        if (path.size() == 1) {
            io.sfsync.emulator.org.FieldDef f = def.field(path.get(0));
            if (f == null) {
                throw ApiException.badRequest("INVALID_FIELD", "No such column '" + path.get(0) + "' on entity '"
                        + def.name() + "'");
            }
            Map<String, Object> m = column(f.name(), f.label(), apexType(f.type()), f);
            return m;
        }
        io.sfsync.emulator.org.FieldDef ref = def.relationship(path.get(0));
        if (ref == null || ref.referenceTo().isEmpty()) {
            throw ApiException.badRequest("INVALID_FIELD", "Didn't understand relationship '" + path.get(0) + "'");
        }
        io.sfsync.emulator.org.SObjectDef target = org.schema().object(ref.referenceTo().get(ref.referenceTo().size() - 1));
        Map<String, Object> m = column(ref.relationshipName(), ref.relationshipName(), null, null);
        m.put("foreignKeyName", null);
        m.put("joinColumns", java.util.List.of(pathColumn(target, path.subList(1, path.size()))));
        return m;
    }

    private static Map<String, Object> column(String name, String label, String apexType,
            io.sfsync.emulator.org.FieldDef f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aggregate", false);
        m.put("apexType", apexType);
        m.put("booleanType", "Boolean".equals(apexType));
        m.put("columnName", name);
        m.put("custom", f != null && f.custom());
        m.put("displayName", label);
        m.put("foreignKeyName", null);
        m.put("insertable", f != null && f.createable());
        m.put("joinColumns", java.util.List.of());
        m.put("numberType", "Integer".equals(apexType) || "Double".equals(apexType) || "Decimal".equals(apexType));
        m.put("textType", "String".equals(apexType));
        m.put("updatable", f != null && f.updateable());
        return m;
    }

    private static String apexType(String type) {
        return switch (type) {
            case "id", "reference" -> "Id";
            case "boolean" -> "Boolean";
            case "int" -> "Integer";
            case "double", "percent" -> "Double";
            case "currency" -> "Decimal";
            case "date" -> "Date";
            case "datetime" -> "Datetime";
            default -> "String";
        };
    }

    private Map<String, Object> nextPage(String version, String resource, String locator) {
        int dash = locator.lastIndexOf('-');
        Cursor c = dash < 0 ? null : cursors.get(locator.substring(0, dash));
        if (c == null) {
            throw ApiException.badRequest("INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        int offset;
        try {
            offset = Integer.parseInt(locator.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        return page(c.records(), c.totalSize(), offset, c.pageSize(), version, resource);
    }

    private Map<String, Object> page(List<Map<String, Object>> records, int totalSize, int offset, int pageSize,
            String version, String resource) {
        int end = Math.min(records.size(), offset + pageSize);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("totalSize", totalSize);
        boolean done = end >= records.size();
        out.put("done", done);
        if (!done) {
            String locator = cursorFor(records, totalSize, pageSize);
            out.put("nextRecordsUrl", "/services/data/v" + version + "/" + resource + "/" + locator + "-" + end);
        }
        out.put("records", records.subList(Math.min(offset, records.size()), end));
        return out;
    }

    private String cursorFor(List<Map<String, Object>> records, int totalSize, int pageSize) {
        synchronized (cursors) {
            for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
                if (e.getValue().records() == records) {
                    return e.getKey();
                }
            }
            String locator = org.ids().next("01g");
            cursors.put(locator, new Cursor(records, totalSize, pageSize));
            return locator;
        }
    }

    static int pageSize(ApiRequest req) {
        String options = req.header("Sforce-Query-Options");
        if (options != null) {
            for (String part : options.split(",")) {
                String[] kv = part.trim().split("=");
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("batchSize")) {
                    try {
                        return Math.max(200, Math.min(MAX_PAGE, Integer.parseInt(kv[1].trim())));
                    } catch (NumberFormatException ignored) {
                        return MAX_PAGE;
                    }
                }
            }
        }
        return MAX_PAGE;
    }
}
