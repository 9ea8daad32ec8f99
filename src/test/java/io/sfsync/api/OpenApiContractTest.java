package io.sfsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * The OpenAPI document of /api/openapi.json, read by an OpenAPI parser (swagger-parser), and a client driven
 * by it: every operation is called, and every answer — success and error — is checked against the schema
 * the document gives for its status: each declared property present (null only where nullable), of its
 * type, and no property the document does not declare.
 */
class OpenApiContractTest {
    static SfsyncRuntime rt;
    static int port;
    static OpenAPI spec;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> called = new LinkedHashSet<>();

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        rt = SfsyncRuntime.start(SfsyncRuntime.Options.defaults().withEmulator(true).withDemo(true).withSchedules(false)
                .withOverrides(Map.of("sfsync.source.url", "jdbc:h2:mem:openapi;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "40",
                        "camel.main.jmx-enabled", "false", "camel.server.port", String.valueOf(port),
                        "sfsync.hawtio.enabled", "false", "sfsync.limits.watch", "false",
                        "env.SFSYNC_ADMIN_PASSWORD", "admin-pass", "env.SFSYNC_OPERATOR_PASSWORD", "operator-pass",
                        "env.SFSYNC_VIEWER_PASSWORD", "viewer-pass")));
        rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
        String document = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
        assertThat(parsed.getMessages()).as("the parser's complaints").isEmpty();
        spec = parsed.getOpenAPI();
    }

    @AfterAll
    static void stop() {
        rt.close();
    }

    @Test
    void theDocumentNamesTheRealServerStableOperationsTypedParametersAndItsSecurity() {
        assertThat(spec.getServers()).extracting(s -> s.getUrl()).containsExactly("http://127.0.0.1:" + port + "/api");
        assertThat(spec.getComponents().getSecuritySchemes().get("basicAuth").getScheme()).isEqualTo("basic");
        List<String> ids = new ArrayList<>();
        spec.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            ids.add(op.getOperationId());
            boolean secured = op.getSecurity() != null && op.getSecurity().stream().anyMatch(r -> r.containsKey("basicAuth"));
            assertThat(secured).as(method + " " + path + " asks for HTTP Basic").isEqualTo(!path.equals("/health"));
            assertThat(op.getResponses()).as(method + " " + path).containsKey("200");
        }));
        assertThat(ids).doesNotHaveDuplicates().noneMatch(id -> id == null || id.matches("verb\\d+"));
        assertThat(spec.getSecurity()).as("no global security (health is public)").isNullOrEmpty();
        assertThat(parameter("/runs", PathItem.HttpMethod.GET, "limit").getSchema().getType()).isEqualTo("integer");
        assertThat(parameter("/log", PathItem.HttpMethod.GET, "page").getSchema().getType()).isEqualTo("integer");
        assertThat(parameter("/runs/{id}", PathItem.HttpMethod.GET, "id").getSchema().getType()).isEqualTo("integer");
        assertThat(parameter("/log", PathItem.HttpMethod.GET, "from").getSchema().getFormat()).isEqualTo("date-time");
        assertThat(operation("/jobs/{job}/resync", PathItem.HttpMethod.POST).getRequestBody()).isNotNull();
    }

    @Test
    void everyOperationAnswersAsTheDocumentSays() throws Exception {
        String leadId = rt.emulator().seed(Map.of("Lead", List.of(Map.of("_ref", "l", "LastName", "Contract",
                "Company", "C", "Email", "contract@x.example")))).get("l");
        JsonNode runs = call("GET", "/runs", "?limit=5", "viewer", null, 200);
        long runId = runs.get(0).get("id").asLong();
        call("GET", "/health", "", null, null, 200);
        call("GET", "/runs/{id}", "", "viewer", null, 200, "id", String.valueOf(runId));
        call("GET", "/log", "?size=20&page=0", "viewer", null, 200);
        call("GET", "/summary", "", "viewer", null, 200);
        call("POST", "/jobs/{job}/run", "", "operator", "{}", 200, "job", "people");
        call("POST", "/jobs/{job}/retry", "", "operator", "{}", 200, "job", "people");
        call("POST", "/jobs/{job}/resync", "", "operator", "{\"since\": \"2999-01-01T00:00:00Z\"}", 200, "job", "people");
        call("POST", "/records/{job}/{key}/link", "", "operator", "{\"sfId\": \"" + leadId + "\"}", 200, "job", "people",
                "key", "30");
        call("GET", "/records/{job}/{key}/url", "", "viewer", null, 200, "job", "people", "key", "30");
        call("POST", "/records/{job}/{key}/resync", "", "operator", null, 200, "job", "people", "key", "30");
        call("POST", "/records/{job}/{key}/unlink", "", "operator", null, 200, "job", "people", "key", "30");
        call("POST", "/records/{job}/{key}/relink", "", "operator", "{\"sfId\": \"" + leadId + "\"}", 200, "job", "people",
                "key", "30");
        call("POST", "/records/{job}/{key}/push", "", "operator", "{\"as\": \"Lead\"}", 200, "job", "people", "key", "31");
        call("GET", "/conflicts", "?status=all", "viewer", null, 200);
        call("POST", "/conflicts/{id}/resolve", "", "operator", "{\"take\": \"source\"}", 404, "id", "999999");
        call("POST", "/lookup", "", "viewer", "{\"emails\": [\"contract@x.example\"], \"domains\": [\"x.example\"]}", 200);
        call("GET", "/connection", "", "viewer", null, 200);
        call("POST", "/connection/reconnect", "", "operator", null, 200);
        call("GET", "/usage", "", "viewer", null, 200);
        call("GET", "/me", "", "viewer", null, 200);
        JsonNode cluster = call("GET", "/cluster", "", "viewer", null, 200);
        assertThat(cluster.get("clustered").asBoolean()).as("H2: one in-memory scheduler").isFalse();
        assertThat(cluster.get("jobs")).extracting(j -> j.get("job").asText()).contains("people");
        call("GET", "/config/status", "", "viewer", null, 200);
        HttpResponse<String> metrics = send("GET", "/api/metrics", "viewer", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        called.add("getMetrics");
        // the errors too, each as the document's Problem
        call("GET", "/runs", "?limit=lots", "viewer", null, 400);
        call("GET", "/runs", "", null, null, 401);
        call("POST", "/jobs/{job}/run", "", "viewer", "{}", 403, "job", "people");
        call("GET", "/runs/{id}", "", "viewer", null, 404, "id", "999999");
        call("POST", "/jobs/{job}/resync", "", "operator", "{}", 409, "job", "crm");

        List<String> all = new ArrayList<>();
        spec.getPaths().values().forEach(item -> item.readOperations().forEach(op -> all.add(op.getOperationId())));
        assertThat(called).as("operations called").containsAll(all);
    }

    private static io.swagger.v3.oas.models.parameters.Parameter parameter(String path, PathItem.HttpMethod method, String name) {
        return operation(path, method).getParameters().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Operation operation(String path, PathItem.HttpMethod method) {
        Operation op = spec.getPaths().get(path).readOperationsMap().get(method);
        assertThat(op).as(method + " " + path + " in the document").isNotNull();
        return op;
    }

    /** Calls the operation at this templated path, checks the status and validates the body against its schema. */
    private static JsonNode call(String method, String template, String query, String user, String body, int status,
            String... pathParams) throws Exception {
        Operation op = operation(template, PathItem.HttpMethod.valueOf(method));
        String path = template;
        for (int i = 0; i < pathParams.length; i += 2) {
            path = path.replace("{" + pathParams[i] + "}", pathParams[i + 1]);
        }
        HttpResponse<String> r = send(method, "/api" + path + query, user, body);
        String what = method + " " + path + query + " as " + user;
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
        var response = op.getResponses().get(String.valueOf(status));
        assertThat(response).as(what + ": the document declares status " + status).isNotNull();
        Schema<?> schema = response.getContent().get("application/json").getSchema();
        JsonNode json = JSON.readTree(r.body());
        List<String> problems = new ArrayList<>();
        check(schema, json, "$", problems);
        assertThat(problems).as(what + " against the document's schema\n" + r.body()).isEmpty();
        called.add(op.getOperationId());
        return json;
    }

    private static HttpResponse<String> send(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pass")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A strict check of a JSON value against an OpenAPI 3.0 schema (fully resolved: no $ref left). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static void check(Schema<?> schema, JsonNode value, String at, List<String> problems) {
        if (value == null || value.isNull()) {
            if (!Boolean.TRUE.equals(schema.getNullable())) {
                problems.add(at + ": null, but not nullable");
            }
            return;
        }
        String type = schema.getType();
        if (type == null && schema.getProperties() != null) {
            type = "object";
        }
        if (type == null) {
            return; // any value
        }
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(at + ": expected an object, not " + value.getNodeType());
                    return;
                }
                Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : (Map) schema.getProperties();
                properties.forEach((name, property) -> {
                    if (!value.has(name)) {
                        if (!Boolean.TRUE.equals(property.getNullable())) {
                            problems.add(at + "." + name + ": missing");
                        }
                    } else {
                        check(property, value.get(name), at + "." + name, problems);
                    }
                });
                Object extra = schema.getAdditionalProperties();
                value.fieldNames().forEachRemaining(name -> {
                    if (properties.containsKey(name)) {
                        return;
                    }
                    if (extra instanceof Schema s) {
                        check(s, value.get(name), at + "." + name, problems);
                    } else if (!Boolean.TRUE.equals(extra)) {
                        problems.add(at + "." + name + ": not in the document");
                    }
                });
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + ": expected an array, not " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.getItems(), value.get(i), at + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + ": expected a string, not " + value);
                } else if (schema.getEnum() != null && !schema.getEnum().isEmpty()
                        && !schema.getEnum().stream().map(String::valueOf).toList().contains(value.asText())) {
                    problems.add(at + ": '" + value.asText() + "' is not one of " + schema.getEnum());
                } else if ("date-time".equals(schema.getFormat())) {
                    try {
                        java.time.Instant.parse(value.asText());
                    } catch (java.time.format.DateTimeParseException e) {
                        problems.add(at + ": '" + value.asText() + "' is not a date-time");
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(at + ": expected an integer, not " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(at + ": expected a number, not " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + ": expected a boolean, not " + value);
                }
            }
            default -> problems.add(at + ": the document's type '" + type + "' is unknown to this check");
        }
    }
}
