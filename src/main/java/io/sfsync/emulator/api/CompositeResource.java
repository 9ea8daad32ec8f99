package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * /composite (up to 25 subrequests, at most 5 of them sObject Collections or queries, with
 * {@code @{ref.path}} references and allOrNone; ONE call against the daily limit) and
 * /composite/batch (up to 25 independent subrequests, each counted).
 */
final class CompositeResource {
    static final int MAX_SUBREQUESTS = 25;
    static final int MAX_COLLECTIONS_OR_QUERIES = 5;
    /** {@code @{ref.id}}, {@code @{ref.records[0].Id}} or, for a collection's result list, {@code @{ref[0].id}}. */
    private static final Pattern REFERENCE = Pattern.compile("@\\{([A-Za-z0-9_]+)((?:\\[\\d+])?(?:\\.[^}]+)?)}");
    /** "/services/data/v62.0/…" (Composite) or "v62.0/…" (Composite Batch, as Salesforce documents it). */
    private static final Pattern VERSION_PREFIX = Pattern.compile("^(?:/?services/data/)?v(\\d+\\.\\d)/(.*)$");

    /** The router that runs each subrequest without counting it as an API call. */
    interface Dispatcher {
        ApiResponse dispatch(ApiRequest request, RecordSaver.Options options);
    }

    private final EmulatedOrg org;
    private final Json json;
    private final Dispatcher dispatcher;

    CompositeResource(EmulatedOrg org, Json json, Dispatcher dispatcher) {
        this.org = org;
        this.json = json;
        this.dispatcher = dispatcher;
    }

    /** Subrequests a /composite/batch request carries, so the gateway can count each one. */
    int batchSize(String body) {
        Object requests = json.object(body).get("batchRequests");
        return requests instanceof List<?> l ? l.size() : 0;
    }

    @SuppressWarnings("unchecked")
    ApiResponse composite(ApiRequest req, RecordSaver.Options options) {
        SObjectResource.requireMethod(req.method(), "POST");
        Map<String, Object> body = json.object(req.body());
        boolean allOrNone = Boolean.TRUE.equals(body.get("allOrNone"));
        List<Map<String, Object>> subrequests = (List<Map<String, Object>>) body.get("compositeRequest");
        if (subrequests == null || subrequests.isEmpty()) {
            throw ApiException.badRequest("INVALID_API_INPUT", "compositeRequest is required");
        }
        if (subrequests.size() > MAX_SUBREQUESTS) {
            throw ApiException.badRequest("LIMIT_EXCEEDED", "Composite request may only have up to "
                    + MAX_SUBREQUESTS + " subrequests");
        }
        long heavy = subrequests.stream().map(r -> String.valueOf(r.get("url"))).filter(CompositeResource::isCollectionOrQuery).count();
        if (heavy > MAX_COLLECTIONS_OR_QUERIES) {
            throw ApiException.badRequest("LIMIT_EXCEEDED", "Composite request may only have up to "
                    + MAX_COLLECTIONS_OR_QUERIES + " sObject Collections or query subrequests");
        }
        Map<String, Object> bodiesByRef = new HashMap<>();
        Map<String, Boolean> okByRef = new HashMap<>();
        List<Map<String, Object>> responses = new ArrayList<>();
        int failedIndex = -1;
        for (Map<String, Object> sub : subrequests) {
            String refId = String.valueOf(sub.get("referenceId"));
            Map<String, Object> out;
            if (failedIndex >= 0 && allOrNone) {
                out = halted(refId, "The transaction was rolled back since another operation in the same transaction failed.");
            } else {
                try {
                    String url = resolve(String.valueOf(sub.get("url")), bodiesByRef, okByRef);
                    Object subBody = sub.get("body");
                    String bodyText = subBody == null ? null : resolve(json.write(subBody), bodiesByRef, okByRef);
                    ApiRequest subRequest = subrequest(req, sub, url, bodyText);
                    ApiResponse r = dispatcher.dispatch(subRequest, withSubrequestHeaders(options, subRequest));
                    out = response(refId, r.status(), r.body(), r.headers());
                } catch (UnresolvedReference e) {
                    out = halted(refId, e.getMessage());
                } catch (ApiException e) {
                    out = response(refId, e.status(), errors(e), Map.of());
                }
            }
            int status = (int) out.get("httpStatusCode");
            okByRef.put(refId, status < 300);
            bodiesByRef.put(refId, out.get("body"));
            if (status >= 300 && failedIndex < 0) {
                failedIndex = responses.size();
            }
            responses.add(out);
        }
        if (allOrNone && failedIndex >= 0) {
            org.store().rollback(options.tx(), 0);
            for (int i = 0; i < responses.size(); i++) {
                if (i != failedIndex && (int) responses.get(i).get("httpStatusCode") < 300) {
                    responses.set(i, halted((String) responses.get(i).get("referenceId"),
                            "The transaction was rolled back since another operation in the same transaction failed."));
                }
            }
        }
        return ApiResponse.json(200, Map.of("compositeResponse", responses));
    }

    @SuppressWarnings("unchecked")
    /**
     * A subrequest's own Sforce-Auto-Assign and Sforce-Duplicate-Rule-Header apply to it (Salesforce takes
     * any header the requested resource supports from the subrequest's httpHeaders).
     */
    private static RecordSaver.Options withSubrequestHeaders(RecordSaver.Options options, ApiRequest sub) {
        String autoAssign = sub.header("Sforce-Auto-Assign");
        String rules = sub.header("Sforce-Duplicate-Rule-Header");
        boolean allowSave = rules == null ? options.allowSave()
                : rules.toLowerCase(Locale.ROOT).replace(" ", "").contains("allowsave=true");
        return new RecordSaver.Options(options.userId(), allowSave, autoAssign != null ? autoAssign : options.autoAssign(),
                options.tx(), options.system(), options.injectedFault());
    }

    ApiResponse batch(ApiRequest req, RecordSaver.Options options) {
        SObjectResource.requireMethod(req.method(), "POST");
        Map<String, Object> body = json.object(req.body());
        List<Map<String, Object>> requests = (List<Map<String, Object>>) body.get("batchRequests");
        if (requests == null || requests.isEmpty()) {
            throw ApiException.badRequest("INVALID_API_INPUT", "batchRequests is required");
        }
        if (requests.size() > MAX_SUBREQUESTS) {
            throw ApiException.badRequest("LIMIT_EXCEEDED", "Batch request may only have up to "
                    + MAX_SUBREQUESTS + " subrequests");
        }
        boolean haltOnError = Boolean.TRUE.equals(body.get("haltOnError"));
        boolean hasErrors = false;
        List<Map<String, Object>> results = new ArrayList<>();
        for (Map<String, Object> sub : requests) {
            Map<String, Object> result = new LinkedHashMap<>();
            if (hasErrors && haltOnError) {
                result.put("result", List.of(ApiError.of("BATCH_PROCESSING_HALTED",
                        "Batch processing halted per request").restShape()));
                result.put("statusCode", 412);
            } else {
                Object rich = sub.get("richInput");
                try {
                    ApiResponse r = dispatcher.dispatch(subrequest(req, sub, String.valueOf(sub.get("url")),
                            rich == null ? null : json.write(rich)), options);
                    result.put("result", r.body());
                    result.put("statusCode", r.status());
                } catch (ApiException e) {
                    result.put("result", errors(e));
                    result.put("statusCode", e.status());
                }
            }
            hasErrors |= (int) result.get("statusCode") >= 300;
            results.add(result);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hasErrors", hasErrors);
        out.put("results", results);
        return ApiResponse.json(200, out);
    }

    @SuppressWarnings("unchecked")
    private ApiRequest subrequest(ApiRequest parent, Map<String, Object> sub, String url, String body) {
        String method = String.valueOf(sub.getOrDefault("method", "GET")).toUpperCase(Locale.ROOT);
        String path = url;
        Map<String, List<String>> query = new LinkedHashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            path = path.substring(0, q);
        }
        Matcher m = VERSION_PREFIX.matcher(path);
        if (!m.matches()) {
            throw ApiException.badRequest("INVALID_API_INPUT", "Invalid URL: " + url);
        }
        Map<String, String> headers = new LinkedHashMap<>(parent.headers());
        Object extra = sub.get("httpHeaders");
        if (extra instanceof Map<?, ?> h) {
            ((Map<String, Object>) h).forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.valueOf(v)));
        }
        String rest = m.group(2);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return new ApiRequest(method, m.group(1), rest, query, headers, body, parent.session());
    }

    private static boolean isCollectionOrQuery(String url) {
        int q = url.indexOf('?');
        String path = (q < 0 ? url : url.substring(0, q)).toLowerCase(Locale.ROOT); // not the (long) query string
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.contains("/composite/sobjects") || path.endsWith("/query") || path.endsWith("/queryall");
    }

    private static final class UnresolvedReference extends RuntimeException {
        UnresolvedReference(String message) {
            super(message);
        }
    }

    /** Replaces {@code @{ref.path}} with values from earlier subrequest responses. */
    private String resolve(String text, Map<String, Object> bodies, Map<String, Boolean> ok) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String path = m.group(2).startsWith(".") ? m.group(2).substring(1) : m.group(2);
            if (!bodies.containsKey(ref)) {
                throw new UnresolvedReference("Invalid reference specified. No value for " + ref + "." + path
                        + " found in " + ref + ". Provided referenceId ('" + ref + "') must be defined before it is used.");
            }
            Object value = Boolean.TRUE.equals(ok.get(ref)) ? walk(bodies.get(ref), path) : null;
            if (value == null) {
                throw new UnresolvedReference("Invalid reference specified. No value for " + ref + "." + path
                        + " found in " + ref + ".");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value.toString()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static Object walk(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            String name = part;
            Integer index = null;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                name = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.indexOf(']')));
            }
            if (!name.isEmpty()) {
                if (!(current instanceof Map<?, ?> map)) {
                    return null;
                }
                current = map.get(name);
            }
            if (index != null) {
                if (!(current instanceof List<?> list) || index >= list.size()) {
                    return null;
                }
                current = list.get(index);
            }
        }
        return current;
    }

    private static Map<String, Object> response(String refId, int status, Object body, Map<String, String> headers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("body", body);
        out.put("httpHeaders", headers);
        out.put("httpStatusCode", status);
        out.put("referenceId", refId);
        return out;
    }

    private static Map<String, Object> halted(String refId, String message) {
        return response(refId, 400, List.of(ApiError.of("PROCESSING_HALTED", message).restShape()), Map.of());
    }

    private static List<Map<String, Object>> errors(ApiException e) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ApiError err : e.errors()) {
            list.add(err.restShape());
        }
        return list;
    }
}
