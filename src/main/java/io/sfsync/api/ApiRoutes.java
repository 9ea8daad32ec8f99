package io.sfsync.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sfsync.synclog.SyncStore;

/**
 * The management REST API (Camel REST DSL on platform-http), documented at /api/openapi.json. Every
 * endpoint but /api/health requires HTTP Basic authentication; see {@link Access} for the roles.
 */
public final class ApiRoutes extends RouteBuilder {
    private final SyncApi api;
    private final Access access;
    private final PrometheusMeterRegistry metrics;
    private final ObjectMapper mapper = new ObjectMapper();

    public ApiRoutes(SyncApi api, Access access, PrometheusMeterRegistry metrics) {
        this.api = api;
        this.access = access;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").contextPath("/api").bindingMode(RestBindingMode.off)
                .apiContextPath("/openapi.json").apiProperty("api.title", "sfsync management API")
                .apiProperty("api.version", "1");

        rest("/health").description("Liveness and the Salesforce connection state (no authentication)")
                .get().produces("application/json").to("direct:api-health");
        rest("/runs").description("Sync runs and their reports")
                .get().produces("application/json")
                    .param().name("job").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .to("direct:api-runs")
                .get("/{id}").produces("application/json").to("direct:api-run");
        rest("/log").description("The sync log, newest first, filtered and paged")
                .get().produces("application/json")
                    .param().name("status").type(RestParamType.query).required(false)
                        .description("CREATED, UPDATED, SKIPPED, DUPLICATE, ERROR, PENDING, LINKED, UNLINKED").endParam()
                    .param().name("reason").type(RestParamType.query).required(false).endParam()
                    .param().name("job").type(RestParamType.query).required(false).endParam()
                    .param().name("sourceKey").type(RestParamType.query).required(false).endParam()
                    .param().name("sfId").type(RestParamType.query).required(false).endParam()
                    .param().name("runId").type(RestParamType.query).required(false).endParam()
                    .param().name("from").type(RestParamType.query).required(false).description("ISO instant").endParam()
                    .param().name("to").type(RestParamType.query).required(false).description("ISO instant").endParam()
                    .param().name("page").type(RestParamType.query).required(false).endParam()
                    .param().name("size").type(RestParamType.query).required(false).endParam()
                    .to("direct:api-log");
        rest("/summary").description("Created vs attempted, per Salesforce object, in a time window (default: today, UTC)")
                .get().produces("application/json")
                    .param().name("job").type(RestParamType.query).required(false).endParam()
                    .param().name("from").type(RestParamType.query).required(false)
                        .description("ISO instant; default midnight UTC today").endParam()
                    .param().name("to").type(RestParamType.query).required(false).description("ISO instant").endParam()
                    .to("direct:api-summary");
        rest("/jobs").description("Run a job now")
                .post("/{job}/run").consumes("application/json").produces("application/json")
                    .description("Body (optional): {\"segment\": \"valid\", \"dryRun\": true}").to("direct:api-trigger");
        rest("/records/{job}/{key}").description("One source row: push, link, unlink, relink, resync, open in Salesforce")
                .post("/push").description("Body: {\"as\": \"Lead\" | \"Contact\"}").to("direct:api-push")
                .post("/link").description("Body: {\"sfId\": \"00Q…\"}").to("direct:api-link")
                .post("/unlink").to("direct:api-unlink")
                .post("/relink").description("Body: {\"sfId\": \"003…\"}").to("direct:api-relink")
                .post("/resync").to("direct:api-resync")
                .get("/url").to("direct:api-url");
        rest("/lookup").description("Are these emails Leads or Contacts, these domains Accounts? One API call")
                .post().consumes("application/json").produces("application/json")
                    .description("Body: {\"emails\": [...], \"domains\": [...]}").to("direct:api-lookup");
        rest("/connection").description("The Salesforce connection: state and Fix now")
                .get().produces("application/json").to("direct:api-connection")
                .post("/reconnect").produces("application/json").to("direct:api-reconnect");
        rest("/usage").description("Daily API usage and sfsync's budget").get().to("direct:api-usage");
        rest("/metrics").description("Prometheus metrics").get().produces("text/plain").to("direct:api-metrics");

        from("direct:api-health").routeId("api-health").process(e -> {
            Map<String, Object> c = api.connection();
            respond(e, c.get("state").equals("BROKEN") ? 503 : 200, Map.of("status", c.get("state"),
                    "reason", c.get("reason")));
        });
        from("direct:api-runs").routeId("api-runs").process(access.viewer())
                .process(e -> json(e, x -> api.runs(query(x, "job"), intQuery(x, "limit", 50))));
        from("direct:api-run").routeId("api-run").process(access.viewer())
                .process(e -> json(e, x -> api.run(Long.parseLong(header(x, "id")))));
        from("direct:api-log").routeId("api-log").process(access.viewer())
                .process(e -> json(e, x -> api.log(new SyncStore.LogFilter(query(x, "status"), query(x, "reason"),
                        query(x, "job"), query(x, "sourceKey"), query(x, "sfId"),
                        query(x, "runId") == null ? null : Long.valueOf(query(x, "runId")),
                        instant(query(x, "from")), instant(query(x, "to"))), intQuery(x, "page", 0), intQuery(x, "size", 50))));
        from("direct:api-summary").routeId("api-summary").process(access.viewer())
                .process(e -> json(e, x -> api.summary(query(x, "job"), instant(query(x, "from")), instant(query(x, "to")))));
        from("direct:api-trigger").routeId("api-trigger").process(access.manage())
                .process(e -> json(e, x -> {
                    Map<String, Object> body = body(x);
                    return api.trigger(header(x, "job"), (String) body.get("segment"),
                            Boolean.TRUE.equals(body.get("dryRun")), "api");
                }));
        from("direct:api-push").routeId("api-push").process(access.manage())
                .process(e -> json(e, x -> api.push(header(x, "job"), header(x, "key"), (String) body(x).get("as"))));
        from("direct:api-link").routeId("api-link").process(access.manage())
                .process(e -> json(e, x -> api.link(header(x, "job"), header(x, "key"), (String) body(x).get("sfId"), user(x))));
        from("direct:api-unlink").routeId("api-unlink").process(access.manage())
                .process(e -> json(e, x -> api.unlink(header(x, "job"), header(x, "key"), user(x))));
        from("direct:api-relink").routeId("api-relink").process(access.manage())
                .process(e -> json(e, x -> api.relink(header(x, "job"), header(x, "key"), (String) body(x).get("sfId"), user(x))));
        from("direct:api-resync").routeId("api-resync").process(access.manage())
                .process(e -> json(e, x -> api.resync(header(x, "job"), header(x, "key"))));
        from("direct:api-url").routeId("api-url").process(access.viewer())
                .process(e -> json(e, x -> api.url(header(x, "job"), header(x, "key"))));
        from("direct:api-lookup").routeId("api-lookup").process(access.viewer())
                .process(e -> json(e, x -> {
                    Map<String, Object> body = body(x);
                    return api.lookup(strings(body.get("emails")), strings(body.get("domains")));
                }));
        from("direct:api-connection").routeId("api-connection").process(access.viewer())
                .process(e -> json(e, x -> api.connection()));
        from("direct:api-reconnect").routeId("api-reconnect").process(access.repair())
                .process(e -> json(e, x -> api.reconnect(user(x))));
        from("direct:api-usage").routeId("api-usage").process(access.viewer())
                .process(e -> json(e, x -> api.usage()));
        from("direct:api-metrics").routeId("api-metrics").process(access.viewer())
                .process(e -> {
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    e.getMessage().setBody(metrics.scrape());
                });
    }

    private void json(Exchange e, Function<Exchange, Object> work) {
        try {
            respond(e, 200, work.apply(e));
        } catch (SyncApi.ApiProblem p) {
            respond(e, p.status(), Map.of("error", p.getMessage()));
        } catch (NumberFormatException | java.time.format.DateTimeParseException bad) {
            respond(e, 400, Map.of("error", "bad parameter: " + bad.getMessage()));
        } catch (IllegalStateException failed) {
            // e.g. a run that could not start because the sync tables refused it: the reason, not a stack trace
            respond(e, 500, Map.of("error", String.valueOf(failed.getMessage())));
        }
    }

    private void respond(Exchange e, int status, Object body) {
        try {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(mapper.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private Map<String, Object> body(Exchange e) {
        String text = e.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            return mapper.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new SyncApi.ApiProblem(400, "the body is not JSON: " + ex.getOriginalMessage());
        }
    }

    private static String header(Exchange e, String name) {
        return e.getMessage().getHeader(name, String.class);
    }

    private static String query(Exchange e, String name) {
        String v = e.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
    }

    private static int intQuery(Exchange e, String name, int def) {
        String v = query(e, name);
        return v == null ? def : Integer.parseInt(v);
    }

    private static Instant instant(String v) {
        return v == null ? null : Instant.parse(v);
    }

    private static String user(Exchange e) {
        return e.getProperty(Access.USER, String.class);
    }

    private static List<String> strings(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
