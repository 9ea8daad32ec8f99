package io.sfsync.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import io.sfsync.emulator.api.ApiError;
import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.api.ApiRequest;
import io.sfsync.emulator.api.ApiResponse;
import io.sfsync.emulator.api.Session;
import io.sfsync.emulator.auth.OAuthEndpoints;
import io.sfsync.emulator.control.Faults;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.store.Transaction;

/**
 * The HTTP gateway: OAuth endpoints, the version list, and for every REST call authentication,
 * the daily and concurrent limits, call counting, latency, injected faults, one transaction per
 * request and Sforce-Limit-Info on the way out.
 */
final class EmulatorHandler extends Handler.Abstract {
    private static final Pattern DATA_PATH = Pattern.compile("^/services/data/v(\\d+\\.\\d)(?:/(.*))?$");
    private static final Pattern ASYNC_PATH = Pattern.compile("^/services/async/(\\d+\\.\\d)(?:/(.*))?$");
    private static final double MIN_VERSION = 31.0;
    private static final double MAX_VERSION = 65.0;

    private final SalesforceEmulator emulator;

    EmulatorHandler(SalesforceEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request).replaceAll("/{2,}", "/");
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.put(f.getName().toLowerCase(Locale.ROOT), f.getValue());
        }
        Map<String, List<String>> query = parseQuery(request.getHttpURI().getQuery());
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);

        if (path.startsWith("/_emulator")) {
            send(response, callback, emulator.control().handle(method, path.substring("/_emulator".length()), query, body));
            return true;
        }
        String recordId = method.equals("GET") ? RecordPage.idOf(path) : null;
        if (recordId != null) {
            // a browser following a record link (not an API call: not counted, no latency)
            Map<String, Object> record = emulator.org().store().get(recordId);
            send(response, callback, ApiResponse.text(record == null ? 404 : 200, RecordPage.html(recordId, record),
                    "text/html; charset=utf-8"));
            return true;
        }
        Matcher m = DATA_PATH.matcher(path);
        Matcher async = ASYNC_PATH.matcher(path);
        if (!m.matches() && !async.matches()) {
            sleep(emulator.faults().latencyMs()); // an API call's latency is spent in flight, below
        }
        if (path.equals("/services/oauth2/token")) {
            Map<String, List<String>> form = new LinkedHashMap<>(query);
            if (body != null && !body.isBlank()) {
                form.putAll(parseQuery(body));
            }
            Map<String, String> single = new LinkedHashMap<>();
            form.forEach((k, v) -> single.put(k, v.isEmpty() ? null : v.get(0)));
            OAuthEndpoints.Answer a = emulator.oauth().token(single, emulator.instanceUrl());
            send(response, callback, ApiResponse.json(a.status(), a.body()));
            return true;
        }
        if (path.equals("/services/oauth2/revoke")) {
            String token = first(query, "token");
            if (token == null && body != null) {
                token = first(parseQuery(body), "token");
            }
            boolean ok = token != null && emulator.sessions().revoke(token);
            send(response, callback, ok ? ApiResponse.json(200, Map.of())
                    : ApiResponse.json(400, Map.of("error", "unsupported_token_type", "error_description",
                            "this token type is not supported")));
            return true;
        }
        if (path.equals("/services/data") || path.equals("/services/data/")) {
            send(response, callback, ApiResponse.json(200, versions()));
            return true;
        }
        Session session = emulator.sessions().find(bearer(headers, query));
        if (path.equals("/services/oauth2/userinfo") || path.startsWith("/id/")) {
            if (session == null) {
                send(response, callback, ApiResponse.text(403, "Bad_OAuth_Token", "text/plain"));
            } else {
                send(response, callback, ApiResponse.json(200, path.equals("/services/oauth2/userinfo")
                        ? emulator.oauth().userinfo(session, emulator.instanceUrl(), SalesforceEmulator.DEFAULT_API_VERSION)
                        : emulator.oauth().identity(session, emulator.instanceUrl(), SalesforceEmulator.DEFAULT_API_VERSION)));
            }
            return true;
        }
        if (async.matches()) {
            String token = headers.get("x-sfdc-session");
            bulk1(response, callback, method, async.group(1), trimSlashes(async.group(2)), body,
                    token != null ? emulator.sessions().find(token) : session);
            return true;
        }
        if (!m.matches()) {
            send(response, callback, error(ApiException.notFound()));
            return true;
        }
        api(request, response, callback, method, m.group(1), trimSlashes(m.group(2)), query, headers, body, session);
        return true;
    }

    /** An API call refused before the org takes it up: it takes its round trip all the same. */
    private void refuse(Response response, Callback callback, ApiResponse answer) {
        sleep(emulator.faults().latencyMs());
        send(response, callback, answer);
    }

    private void api(Request request, Response response, Callback callback, String method, String version,
            String rest, Map<String, List<String>> query, Map<String, String> headers, String body, Session session) {
        if (session == null) {
            refuse(response, callback, error(new ApiException(401, "INVALID_SESSION_ID", "Session expired or invalid")));
            return;
        }
        double v = Double.parseDouble(version);
        if (v < MIN_VERSION || v > MAX_VERSION) {
            refuse(response, callback, error(ApiException.notFound()));
            return;
        }
        if (emulator.limits().exhausted()) {
            refuse(response, callback, withLimitInfo(error(new ApiException(403, "REQUEST_LIMIT_EXCEEDED",
                    "TotalRequests Limit exceeded."))));
            return;
        }
        if (!emulator.limits().enter()) {
            refuse(response, callback, withLimitInfo(error(new ApiException(403, "REQUEST_LIMIT_EXCEEDED",
                    "ConcurrentPerOrgLongTxn Limit exceeded."))));
            return;
        }
        ApiResponse answer = null; // null: the connection is dropped instead
        try {
            // the latency is the time the org spends on the call: the call is in flight (counted against the
            // concurrent limit) through it, as a long-running request is at Salesforce
            sleep(emulator.faults().latencyMs());
            emulator.limits().count(emulator.router().callsCounted(method, rest, body));
            emulator.calls().record(method, rest);
            String faultPath = "data/v" + version + "/" + rest;
            Faults.Kind fault = emulator.faults().decide(method, faultPath);
            if (fault != null && fault != Faults.Kind.LOSE_RESPONSE && fault != Faults.Kind.DROP_CONNECTION) {
                answer = withLimitInfo(error(injected(fault)));
            } else if (fault != Faults.Kind.DROP_CONNECTION) {
                ApiResponse out = process(new ApiRequest(method, version, rest, query, headers, body, session),
                        emulator.faults().recordFaults(method, faultPath));
                // LOSE_RESPONSE: committed, but the client never hears of it
                answer = fault == Faults.Kind.LOSE_RESPONSE ? null : withLimitInfo(out);
            }
        } finally {
            // the org is done with the call before its answer leaves: the client, once answered, may start
            // another without finding this one still counted
            emulator.limits().leave();
        }
        if (answer == null) {
            drop(request, callback);
        } else {
            send(response, callback, answer);
        }
    }

    /**
     * A Bulk API 1.0 call: counted and limited as any API call, latency in flight; its answers (errors too)
     * are XML. Faults injected through the control plane are for the REST API and leave it alone.
     */
    private void bulk1(Response response, Callback callback, String method, String version, String rest, String body,
            Session session) {
        if (session == null) {
            refuse(response, callback, io.sfsync.emulator.api.Bulk1Resource.invalidSession());
            return;
        }
        boolean exhausted = emulator.limits().exhausted();
        if (exhausted || !emulator.limits().enter()) {
            refuse(response, callback, withLimitInfo(io.sfsync.emulator.api.Bulk1Resource.xmlError(403,
                    "ExceededQuota", exhausted ? "TotalRequests Limit exceeded." : "ConcurrentPerOrgLongTxn Limit exceeded.")));
            return;
        }
        ApiResponse out;
        try {
            sleep(emulator.faults().latencyMs());
            emulator.limits().count(1);
            emulator.calls().record(method, "async/" + rest);
            emulator.org().store().lock().lock();
            try {
                out = withLimitInfo(emulator.router().bulk1().handle(method, version, rest, body, session.userId()));
            } finally {
                emulator.org().store().lock().unlock();
            }
        } finally {
            emulator.limits().leave(); // done before the answer leaves, as above
        }
        send(response, callback, out);
    }

    /** Runs the request as one transaction: an error answer leaves nothing written. */
    private ApiResponse process(ApiRequest req, Supplier<ApiError> recordFaults) {
        EmulatedOrg org = emulator.org();
        Transaction tx = new Transaction();
        RecordSaver.Options options = new RecordSaver.Options(req.session().userId(), allowSave(req),
                req.header("Sforce-Auto-Assign"), tx, false, recordFaults);
        org.store().lock().lock();
        try {
            return emulator.router().dispatch(req, options);
        } catch (ApiException e) {
            org.store().rollback(tx);
            return error(e);
        } catch (RuntimeException e) {
            org.store().rollback(tx);
            return error(new ApiException(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred: " + e));
        } finally {
            org.store().lock().unlock();
        }
    }

    private static boolean allowSave(ApiRequest req) {
        String h = req.header("Sforce-Duplicate-Rule-Header");
        if (h == null) {
            return false;
        }
        for (String part : h.split(";")) {
            String[] kv = part.trim().split("=");
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("allowSave")) {
                return Boolean.parseBoolean(kv[1].trim());
            }
        }
        return false;
    }

    private static ApiException injected(Faults.Kind kind) {
        return switch (kind) {
            case SERVER_ERROR -> new ApiException(500, "UNKNOWN_EXCEPTION",
                    "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (-1)");
            case SERVER_UNAVAILABLE -> new ApiException(503, "SERVER_UNAVAILABLE",
                    "Server temporarily unavailable. Please try again later.");
            case CONCURRENT_LIMIT -> new ApiException(403, "REQUEST_LIMIT_EXCEEDED",
                    "ConcurrentPerOrgLongTxn Limit exceeded.");
            case INVALID_SESSION -> new ApiException(401, "INVALID_SESSION_ID", "Session expired or invalid");
            default -> throw new IllegalArgumentException(kind.name());
        };
    }

    private ApiResponse withLimitInfo(ApiResponse r) {
        return r.withHeader("Sforce-Limit-Info", emulator.limits().limitInfoHeader());
    }

    private static ApiResponse error(ApiException e) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (ApiError err : e.errors()) {
            errors.add(err.restShape());
        }
        return ApiResponse.json(e.status(), errors);
    }

    private static void drop(Request request, Callback callback) {
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        callback.failed(new java.io.IOException("connection dropped by the emulator's fault injection"));
    }

    private void send(Response response, Callback callback, ApiResponse r) {
        response.setStatus(r.status());
        r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        if (r.body() == null) {
            callback.succeeded();
            return;
        }
        String text = r.body() instanceof String s ? s : emulator.json().write(r.body());
        if (r.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        }
        Content.Sink.write(response, true, text, callback);
    }

    private static List<Map<String, Object>> versions() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int v = (int) MIN_VERSION; v <= (int) MAX_VERSION; v++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", "Emulated " + v);
            m.put("url", "/services/data/v" + v + ".0");
            m.put("version", v + ".0");
            out.add(m);
        }
        return out;
    }

    private static String bearer(Map<String, String> headers, Map<String, List<String>> query) {
        String auth = headers.get("authorization");
        if (auth != null) {
            int space = auth.indexOf(' ');
            String scheme = space < 0 ? "" : auth.substring(0, space);
            if (scheme.equalsIgnoreCase("Bearer") || scheme.equalsIgnoreCase("OAuth")) {
                return auth.substring(space + 1).trim();
            }
        }
        return first(query, "oauth_token");
    }

    private static String first(Map<String, List<String>> map, String key) {
        List<String> v = map.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String trimSlashes(String s) {
        if (s == null) {
            return "";
        }
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    static Map<String, List<String>> parseQuery(String q) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
