package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.org.SalesforceIds;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * /composite/sobjects: create, update, upsert, retrieve and delete up to 200 records in one call.
 * A well-formed request always answers 200 with one result per record; with allOrNone a single
 * failure rolls every record back and the others report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
final class CollectionsResource {
    static final int MAX_RECORDS = 200;

    private final EmulatedOrg org;
    private final RecordSaver saver;
    private final Json json;

    CollectionsResource(EmulatedOrg org, RecordSaver saver, Json json) {
        this.org = org;
        this.saver = saver;
        this.json = json;
    }

    private interface RecordOp {
        Map<String, Object> apply(Map<String, Object> record);
    }

    ApiResponse handle(ApiRequest req, RecordSaver.Options options) {
        String[] s = req.segments(); // composite, sobjects, ...
        String m = req.method();
        if (s.length == 2) {
            return switch (m) {
                case "POST" -> write(req, options, true, r -> {
                    String type = type(r);
                    return result(saver.create(type, r, options).id(), null);
                });
                case "PATCH" -> write(req, options, false, r -> {
                    String id = idOf(r);
                    return result(saver.update(type(r), id, r, options).id(), null);
                });
                case "DELETE" -> delete(req, options);
                default -> throw SObjectResource.methodNotAllowed(m);
            };
        }
        SObjectDef def = saver.requireObject(s[2]);
        if (s.length == 3 && (m.equals("GET") || m.equals("POST"))) {
            return retrieve(req, def);
        }
        if (s.length == 4 && m.equals("PATCH")) {
            FieldDef ext = def.field(s[3]);
            if (ext == null || !(ext.externalId() || ext.name().equals("Id"))) {
                throw new ApiException(404, "NOT_FOUND",
                        "Provided external ID field does not exist or is not accessible: " + s[3]);
            }
            return write(req, options, false, r -> {
                Object value = r.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(ext.name()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (type(r) != null && !type(r).equalsIgnoreCase(def.name())) {
                    throw ApiException.badRequest("INVALID_TYPE", "Record type " + type(r) + " does not match "
                            + def.name());
                }
                // an upsert's result says whether the record was (or, failing, would have been) created
                boolean exists = value != null && (ext.name().equals("Id") || !org.store().find(def.name(), ext.name(),
                        value.toString()).isEmpty());
                try {
                    RecordSaver.Saved saved = saver.upsert(def.name(), ext.name(), value == null ? null
                            : value.toString(), r, options, false);
                    return result(saved.id(), saved.created());
                } catch (ApiException e) {
                    Map<String, Object> failed = failure(idOrNull(r), e);
                    failed.put("created", !exists);
                    return failed;
                }
            });
        }
        throw ApiException.notFound();
    }

    @SuppressWarnings("unchecked")
    private ApiResponse write(ApiRequest req, RecordSaver.Options options, boolean creating, RecordOp op) {
        Map<String, Object> body = json.object(req.body());
        boolean allOrNone = Boolean.TRUE.equals(body.get("allOrNone"));
        Object recordsValue = body.get("records");
        if (!(recordsValue instanceof List<?> records)) {
            throw ApiException.badRequest("JSON_PARSER_ERROR", "records is required");
        }
        if (records.size() > MAX_RECORDS) {
            throw ApiException.badRequest("EXCEEDED_ID_LIMIT",
                    "record limit reached. cannot submit more than " + MAX_RECORDS + " records into this call");
        }
        int mark = options.tx().mark();
        List<Map<String, Object>> results = new ArrayList<>();
        boolean failed = false;
        for (Object item : records) {
            Map<String, Object> r = (Map<String, Object>) item;
            try {
                Map<String, Object> result = op.apply(r);
                failed |= !Boolean.TRUE.equals(result.get("success"));
                results.add(result);
            } catch (ApiException e) {
                failed = true;
                results.add(failure(idOrNull(r), e));
            }
        }
        if (allOrNone && failed) {
            org.store().rollback(options.tx(), mark);
            for (int i = 0; i < results.size(); i++) {
                Map<String, Object> done = results.get(i);
                if (Boolean.TRUE.equals(done.get("success"))) {
                    // a rolled-back create has no record any more, so no id either
                    Object created = done.get("created");
                    boolean wasCreate = creating || Boolean.TRUE.equals(created);
                    Map<String, Object> back = rolledBack(wasCreate ? null : (String) done.get("id"));
                    if (created != null) {
                        back.put("created", created);
                    }
                    results.set(i, back);
                }
            }
        }
        return ApiResponse.json(200, results);
    }

    private ApiResponse delete(ApiRequest req, RecordSaver.Options options) {
        String idsParam = req.param("ids");
        if (idsParam == null || idsParam.isBlank()) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "ids parameter is required");
        }
        String[] ids = idsParam.split(",");
        if (ids.length > MAX_RECORDS) {
            throw ApiException.badRequest("EXCEEDED_ID_LIMIT",
                    "record limit reached. cannot submit more than " + MAX_RECORDS + " records into this call");
        }
        boolean allOrNone = "true".equalsIgnoreCase(req.param("allOrNone"));
        int mark = options.tx().mark();
        List<Map<String, Object>> results = new ArrayList<>();
        boolean failed = false;
        for (String raw : ids) {
            String id = raw.trim();
            try {
                String normalized = SalesforceIds.normalize(id);
                if (normalized == null) {
                    throw ApiException.badRequest("MALFORMED_ID", "malformed id " + id);
                }
                saver.delete(null, normalized, options);
                results.add(result(normalized, null));
            } catch (ApiException e) {
                failed = true;
                results.add(failure(id, e));
            }
        }
        if (allOrNone && failed) {
            org.store().rollback(options.tx(), mark);
            for (int i = 0; i < results.size(); i++) {
                if (Boolean.TRUE.equals(results.get(i).get("success"))) {
                    results.set(i, rolledBack((String) results.get(i).get("id")));
                }
            }
        }
        return ApiResponse.json(200, results);
    }

    @SuppressWarnings("unchecked")
    private ApiResponse retrieve(ApiRequest req, SObjectDef def) {
        List<String> ids;
        List<String> fields;
        if (req.method().equals("POST")) {
            Map<String, Object> body = json.object(req.body());
            ids = (List<String>) body.getOrDefault("ids", List.of());
            fields = (List<String>) body.getOrDefault("fields", List.of());
        } else {
            ids = split(req.param("ids"));
            fields = split(req.param("fields"));
        }
        if (fields.isEmpty()) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "fields parameter is required");
        }
        if (ids.size() > 2000) {
            throw ApiException.badRequest("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 2000 ids");
        }
        List<String> names = new ArrayList<>();
        for (String f : fields) {
            FieldDef fd = def.field(f);
            if (fd == null) {
                throw ApiException.badRequest("INVALID_FIELD", "No such column '" + f + "' on entity '" + def.name()
                        + "'. If you are attempting to use a custom field, be sure to append the '__c' after the"
                        + " custom field name. Please reference your WSDL or the describe call for the appropriate names.");
            }
            names.add(fd.name());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String raw : ids) {
            String id = SalesforceIds.normalize(raw);
            Map<String, Object> r = id == null ? null : org.store().get(id);
            boolean live = r != null && def.name().equals(org.store().objectOf(id)) && !Boolean.TRUE.equals(r.get("IsDeleted"));
            out.add(live ? SObjectResource.render(def, r, names, req.apiVersion()) : null);
        }
        return ApiResponse.json(200, out);
    }

    private static List<String> split(String csv) {
        List<String> out = new ArrayList<>();
        if (csv != null) {
            for (String s : csv.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String type(Map<String, Object> r) {
        Object attributes = r.get("attributes");
        if (attributes instanceof Map<?, ?> a && a.get("type") != null) {
            return a.get("type").toString();
        }
        throw ApiException.badRequest("INVALID_TYPE", "Must specify a type in attributes.type");
    }

    private static String idOf(Map<String, Object> r) {
        String id = idOrNull(r);
        if (id == null) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "Id not specified in an update call", "Id");
        }
        return id;
    }

    private static String idOrNull(Map<String, Object> r) {
        for (Map.Entry<String, Object> e : r.entrySet()) {
            if (e.getKey().equalsIgnoreCase("Id") && e.getValue() != null) {
                return e.getValue().toString();
            }
        }
        return null;
    }

    static Map<String, Object> result(String id, Boolean created) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("success", true);
        r.put("errors", List.of());
        if (created != null) {
            r.put("created", created);
        }
        return r;
    }

    static Map<String, Object> failure(String id, ApiException e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("success", false);
        List<Map<String, Object>> errors = new ArrayList<>();
        for (ApiError err : e.errors()) {
            errors.add(err.saveResultShape());
        }
        r.put("errors", errors);
        return r;
    }

    private static Map<String, Object> rolledBack(String id) {
        return failure(id, ApiException.badRequest("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "Record rolled back because not all records were valid and the request was using AllOrNone header"));
    }
}
