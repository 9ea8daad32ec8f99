package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * /sobjects: describeGlobal, describe, basic info, and single-record create, retrieve, update,
 * delete and upsert by external ID with Salesforce's status codes (201, 200, 204, 300, 400, 404).
 */
final class SObjectResource {
    private final EmulatedOrg org;
    private final RecordSaver saver;
    private final Describer describer;
    private final ReplicationResource replication;
    private final Json json;
    private final LayoutsResource layouts;
    private final QueryResource query;

    SObjectResource(EmulatedOrg org, RecordSaver saver, Json json, QueryResource query) {
        this.query = query;
        this.layouts = new LayoutsResource(org, query);
        this.org = org;
        this.saver = saver;
        this.describer = new Describer(org.schema());
        this.replication = new ReplicationResource(org);
        this.json = json;
    }

    ApiResponse handle(ApiRequest req, RecordSaver.Options options) {
        String[] s = req.segments(); // s[0] == "sobjects"
        String m = req.method();
        if (s.length == 1) {
            requireMethod(m, "GET");
            return ApiResponse.json(200, describer.describeGlobal(req.apiVersion()));
        }
        SObjectDef def = saver.requireObject(s[1]);
        if (s.length == 2) {
            return switch (m) {
                case "GET" -> {
                    Map<String, Object> info = describer.basicInfo(def, req.apiVersion());
                    info.put("recentItems", query.recent(def, 200, req.apiVersion()));
                    yield ApiResponse.json(200, info);
                }
                case "POST" -> {
                    RecordSaver.Saved saved = saver.create(def.name(), json.object(req.body()), options);
                    yield ApiResponse.json(201, saveResult(saved.id(), null));
                }
                default -> throw methodNotAllowed(m);
            };
        }
        if (s.length == 3 && s[2].equals("describe")) {
            requireMethod(m, "GET");
            return ApiResponse.json(200, describer.describe(def, req.apiVersion()));
        }
        if (s.length > 3 && s[2].equals("describe")) {
            requireMethod(m, "GET");
            return layouts.describe(def, java.util.Arrays.copyOfRange(s, 3, s.length));
        }
        if (s[2].equals("listviews")) {
            requireMethod(m, "GET");
            return layouts.listViews(def, java.util.Arrays.copyOfRange(s, 3, s.length), req.apiVersion());
        }
        if (s.length == 3 && (s[2].equals("updated") || s[2].equals("deleted"))) {
            requireMethod(m, "GET");
            return s[2].equals("updated") ? replication.updated(def, req) : replication.deleted(def, req);
        }
        if (s.length == 3) {
            String id = s[2];
            return switch (m) {
                case "GET" -> ApiResponse.json(200, render(def, saver.existing(def, id), fieldsParam(def, req),
                        req.apiVersion()));
                case "PATCH" -> {
                    saver.update(def.name(), id, json.object(req.body()), options);
                    yield ApiResponse.noContent();
                }
                case "DELETE" -> {
                    saver.delete(def.name(), id, options);
                    yield ApiResponse.noContent();
                }
                default -> throw methodNotAllowed(m);
            };
        }
        if (s.length == 4) {
            return byExternalId(req, def, s[2], s[3], options);
        }
        throw ApiException.notFound();
    }

    private ApiResponse byExternalId(ApiRequest req, SObjectDef def, String field, String value,
            RecordSaver.Options options) {
        String m = req.method();
        if (m.equals("PATCH") || m.equals("POST")) {
            boolean updateOnly = "true".equalsIgnoreCase(req.param("updateOnly"));
            try {
                RecordSaver.Saved saved = saver.upsert(def.name(), field, value, json.object(req.body()), options,
                        updateOnly);
                return ApiResponse.json(saved.created() ? 201 : 200, saveResult(saved.id(), saved.created()));
            } catch (ApiException e) {
                if (e.status() == 300) {
                    return multipleChoices(def, e, req.apiVersion());
                }
                throw e;
            }
        }
        FieldDef ext = def.field(field);
        if (ext == null || !ext.externalId()) {
            throw new ApiException(404, "NOT_FOUND",
                    "Provided external ID field does not exist or is not accessible: " + field);
        }
        List<String> ids = List.copyOf(org.store().find(def.name(), ext.name(), value));
        if (ids.isEmpty()) {
            throw ApiException.notFound();
        }
        if (ids.size() > 1) {
            return multipleChoices(def, ids, req.apiVersion());
        }
        return switch (m) {
            case "GET" -> ApiResponse.json(200, render(def, org.store().get(ids.get(0)), fieldsParam(def, req),
                    req.apiVersion()));
            case "DELETE" -> {
                saver.delete(def.name(), ids.get(0), options);
                yield ApiResponse.noContent();
            }
            default -> throw methodNotAllowed(m);
        };
    }

    @SuppressWarnings("unchecked")
    private ApiResponse multipleChoices(SObjectDef def, ApiException e, String version) {
        return multipleChoices(def, (List<String>) e.errors().get(0).extra().get("matchingIds"), version);
    }

    private static ApiResponse multipleChoices(SObjectDef def, List<String> ids, String version) {
        List<String> urls = new ArrayList<>();
        for (String id : ids) {
            urls.add(recordUrl(version, def.name(), id));
        }
        return ApiResponse.json(300, urls);
    }

    static Map<String, Object> saveResult(String id, Boolean created) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("success", true);
        r.put("errors", List.of());
        if (created != null) {
            r.put("created", created);
        }
        return r;
    }

    static String recordUrl(String version, String object, String id) {
        return "/services/data/v" + version + "/sobjects/" + object + "/" + id;
    }

    /** A record as GET returns it: attributes first, then the requested (or all) fields. */
    static Map<String, Object> render(SObjectDef def, Map<String, Object> record, List<String> fields, String version) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attributes", attributes(def.name(), (String) record.get("Id"), version));
        List<String> names = fields;
        if (names == null) {
            names = new ArrayList<>();
            for (FieldDef f : def.fields()) {
                names.add(f.name());
            }
        }
        for (String n : names) {
            out.put(n, record.get(n));
        }
        return out;
    }

    static Map<String, Object> attributes(String object, String id, String version) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", object);
        a.put("url", recordUrl(version, object, id));
        return a;
    }

    private static List<String> fieldsParam(SObjectDef def, ApiRequest req) {
        String p = req.param("fields");
        if (p == null || p.isBlank()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String raw : p.split(",")) {
            FieldDef f = def.field(raw.trim());
            if (f == null) {
                throw ApiException.badRequest("INVALID_FIELD", "No such column '" + raw.trim() + "' on entity '"
                        + def.name() + "'. If you are attempting to use a custom field, be sure to append the '__c'"
                        + " after the custom field name. Please reference your WSDL or the describe call for the"
                        + " appropriate names.");
            }
            names.add(f.name());
        }
        return names;
    }

    static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw methodNotAllowed(actual);
        }
    }

    static ApiException methodNotAllowed(String method) {
        return new ApiException(405, "METHOD_NOT_ALLOWED",
                "HTTP Method '" + method + "' not allowed. Allowed are GET,HEAD,POST,PATCH,DELETE");
    }
}
