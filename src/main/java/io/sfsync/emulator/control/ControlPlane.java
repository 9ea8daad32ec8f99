package io.sfsync.emulator.control;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.api.ApiResponse;
import io.sfsync.emulator.auth.Credentials;
import io.sfsync.emulator.rules.FieldValues;

/**
 * The emulator's own endpoints under /_emulator (not Salesforce): used by tests, the benchmark and
 * the demo to shape the org and make it misbehave. Bound to loopback by default, like the rest.
 *
 * <pre>
 * GET    /_emulator                      status: URLs, org, record counts, API usage, faults, latency
 * POST   /_emulator/reset                baseline org; counters, faults and latency cleared
 * POST   /_emulator/save                 writes the org to the --state file now
 * POST   /_emulator/latency              {"ms": 50}
 * POST   /_emulator/faults               {"kind": "SERVER_ERROR", "rate": 0.1, "count": 3, "path": "composite", "method": "POST", "after": 2}
 * DELETE /_emulator/faults               no more faults
 * POST   /_emulator/sessions/expire      every access token becomes invalid (clients must log in again)
 * POST   /_emulator/credentials          {"clientSecret": "...", "password": "...", "refreshToken": "..."} rotate;
 *                                        {"restore": true}: back to the ones it started with (the org is kept)
 * POST   /_emulator/limits               {"dailyApiLimit": 15000, "used": 14990, "maxConcurrent": 25}
 * POST   /_emulator/seed                 {"Lead": [{...}], ...} or a full org definition {"fields":…,"records":…}
 * POST   /_emulator/fields               {"object": "Lead", "name": "Region__c", "type": "picklist", ...}
 * POST   /_emulator/objects              {"name": "Project__c", "label": "Project", "fields": [...]} (a custom object)
 * POST   /_emulator/leads/{id}/convert   {"accountId": null, "contactId": null}
 * POST   /_emulator/records/{id}/lock    saves fail with INSUFFICIENT_ACCESS_OR_READONLY; DELETE unlocks
 * POST   /_emulator/merge                {"object": "Account", "master": "001...", "duplicates": ["001..."]}
 * POST   /_emulator/touch                {"object": "Contact", "ids": [...], "systemModstamp": "2026-12-02T10:00:00.000Z"}
 * GET    /_emulator/calls                per-endpoint call counts; DELETE resets them
 * </pre>
 */
public final class ControlPlane {
    private final SalesforceEmulator emulator;

    public ControlPlane(SalesforceEmulator emulator) {
        this.emulator = emulator;
    }

    @SuppressWarnings("unchecked")
    public ApiResponse handle(String method, String path, Map<String, List<String>> query, String body) {
        String p = path.replaceAll("/+$", "");
        String[] s = p.isEmpty() ? new String[0] : p.substring(1).split("/");
        try {
            Map<String, Object> in = body == null || body.isBlank() ? Map.of() : emulator.json().object(body);
            if (s.length == 0) {
                return ApiResponse.json(200, status());
            }
            switch (method + " " + s[0]) {
                case "POST reset" -> {
                    emulator.reset();
                    return ApiResponse.json(200, status());
                }
                case "POST save" -> {
                    return ApiResponse.json(200, Map.of("saved", emulator.save()));
                }
                case "POST latency" -> {
                    emulator.faults().latencyMs(((Number) in.getOrDefault("ms", 0)).longValue());
                    return ApiResponse.json(200, Map.of("latencyMs", emulator.faults().latencyMs()));
                }
                case "POST faults" -> {
                    Faults.Rule rule = new Faults.Rule(Faults.kind(String.valueOf(in.get("kind"))),
                            ((Number) in.getOrDefault("rate", 1.0)).doubleValue(),
                            ((Number) in.getOrDefault("count", -1)).intValue(),
                            (String) in.get("path"), (String) in.get("method"),
                            ((Number) in.getOrDefault("after", 0)).intValue());
                    emulator.faults().add(rule);
                    return ApiResponse.json(200, Map.of("faults", emulator.faults().rules()));
                }
                case "DELETE faults" -> {
                    emulator.faults().clear();
                    return ApiResponse.json(200, Map.of("faults", List.of()));
                }
                case "POST sessions" -> {
                    return ApiResponse.json(200, Map.of("expired", emulator.sessions().expireAll()));
                }
                case "POST credentials" -> {
                    if (Boolean.TRUE.equals(in.get("restore"))) {
                        emulator.restoreCredentials();
                        return ApiResponse.json(200, Map.of("restored", true));
                    }
                    Credentials c = emulator.credentials();
                    if (in.get("clientSecret") != null) {
                        c = c.withClientSecret((String) in.get("clientSecret"));
                    }
                    if (in.get("password") != null) {
                        c = c.withPassword((String) in.get("password"));
                    }
                    if (in.get("refreshToken") != null) {
                        c = c.withRefreshToken((String) in.get("refreshToken"));
                    }
                    emulator.credentials(c);
                    return ApiResponse.json(200, Map.of("rotated", true));
                }
                case "POST limits" -> {
                    emulator.limits().set(in.get("dailyApiLimit") == null ? null : ((Number) in.get("dailyApiLimit")).longValue(),
                            in.get("used") == null ? null : ((Number) in.get("used")).longValue(),
                            in.get("maxConcurrent") == null ? null : ((Number) in.get("maxConcurrent")).intValue());
                    return ApiResponse.json(200, emulator.limits().resource());
                }
                case "POST seed" -> {
                    Map<String, Object> definition = in.containsKey("records") || in.containsKey("fields")
                            || in.containsKey("objects") ? in : Map.of("records", in);
                    return ApiResponse.json(200, Map.of("refs", new OrgLoader(emulator).apply(definition)));
                }
                case "POST fields" -> {
                    return ApiResponse.json(200, Map.of("field", new OrgLoader(emulator).addField(in).name()));
                }
                case "POST objects" -> {
                    io.sfsync.emulator.org.SObjectDef def = emulator.defineObject(in);
                    return ApiResponse.json(200, Map.of("object", def.name(), "keyPrefix", def.keyPrefix()));
                }
                case "POST leads" -> {
                    if (s.length == 3 && s[2].equals("convert")) {
                        return ApiResponse.json(200, emulator.convertLead(s[1], (String) in.get("accountId"),
                                (String) in.get("contactId")));
                    }
                    throw ApiException.notFound();
                }
                case "POST records", "DELETE records" -> {
                    if (s.length == 3 && s[2].equals("lock")) {
                        String id = io.sfsync.emulator.org.SalesforceIds.normalize(s[1]);
                        if (id == null) {
                            throw ApiException.badRequest("MALFORMED_ID", "malformed id " + s[1]);
                        }
                        if (method.equals("POST")) {
                            emulator.org().lockedIds().add(id);
                        } else {
                            emulator.org().lockedIds().remove(id);
                        }
                        return ApiResponse.json(200, Map.of("locked", emulator.org().lockedIds()));
                    }
                    throw ApiException.notFound();
                }
                case "POST merge" -> {
                    @SuppressWarnings("unchecked")
                    List<String> duplicates = (List<String>) in.get("duplicates");
                    return ApiResponse.json(200, emulator.merge((String) in.get("object"), (String) in.get("master"),
                            duplicates));
                }
                case "POST touch" -> {
                    @SuppressWarnings("unchecked")
                    List<String> ids = (List<String>) in.get("ids");
                    Object stamp = in.get("systemModstamp");
                    return ApiResponse.json(200, emulator.touch((String) in.get("object"), ids,
                            stamp == null ? null : instant(stamp.toString())));
                }
                case "GET calls" -> {
                    return ApiResponse.json(200, calls());
                }
                case "DELETE calls" -> {
                    emulator.calls().reset();
                    return ApiResponse.json(200, calls());
                }
                default -> throw ApiException.notFound();
            }
        } catch (ApiException e) {
            return ApiResponse.json(e.status(), e.errors().stream().map(x -> x.restShape()).toList());
        } catch (IllegalArgumentException | ClassCastException e) {
            return ApiResponse.json(400, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** A date-time in any of the ISO forms Salesforce accepts ("2026-12-02T10:00:00.000Z", "...+0000"). */
    private static Instant instant(String text) {
        try {
            return EmulatedOrg.DATETIME.parse(FieldValues.normalizeDateTime(text), Instant::from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("systemModstamp is not a date-time: " + text);
        }
    }

    private Map<String, Object> calls() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiCallsCounted", emulator.limits().used());
        out.put("requests", emulator.calls().total());
        out.put("byEndpoint", emulator.calls().snapshot());
        return out;
    }

    private Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loginUrl", emulator.loginUrl());
        out.put("instanceUrl", emulator.instanceUrl());
        out.put("orgId", emulator.org().orgId());
        out.put("integrationUserId", emulator.org().integrationUserId());
        out.put("username", emulator.credentials().username());
        out.put("clientId", emulator.credentials().clientId());
        out.put("records", emulator.org().store().counts());
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("used", emulator.limits().used());
        api.put("max", emulator.limits().max());
        api.put("maxConcurrent", emulator.limits().maxConcurrent());
        out.put("api", api);
        out.put("activeSessions", emulator.sessions().active());
        out.put("latencyMs", emulator.faults().latencyMs());
        out.put("faults", emulator.faults().rules());
        return out;
    }
}
