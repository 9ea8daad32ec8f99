package io.sfsync.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A bare HTTP client for tests that look at the wire: status codes, headers and JSON bodies. */
final class RestClient {
    static final String V = "/services/data/v62.0";

    record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final SalesforceEmulator emulator;
    private String token;

    RestClient(SalesforceEmulator emulator) {
        this.emulator = emulator;
    }

    RestClient login() {
        Reply r = token(Map.of("grant_type", "client_credentials", "client_id", emulator.credentials().clientId(),
                "client_secret", emulator.credentials().clientSecret()));
        if (r.status() != 200) {
            throw new IllegalStateException("login failed: " + r.raw().body());
        }
        token = r.json().get("access_token").asText();
        return this;
    }

    Reply token(Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(emulator.loginUrl() + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply get(String path) {
        return call("GET", path, null, Map.of());
    }

    Reply post(String path, Object body) {
        return call("POST", path, body, Map.of());
    }

    Reply patch(String path, Object body) {
        return call("PATCH", path, body, Map.of());
    }

    Reply delete(String path) {
        return call("DELETE", path, null, Map.of());
    }

    Reply query(String soql) {
        return get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
    }

    Reply call(String method, String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.instanceUrl() + path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            headers.forEach(b::header);
            String text = body == null ? null : body instanceof String s ? s : mapper.writeValueAsString(body);
            if (text != null && !headers.containsKey("Content-Type")) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
            return send(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.contains("json") && !r.body().isEmpty()) {
                json = mapper.readTree(r.body());
            }
            return new Reply(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
