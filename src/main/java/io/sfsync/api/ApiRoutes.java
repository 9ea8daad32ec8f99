package io.sfsync.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sfsync.synclog.SyncStore;

/**
 * The management REST API (Camel REST DSL on platform-http), documented at /api/openapi.json. Every
 * endpoint but /api/health requires HTTP Basic authentication; see {@link Access} for the roles.
 */
public final class ApiRoutes extends RouteBuilder {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiRoutes.class);
    private final SyncApi api;
    private final Access access;
    private final PrometheusMeterRegistry metrics;
    private final ObjectMapper mapper = new ObjectMapper();

    private static String binaryName(String canonical) {
        String nested = ApiModel.class.getCanonicalName() + ".";
        return canonical != null && canonical.startsWith(nested)
                ? ApiModel.class.getName() + "$" + canonical.substring(nested.length()) : canonical;
    }

    /** host:port the OpenAPI document names as its server. */
    private final String serverHost;

    public ApiRoutes(SyncApi api, Access access, PrometheusMeterRegistry metrics, String serverHost) {
        this.serverHost = serverHost;
        this.api = api;
        this.access = access;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").contextPath("/api").bindingMode(RestBindingMode.off)
                .apiContextPath("/openapi.json").apiProperty("api.title", "sfsync management API")
                .apiProperty("api.version", "1")
                .apiProperty("api.description", "Runs, the sync log, jobs, records, conflicts, the Salesforce connection."
                        + " HTTP Basic; roles viewer (read), operator (run, retry, resync, link, reconnect), admin.")
                // the servers entry: where this instance really listens (not 0.0.0.0)
                .apiHost(serverHost).apiProperty("schemes", "http");
        rest().securityDefinitions().basicAuth("basicAuth", "HTTP Basic: SFSYNC_ADMIN_PASSWORD, SFSYNC_OPERATOR_PASSWORD"
                + " or SFSYNC_VIEWER_PASSWORD, user admin, operator or viewer").end();

        rest("/health").description("Liveness and the Salesforce connection state (no authentication)")
                .get().id("health").produces("application/json").outType(ApiModel.Health.class)
                    .responseMessage().code(503).message("the connection is BROKEN").responseModel(ApiModel.Health.class).endResponseMessage()
                    .to("direct:api-health");
        rest("/runs").description("Sync runs and their reports")
                .get().id("listRuns").produces("application/json").outType(ApiModel.Run[].class)
                    .param().name("job").type(RestParamType.query).required(false).description("only this job's runs").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").required(false)
                        .description("1 to 1000, default 50").endParam()
                    .to("direct:api-runs")
                .get("/{id}").id("getRun").produces("application/json").outType(ApiModel.RunDetail.class)
                    .param().name("id").type(RestParamType.path).dataType("integer").endParam()
                    .to("direct:api-run");
        rest("/log").description("The sync log, newest first, filtered and paged")
                .get().id("listLog").produces("application/json").outType(ApiModel.LogPage.class)
                    .param().name("status").type(RestParamType.query).required(false)
                        .allowableValues("CREATED", "UPDATED", "SKIPPED", "DUPLICATE", "ERROR", "PENDING", "LINKED", "UNLINKED",
                                "CONFLICT").endParam()
                    .param().name("reason").type(RestParamType.query).required(false).description("a reason code").endParam()
                    .param().name("job").type(RestParamType.query).required(false).endParam()
                    .param().name("sourceKey").type(RestParamType.query).required(false).endParam()
                    .param().name("sfId").type(RestParamType.query).required(false).endParam()
                    .param().name("runId").type(RestParamType.query).dataType("integer").required(false).endParam()
                    .param().name("from").type(RestParamType.query).dataFormat("date-time").required(false)
                        .description("ISO instant").endParam()
                    .param().name("to").type(RestParamType.query).dataFormat("date-time").required(false)
                        .description("ISO instant").endParam()
                    .param().name("page").type(RestParamType.query).dataType("integer").required(false)
                        .description("from 0").endParam()
                    .param().name("size").type(RestParamType.query).dataType("integer").required(false)
                        .description("1 to 500, default 50").endParam()
                    .to("direct:api-log");
        rest("/summary").description("Created vs attempted, per Salesforce object, in a time window (default: today, UTC)")
                .get().id("getSummary").produces("application/json").outType(ApiModel.Summary.class)
                    .param().name("job").type(RestParamType.query).required(false).endParam()
                    .param().name("from").type(RestParamType.query).dataFormat("date-time").required(false)
                        .description("ISO instant; default midnight UTC today").endParam()
                    .param().name("to").type(RestParamType.query).dataFormat("date-time").required(false)
                        .description("ISO instant").endParam()
                    .to("direct:api-summary");
        rest("/jobs").description("Run, retry or resync a job now")
                .post("/{job}/run").id("runJob").consumes("application/json").produces("application/json")
                    .type(ApiModel.RunRequest.class).outType(ApiModel.RunResult.class)
                    .description("Body (optional): {\"segment\": \"valid\", \"dryRun\": true}").to("direct:api-trigger")
                .post("/{job}/retry").id("retryJob").consumes("application/json").produces("application/json")
                    .type(ApiModel.RetryRequest.class).outType(ApiModel.RunResult.class)
                    .description("Runs the rows whose last outcome was an error again (and touchpoints put back in line)."
                            + " Body (optional): {\"runId\": 12, \"reason\": \"REQUIRED_FIELD_MISSING\"}").to("direct:api-retry-job")
                .post("/{job}/resync").id("resyncJob").consumes("application/json").produces("application/json")
                    .type(ApiModel.ResyncRequest.class).outType(ApiModel.RunResult.class)
                    .description("Reads rows already synced again (unchanged ones cost no call). Body (optional, one of):"
                            + " {\"since\": \"2026-12-01T00:00:00Z\"}, {\"keys\": [\"42\"]}, {\"reason\": \"NOT_IN_SEGMENT\"};"
                            + " none: every row").to("direct:api-resync-job");
        rest("/records/{job}/{key}").description("One source row: push, link, unlink, relink, resync, open in Salesforce")
                .post("/push").id("pushRecord").consumes("application/json").produces("application/json")
                    .type(ApiModel.PushRequest.class).outType(ApiModel.RecordResult.class)
                    .description("Body: {\"as\": \"Lead\" | \"Contact\"}").to("direct:api-push")
                .post("/link").id("linkRecord").consumes("application/json").produces("application/json")
                    .type(ApiModel.LinkRequest.class).outType(ApiModel.LinkResult.class)
                    .description("Body: {\"sfId\": \"00Q…\"}").to("direct:api-link")
                .post("/unlink").id("unlinkRecord").produces("application/json").outType(ApiModel.UnlinkResult.class)
                    .to("direct:api-unlink")
                .post("/relink").id("relinkRecord").consumes("application/json").produces("application/json")
                    .type(ApiModel.LinkRequest.class).outType(ApiModel.LinkResult.class)
                    .description("Body: {\"sfId\": \"003…\"}").to("direct:api-relink")
                .post("/resync").id("resyncRecord").produces("application/json").outType(ApiModel.RecordResult.class)
                    .to("direct:api-resync")
                .get("/url").id("recordUrl").produces("application/json").outType(ApiModel.RecordUrl.class)
                    .to("direct:api-url");
        rest("/conflicts").description("Records of inbound jobs that differed from their row when first linked")
                .get().id("listConflicts").produces("application/json").outType(ApiModel.Conflict[].class)
                    .param().name("job").type(RestParamType.query).required(false).description("one job's conflicts").endParam()
                    .param().name("status").type(RestParamType.query).required(false)
                        .allowableValues("open", "took_salesforce", "took_source", "merged", "all")
                        .description("default open").endParam()
                    .to("direct:api-conflicts")
                .post("/{id}/resolve").id("resolveConflict").consumes("application/json").produces("application/json")
                    .type(ApiModel.ResolveRequest.class).outType(ApiModel.Conflict.class)
                    .param().name("id").type(RestParamType.path).dataType("integer").endParam()
                    .description("Body: {\"take\": \"salesforce\" | \"source\"}").to("direct:api-resolve-conflict");
        rest("/lookup").description("Are these emails Leads or Contacts, these domains Accounts? One API call")
                .post().id("lookup").consumes("application/json").produces("application/json")
                    .type(ApiModel.LookupRequest.class).outType(ApiModel.LookupAnswer.class)
                    .description("Body: {\"emails\": [...], \"domains\": [...]}").to("direct:api-lookup");
        rest("/connection").description("The Salesforce connection: state and Fix now")
                .get().id("getConnection").produces("application/json").outType(ApiModel.Connection.class)
                    .to("direct:api-connection")
                .post("/reconnect").id("reconnect").produces("application/json").outType(ApiModel.Reconnected.class)
                    .to("direct:api-reconnect");
        rest("/usage").description("Daily API usage and sfsync's budget")
                .get().id("getUsage").produces("application/json").outType(ApiModel.Usage.class).to("direct:api-usage");
        rest("/cluster").description("The instances serving together, and who runs what")
                .get().id("getCluster").produces("application/json").outType(ApiModel.Cluster.class)
                    .to("direct:api-cluster");
        rest("/me").description("Who is signed in, their role, and what they may do")
                .get().id("whoAmI").produces("application/json").outType(ApiModel.Me.class).to("direct:api-me");
        rest("/config").description("The running configuration")
                .get("/status").id("getConfigStatus").produces("application/json").outType(ApiModel.ConfigStatus.class)
                    .description("Whether the last change of sync.yaml applied (OK), was refused (INVALID, every problem with"
                            + " its path; the running configuration stays), what changed and what needs a restart")
                    .to("direct:api-config-status");
        rest("/metrics").description("Prometheus metrics")
                .get().id("getMetrics").produces("text/plain")
                    .responseMessage().code(200).message("the metrics in Prometheus' text format").endResponseMessage()
                    .to("direct:api-metrics");
        // every operation's errors share one shape: {"error": …, "expected": …, and the parameter or field at fault}
        for (org.apache.camel.model.rest.RestDefinition rest : getRestCollection().getRests()) {
            for (org.apache.camel.model.rest.VerbDefinition verb : rest.getVerbs()) {
                // the REST DSL names classes by their canonical name; the schemas are nested in ApiModel: binary names
                verb.setType(binaryName(verb.getType()));
                verb.setOutType(binaryName(verb.getOutType()));
                if (verb.getResponseMsgs() != null) {
                    verb.getResponseMsgs().forEach(m -> m.setResponseModel(binaryName(m.getResponseModel())));
                }
                if (verb.getResponseMsgs() == null) {
                    verb.setResponseMsgs(new java.util.ArrayList<>());
                }
                boolean open = "health".equals(verb.getId());
                if (!open) {
                    // every operation but health asks for HTTP Basic (its role is in the description of the error codes)
                    org.apache.camel.model.rest.SecurityDefinition basic = new org.apache.camel.model.rest.SecurityDefinition();
                    basic.setKey("basicAuth");
                    if (verb.getSecurity() == null) {
                        verb.setSecurity(new java.util.ArrayList<>());
                    }
                    verb.getSecurity().add(basic);
                }
                for (String[] r : open ? new String[0][] : new String[][] {{"400", "a bad parameter or body field, named"},
                        {"401", "no or wrong credentials"}, {"403", "the role is not enough"},
                        {"404", "no such job, row, run or conflict"}, {"409", "the job is busy, or the action does not apply"}}) {
                    org.apache.camel.model.rest.ResponseMessageDefinition d = new org.apache.camel.model.rest.ResponseMessageDefinition(verb);
                    d.setCode(r[0]);
                    d.setMessage(r[1]);
                    d.setResponseModel(ApiModel.Problem.class.getName());
                    verb.getResponseMsgs().add(d);
                }
            }
        }

        from("direct:api-health").routeId("api-health").process(e -> {
            Map<String, Object> c = api.connection();
            // public: the state only (the reason, Salesforce's own words, is for signed-in users: /api/connection)
            respond(e, c.get("state").equals("BROKEN") ? 503 : 200, Map.of("status", c.get("state")));
        });
        from("direct:api-runs").routeId("api-runs").process(access.viewer())
                .process(e -> json(e, x -> {
                    Params p = new Params(x, "job", "limit");
                    return api.runs(p.text("job"), p.integer("limit", 50, 1, 1000));
                }));
        from("direct:api-run").routeId("api-run").process(access.viewer())
                .process(e -> json(e, x -> api.run(new Params(x).id("id"))));
        from("direct:api-log").routeId("api-log").process(access.viewer())
                .process(e -> json(e, x -> {
                    Params p = new Params(x, "status", "reason", "job", "sourceKey", "sfId", "runId", "from", "to", "page", "size");
                    return api.log(new SyncStore.LogFilter(p.status("status"), p.text("reason"), p.text("job"),
                            p.text("sourceKey"), p.text("sfId"), p.optionalId("runId"), p.instant("from"), p.instant("to")),
                            p.integer("page", 0, 0, Integer.MAX_VALUE), p.integer("size", 50, 1, 500));
                }));
        from("direct:api-summary").routeId("api-summary").process(access.viewer())
                .process(e -> json(e, x -> {
                    Params p = new Params(x, "job", "from", "to");
                    return api.summary(p.text("job"), p.instant("from"), p.instant("to"));
                }));
        from("direct:api-trigger").routeId("api-trigger").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    Body body = body(x, "{\"segment\": \"valid\", \"dryRun\": true}", "segment", "dryRun");
                    return api.trigger(p.path("job"), body.text("segment", "a string: the name of a segment of the job"),
                            Boolean.TRUE.equals(body.bool("dryRun")), "api");
                }));
        from("direct:api-retry-job").routeId("api-retry-job").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    Body body = body(x, "{\"reason\": \"REQUIRED_FIELD_MISSING\"}", "runId", "reason");
                    return api.retryJob(p.path("job"), body.id("runId", "the id of one of the job's runs"),
                            body.text("reason", "a reason code such as REQUIRED_FIELD_MISSING"), "api");
                }));
        from("direct:api-resync-job").routeId("api-resync-job").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    Body body = body(x, "{\"since\": \"2026-12-01T00:00:00Z\"}", "since", "keys", "reason");
                    return api.resyncJob(p.path("job"), body.text("since", "an ISO-8601 instant such as 2026-12-01T00:00:00Z"),
                            body.strings("keys", "a list of source keys"), body.text("reason", "a reason code such as NOT_IN_SEGMENT"),
                            "api");
                }));
        from("direct:api-cluster").routeId("api-cluster").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return api.cluster();
                }));
        from("direct:api-me").routeId("api-me").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return access.me(x);
                }));
        from("direct:api-config-status").routeId("api-config-status").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return api.configStatus();
                }));
        from("direct:api-conflicts").routeId("api-conflicts").process(access.viewer())
                .process(e -> json(e, x -> {
                    Params p = new Params(x, "job", "status");
                    return api.conflicts(p.text("job"), p.text("status"));
                }));
        from("direct:api-resolve-conflict").routeId("api-resolve-conflict").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    Body body = body(x, "{\"take\": \"salesforce\"}", "take");
                    return api.resolveConflict(p.id("id"), body.text("take", "\"salesforce\" or \"source\""), user(x));
                }));
        from("direct:api-push").routeId("api-push").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    Body body = body(x, "{\"as\": \"Contact\"}", "as");
                    return api.push(p.path("job"), p.path("key"), body.text("as", "\"Lead\" or \"Contact\""));
                }));
        from("direct:api-link").routeId("api-link").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    return api.link(p.path("job"), p.path("key"), sfId(x), user(x));
                }));
        from("direct:api-unlink").routeId("api-unlink").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    body(x, "{}");
                    return api.unlink(p.path("job"), p.path("key"), user(x));
                }));
        from("direct:api-relink").routeId("api-relink").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    return api.relink(p.path("job"), p.path("key"), sfId(x), user(x));
                }));
        from("direct:api-resync").routeId("api-resync").process(access.manage())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    body(x, "{}");
                    return api.resync(p.path("job"), p.path("key"));
                }));
        from("direct:api-url").routeId("api-url").process(access.viewer())
                .process(e -> json(e, x -> {
                    Params p = new Params(x);
                    return api.url(p.path("job"), p.path("key"));
                }));
        from("direct:api-lookup").routeId("api-lookup").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    Body body = body(x, "{\"emails\": [\"ada@example.com\"], \"domains\": [\"example.com\"]}",
                            "emails", "domains");
                    String list = "a list of strings, e.g. [\"ada@example.com\"]";
                    List<String> emails = body.strings("emails", list);
                    List<String> domains = body.strings("domains", "a list of strings, e.g. [\"example.com\"]");
                    if (emails == null && domains == null) {
                        throw new SyncApi.ApiProblem(400, "the body needs emails and/or domains, each " + list,
                                SyncApi.ApiProblem.details("field", "emails", "expected", list));
                    }
                    return api.lookup(emails == null ? List.of() : emails, domains == null ? List.of() : domains);
                }));
        from("direct:api-connection").routeId("api-connection").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return api.connection();
                }));
        from("direct:api-reconnect").routeId("api-reconnect").process(access.repair())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return api.reconnect(user(x));
                }));
        from("direct:api-usage").routeId("api-usage").process(access.viewer())
                .process(e -> json(e, x -> {
                    new Params(x);
                    return api.usage();
                }));
        from("direct:api-metrics").routeId("api-metrics").process(access.viewer())
                .process(e -> {
                    e.getMessage().removeHeaders("*"); // request headers and parameters are not echoed back
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    e.getMessage().setBody(metrics.scrape());
                });
    }

    private void json(Exchange e, Function<Exchange, Object> work) {
        try {
            respond(e, 200, work.apply(e));
        } catch (SyncApi.ApiProblem p) {
            respond(e, p.status(), p.body());
        } catch (RuntimeException failed) {
            // never an empty 500: the reason, in the same JSON shape (the stack trace goes to the log)
            LOG.warn("{} {} failed", e.getMessage().getHeader(Exchange.HTTP_METHOD), e.getMessage().getHeader(Exchange.HTTP_URI),
                    failed);
            respond(e, 500, Map.of("error", describe(failed)));
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private void respond(Exchange e, int status, Object body) {
        try {
            String json = mapper.writeValueAsString(body);
            // the request's headers and parameters (Camel keeps them as message headers) are not echoed back
            e.getMessage().removeHeaders("*");
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The request's JSON body: nothing (an empty body is {}) or one object with only the {@code known}
     * fields. Anything else is a 400 naming the body and what it should look like.
     */
    private Body body(Exchange e, String example, String... known) {
        String text = e.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            return new Body(mapper.createObjectNode());
        }
        String expected = "a JSON object such as " + example;
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new SyncApi.ApiProblem(400, "the body is not JSON (" + ex.getOriginalMessage() + "); expected " + expected,
                    SyncApi.ApiProblem.details("field", "body", "expected", expected));
        }
        if (node == null || !node.isObject()) {
            throw new SyncApi.ApiProblem(400, "the body must be " + expected + ", not " + shown(node),
                    SyncApi.ApiProblem.details("field", "body", "expected", expected));
        }
        List<String> allowed = List.of(known);
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new SyncApi.ApiProblem(400, "body field " + name + " is not known here"
                        + (allowed.isEmpty() ? "; this call takes no body fields" : " (known: " + String.join(", ", allowed) + ")"),
                        SyncApi.ApiProblem.details("field", name, "expected", allowed.isEmpty() ? "no fields" : "one of " + String.join(", ", allowed)));
            }
        }
        return new Body(node);
    }

    private String sfId(Exchange x) {
        return body(x, "{\"sfId\": \"00Q…\"}", "sfId").text("sfId",
                "the 15- or 18-character Salesforce Id of a Lead (00Q…) or a Contact (003…)");
    }

    /** A JSON value as the client sent it, shortened, for an error message. */
    static String shown(JsonNode v) {
        String s = v == null ? "null" : v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "…" : s;
    }

    /** The fields of a request body, each read as its type or answered with a 400 naming it. */
    static final class Body {
        private final JsonNode node;

        Body(JsonNode node) {
            this.node = node;
        }

        /** A positive whole-number field (an id); null when absent or JSON null. */
        Long id(String field, String expected) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() <= 0) {
                throw SyncApi.ApiProblem.badField(field, expected, shown(v));
            }
            return v.asLong();
        }

        /** A text field; null when absent or JSON null. */
        String text(String field, String expected) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw SyncApi.ApiProblem.badField(field, expected, shown(v));
            }
            return printable(field, v.asText());
        }

        /** A boolean field; null when absent or JSON null. */
        Boolean bool(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isBoolean()) {
                throw SyncApi.ApiProblem.badField(field, "true or false", shown(v));
            }
            return v.asBoolean();
        }

        /** A list of strings; null when absent or JSON null. */
        List<String> strings(String field, String expected) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray()) {
                throw SyncApi.ApiProblem.badField(field, expected, shown(v));
            }
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (!item.isTextual()) {
                    throw SyncApi.ApiProblem.badField(field + "[" + i + "]", "a string", shown(item));
                }
                out.add(printable(field + "[" + i + "]", item.asText()));
            }
            return out;
        }

        private static String printable(String field, String value) {
            int bad = controlCharacter(value);
            if (bad >= 0) {
                throw new SyncApi.ApiProblem(400, "body field " + field + " must not contain control characters ("
                        + String.format("U+%04X", (int) value.charAt(bad)) + " at position " + bad + ")",
                        SyncApi.ApiProblem.details("field", field, "expected", "printable text"));
            }
            return value;
        }
    }

    /** The index of the first control character (NUL, newline, …) in s, or -1. */
    static int controlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A request's path and query parameters. The query is read from the request's own query string (not
     * from message headers, where HTTP headers of the same name would mix in); a parameter the endpoint does
     * not take, one given twice, or one with control characters (a NUL) is a 400 naming it.
     */
    static final class Params {
        private final Exchange e;
        private final Map<String, String> query = new java.util.LinkedHashMap<>();

        Params(Exchange e, String... known) {
            this.e = e;
            String raw = e.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
            List<String> allowed = List.of(known);
            if (raw == null || raw.isEmpty()) {
                return;
            }
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "the query string");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "parameter " + name);
                if (!allowed.contains(name)) {
                    String expected = allowed.isEmpty() ? "no query parameters" : "one of " + String.join(", ", allowed);
                    throw new SyncApi.ApiProblem(400, "parameter " + shownName(name) + " is not known here"
                            + (allowed.isEmpty() ? "; this call takes no query parameters" : " (known: " + String.join(", ", allowed) + ")"),
                            SyncApi.ApiProblem.details("parameter", shownName(name), "expected", expected));
                }
                if (query.containsKey(name)) {
                    throw new SyncApi.ApiProblem(400, "parameter " + name + " is given more than once",
                            SyncApi.ApiProblem.details("parameter", name, "expected", "one value"));
                }
                query.put(name, printable(name, value));
            }
        }

        private static String shownName(String name) {
            return controlCharacter(name) >= 0 ? name.replaceAll("\\p{Cntrl}", "?") : name;
        }

        private static String decode(String s, String what) {
            try {
                return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException bad) {
                throw new SyncApi.ApiProblem(400, what + " is not URL-encoded properly: " + bad.getMessage(),
                        SyncApi.ApiProblem.details("parameter", what, "expected", "URL-encoded text"));
            }
        }

        private static String printable(String name, String value) {
            int bad = controlCharacter(value);
            if (bad >= 0) {
                throw new SyncApi.ApiProblem(400, "parameter " + shownName(name) + " must not contain control characters ("
                        + String.format("U+%04X", (int) value.charAt(bad)) + " at position " + bad + ")",
                        SyncApi.ApiProblem.details("parameter", shownName(name), "expected", "printable text"));
            }
            return value;
        }

        /** A path parameter ({job}, {key}, {id}). */
        String path(String name) {
            String v = e.getMessage().getHeader(name, String.class);
            if (v == null || v.isBlank()) {
                throw SyncApi.ApiProblem.badParameter(name, "given in the path", null);
            }
            return printable(name, v);
        }

        /** A query parameter; null when absent or blank. */
        String text(String name) {
            String v = query.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        int integer(String name, int def, int min, int max) {
            String v = text(name);
            if (v == null) {
                return def;
            }
            String expected = max == Integer.MAX_VALUE ? "a whole number of at least " + min
                    : "a whole number from " + min + " to " + max;
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw SyncApi.ApiProblem.badParameter(name, expected, v);
                }
                return n;
            } catch (NumberFormatException bad) {
                throw SyncApi.ApiProblem.badParameter(name, expected, "'" + v + "'");
            }
        }

        /** A run id in the path. */
        long id(String name) {
            String v = path(name);
            try {
                long id = Long.parseLong(v.trim());
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw SyncApi.ApiProblem.badParameter(name, "a run id (a positive whole number)", "'" + v + "'");
        }

        Long optionalId(String name) {
            String v = text(name);
            if (v == null) {
                return null;
            }
            try {
                long id = Long.parseLong(v);
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw SyncApi.ApiProblem.badParameter(name, "a run id (a positive whole number)", "'" + v + "'");
        }

        Instant instant(String name) {
            String v = text(name);
            if (v == null) {
                return null;
            }
            try {
                return Instant.parse(v);
            } catch (java.time.format.DateTimeParseException bad) {
                throw SyncApi.ApiProblem.badParameter(name, "an ISO-8601 instant such as 2024-05-01T00:00:00Z", "'" + v + "'");
            }
        }

        /** A sync_log status (CREATED, ERROR, …), any case. */
        String status(String name) {
            String v = text(name);
            if (v == null) {
                return null;
            }
            for (io.sfsync.synclog.Action a : io.sfsync.synclog.Action.values()) {
                if (a.name().equalsIgnoreCase(v)) {
                    return a.name();
                }
            }
            List<String> names = java.util.Arrays.stream(io.sfsync.synclog.Action.values()).map(Enum::name).toList();
            throw SyncApi.ApiProblem.badParameter(name, "one of " + String.join(", ", names), "'" + v + "'");
        }
    }

    private static String user(Exchange e) {
        return e.getProperty(Access.USER, String.class);
    }
}
