package io.sfsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;

/**
 * Bad input to the REST API: every malformed body, wrong-typed field, unknown thing and unreadable
 * parameter answers 4xx with a JSON body that names the field or parameter and says what is expected —
 * never a 500, never an empty body — and records nothing (no run, no log row, no link, no API call).
 */
class BadRequestTest {
    static SfsyncRuntime rt;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        rt = SfsyncRuntime.start(SfsyncRuntime.Options.defaults().withEmulator(true).withDemo(true).withSchedules(false)
                .withOverrides(Map.of("sfsync.source.url", "jdbc:h2:mem:bad-requests;DB_CLOSE_DELAY=-1",
                        "sfsync.demo.people", "40", "camel.main.jmx-enabled", "false", "camel.server.port", String.valueOf(port),
                        "sfsync.hawtio.enabled", "false", "sfsync.limits.watch", "false",
                        "env.SFSYNC_OPERATOR_PASSWORD", "operator-pass", "env.SFSYNC_VIEWER_PASSWORD", "viewer-pass")));
        base = "http://127.0.0.1:" + port + "/api";
        rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
    }

    @AfterAll
    static void stop() {
        rt.close();
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply call(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pass")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    /**
     * One bad request: what is sent, the status it must get, which field or parameter the answer must name
     * ({@code names} is "field:segment" or "parameter:key"), and a fragment of the message.
     */
    record Case(String method, String path, String user, String body, int status, String names, String message) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body) + " → " + status + " naming " + names;
        }
    }

    private static final String OP = "operator";
    private static final String VIEW = "viewer";

    static List<Case> cases() {
        return List.of(
                // the body of a run
                new Case("POST", "/jobs/people/run", OP, "null", 400, "field:body", "the body must be a JSON object such as"),
                new Case("POST", "/jobs/people/run", OP, "[1]", 400, "field:body", "not [1]"),
                new Case("POST", "/jobs/people/run", OP, "{bad", 400, "field:body", "the body is not JSON"),
                new Case("POST", "/jobs/people/run", OP, "\"valid\"", 400, "field:body", "not \"valid\""),
                new Case("POST", "/jobs/people/run", OP, "{\"segment\":5}", 400, "field:segment",
                        "body field segment must be a string: the name of a segment of the job, not 5"),
                new Case("POST", "/jobs/people/run", OP, "{\"segment\":\"nope\"}", 404, "field:segment",
                        "job people has no segment 'nope' (segments: valid, valid_and_risky, found_phones, all)"),
                new Case("POST", "/jobs/people/run", OP, "{\"dryRun\":\"yes\"}", 400, "field:dryRun",
                        "body field dryRun must be true or false, not \"yes\""),
                new Case("POST", "/jobs/people/run", OP, "{\"segmnt\":\"all\"}", 400, "field:segmnt",
                        "body field segmnt is not known here (known: segment, dryRun)"),
                new Case("POST", "/jobs/people/run?dryRun=true", OP, "{}", 400, "parameter:dryRun",
                        "parameter dryRun is not known here; this call takes no query parameters"),
                new Case("POST", "/jobs/nope/run", OP, "{}", 404, "parameter:job", "no job 'nope' (jobs: people, crm)"),
                // a retry of a job's errors
                new Case("POST", "/jobs/people/retry", OP, "{\"runId\":\"x\"}", 400, "field:runId",
                        "body field runId must be the id of one of the job's runs, not \"x\""),
                new Case("POST", "/jobs/people/retry", OP, "{\"runId\":-1}", 400, "field:runId", "not -1"),
                new Case("POST", "/jobs/people/retry", OP, "{\"why\":1}", 400, "field:why",
                        "body field why is not known here (known: runId, reason)"),
                new Case("POST", "/jobs/crm/retry", OP, "{}", 409, "job:crm", "job crm is inbound"),
                // a resync of a job
                new Case("POST", "/jobs/people/resync", OP, "{\"since\":\"yesterday\"}", 400, "field:since",
                        "body field since must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, not 'yesterday'"),
                new Case("POST", "/jobs/people/resync", OP, "{\"since\":\"2026-01-01T00:00:00Z\",\"keys\":[\"1\"]}", 400,
                        "field:since", "at most one of since, keys and reason"),
                new Case("POST", "/jobs/people/resync", OP, "{\"keys\":\"1\"}", 400, "field:keys", "body field keys must be"),
                new Case("POST", "/jobs/people/resync", OP, "{\"all\":true}", 400, "field:all",
                        "body field all is not known here (known: since, keys, reason)"),
                new Case("POST", "/jobs/crm/resync", OP, "{}", 409, "job:crm", "job crm is inbound"),
                new Case("POST", "/jobs/nope/resync", OP, "{}", 404, "parameter:job", "no job 'nope' (jobs: people, crm)"),
                // per-record actions
                new Case("POST", "/records/people/5/push", OP, "{\"as\":1}", 400, "field:as",
                        "body field as must be \"Lead\" or \"Contact\", not 1"),
                new Case("POST", "/records/people/5/push", OP, "{\"as\":\"Account\"}", 400, "field:as",
                        "body field as must be \"Lead\" or \"Contact\", not 'Account'"),
                new Case("POST", "/records/people/5/push", OP, "null", 400, "field:body", "the body must be a JSON object"),
                new Case("POST", "/records/people/99999/push", OP, "{}", 404, "parameter:key",
                        "job people has no source row with id = '99999'"),
                new Case("POST", "/records/people/abc/push", OP, "{\"as\":\"Lead\"}", 404, "parameter:key",
                        "job people has no source row 'abc': its key column id holds numbers"),
                new Case("POST", "/records/people/a%00b/push", OP, "{}", 400, "parameter:key",
                        "parameter key must not contain control characters (U+0000 at position 1)"),
                new Case("POST", "/records/nope/5/push", OP, "{}", 404, "parameter:job", "no job 'nope'"),
                new Case("POST", "/records/people/99999/resync", OP, null, 404, "parameter:key",
                        "job people has no source row with id = '99999'"),
                new Case("POST", "/records/people/99999/link", OP, "{\"sfId\":\"00Q000000000000AAA\"}", 404, "parameter:key",
                        "job people has no source row with id = '99999'"),
                new Case("POST", "/records/people/5/link", OP, "{\"sfId\":5}", 400, "field:sfId", "body field sfId must be"),
                new Case("POST", "/records/people/5/link", OP, "{}", 400, "field:sfId",
                        "body field sfId must be the 15- or 18-character Salesforce Id of a Lead (00Q…) or a Contact (003…)"),
                new Case("POST", "/records/people/5/link", OP, "{\"sfId\":\"001000000000000\"}", 400, "field:sfId",
                        "001000000000000 is not a Lead (00Q…) or a Contact (003…)"),
                new Case("POST", "/records/people/5/relink", OP, "{\"sfId\":[]}", 400, "field:sfId", "not []"),
                new Case("POST", "/records/people/5/unlink", OP, "{\"sfId\":\"x\"}", 400, "field:sfId",
                        "body field sfId is not known here; this call takes no body fields"),
                new Case("POST", "/records/people/99999/unlink", OP, null, 404, "parameter:key", "row 99999 of people is not linked"),
                new Case("GET", "/records/people/99999/url", VIEW, null, 404, "parameter:key", "is not linked"),
                // lookup
                new Case("POST", "/lookup", VIEW, "{\"emails\":\"a@b.example\"}", 400, "field:emails",
                        "body field emails must be a list of strings, e.g. [\"ada@example.com\"], not \"a@b.example\""),
                new Case("POST", "/lookup", VIEW, "{\"emails\":[\"ok@x.example\", 1]}", 400, "field:emails[1]",
                        "body field emails[1] must be a string, not 1"),
                new Case("POST", "/lookup", VIEW, "{\"domains\":{\"x\":1}}", 400, "field:domains", "must be a list of strings"),
                new Case("POST", "/lookup", VIEW, "{}", 400, "field:emails", "the body needs emails and/or domains"),
                new Case("POST", "/lookup", VIEW, "null", 400, "field:body", "the body must be a JSON object"),
                new Case("POST", "/lookup", VIEW, "{\"emails\":[\"a\\u0000@b.example\"]}", 400, "field:emails[0]",
                        "must not contain control characters (U+0000 at position 1)"),
                new Case("POST", "/lookup", VIEW, "{\"email\":[\"a@b.example\"]}", 400, "field:email",
                        "body field email is not known here (known: emails, domains)"),
                // query and path parameters
                new Case("GET", "/log?job=a%00b", VIEW, null, 400, "parameter:job",
                        "parameter job must not contain control characters (U+0000 at position 1)"),
                new Case("GET", "/log?sourceKey=%00", VIEW, null, 400, "parameter:sourceKey", "must not contain control characters"),
                new Case("GET", "/runs?job=%00", VIEW, null, 400, "parameter:job", "must not contain control characters"),
                new Case("GET", "/summary?job=x%0Ay", VIEW, null, 400, "parameter:job", "must not contain control characters (U+000A"),
                new Case("GET", "/runs?limit=abc", VIEW, null, 400, "parameter:limit",
                        "parameter limit must be a whole number from 1 to 1000, not 'abc'"),
                new Case("GET", "/runs?limit=0", VIEW, null, 400, "parameter:limit", "from 1 to 1000, not 0"),
                new Case("GET", "/log?page=-1", VIEW, null, 400, "parameter:page", "a whole number of at least 0, not -1"),
                new Case("GET", "/log?size=100000", VIEW, null, 400, "parameter:size", "from 1 to 500"),
                new Case("GET", "/log?status=BOGUS", VIEW, null, 400, "parameter:status", "must be one of CREATED, UPDATED"),
                new Case("GET", "/log?runId=x", VIEW, null, 400, "parameter:runId", "a run id (a positive whole number), not 'x'"),
                new Case("GET", "/log?from=yesterday", VIEW, null, 400, "parameter:from", "an ISO-8601 instant"),
                new Case("GET", "/log?stauts=ERROR", VIEW, null, 400, "parameter:stauts", "parameter stauts is not known here (known:"),
                new Case("GET", "/log?job=a&job=b", VIEW, null, 400, "parameter:job", "parameter job is given more than once"),
                new Case("GET", "/summary?to=soon", VIEW, null, 400, "parameter:to", "an ISO-8601 instant"),
                new Case("GET", "/summary?job=nope", VIEW, null, 404, "parameter:job", "no job named nope (jobs: people, crm)"),
                new Case("GET", "/conflicts?job=nope", VIEW, null, 404, "parameter:job", "no job named nope (jobs: people, crm)"),
                new Case("GET", "/conflicts?status=maybe", VIEW, null, 400, "parameter:status",
                        "parameter status must be one of open, took_salesforce, took_source, merged, all; not maybe"),
                new Case("POST", "/conflicts/999/resolve", OP, "{\"take\":\"salesforce\"}", 404, "parameter:id",
                        "there is no conflict 999"),
                new Case("POST", "/conflicts/999/resolve", OP, "{\"take\":\"both\"}", 400, "field:take",
                        "body field take must be \"salesforce\" or \"source\", not 'both'"),
                new Case("POST", "/conflicts/999/resolve", OP, "{}", 400, "field:take", "body field take must be"),
                new Case("GET", "/runs/abc", VIEW, null, 400, "parameter:id", "parameter id must be a run id"),
                new Case("GET", "/runs/0", VIEW, null, 400, "parameter:id", "not '0'"),
                new Case("GET", "/runs/999999", VIEW, null, 404, "parameter:id", "no run 999999"),
                new Case("GET", "/connection?verbose=1", VIEW, null, 400, "parameter:verbose", "is not known here"));
    }

    /** What a bad request must leave as it was: the sync tables and the org's API counter. */
    private static List<Long> recorded() throws Exception {
        try (var c = rt.source().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM sync_run), (SELECT COUNT(*) FROM sync_log),"
                        + " (SELECT COUNT(*) FROM sync_link)")) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rt.emulator().limits().used());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadRequestIsA4xxNamingTheCulpritAndRecordsNothing(Case c) throws Exception {
        List<Long> before = recorded();
        Reply r = call(c.method(), c.path(), c.user(), c.body());
        assertThat(r.status()).as("%s%n%s", c, r.body()).isEqualTo(c.status());
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode json = r.json();
        String[] names = c.names().split(":", 2);
        assertThat(json.path(names[0]).asText()).as("%s names its %s%n%s", c, names[0], r.body()).isEqualTo(names[1]);
        assertThat(json.path("error").asText()).as(r.body()).contains(c.message());
        assertThat(json.path("expected").asText()).as("%s says what is expected%n%s", c, r.body()).isNotBlank();
        assertThat(recorded()).as("%s recorded something (runs, log rows, links, API calls)", c).isEqualTo(before);
    }

    @Test
    void requestParametersAreNotEchoedAsResponseHeaders() throws Exception {
        Reply r = call("GET", "/runs?job=people&limit=1", VIEW, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().map().keySet()).doesNotContain("job", "limit", "authorization", "Authorization");
        // a NUL in a parameter of a request without credentials is a 401 too, not a broken response
        Reply anonymous = call("GET", "/runs?job=%00", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("error").asText()).isEqualTo("authentication required");
    }

    @Test
    void aRunWhileTheJobIsBusyIs409WithJsonNamingTheJobAndRecordsNothing() throws Exception {
        rt.emulator().faults().latencyMs(3000); // the holder's first call (the org's metadata) takes 3 s
        try {
            CompletableFuture<RunContext> holder = CompletableFuture.supplyAsync(() -> rt.run("people", RunContext.Mode.RUN,
                    "cli", null, null, null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (running() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(running()).isEqualTo(1);
            List<Long> before = recorded();
            for (String[] call : new String[][] {{"/jobs/people/run", "{}"}, {"/records/people/5/push", "{}"},
                {"/records/people/5/resync", null}}) {
                Reply busy = call("POST", call[0], OP, call[1]);
                assertThat(busy.status()).as(call[0] + " " + busy.body()).isEqualTo(409);
                JsonNode json = busy.json();
                assertThat(json.get("job").asText()).isEqualTo("people");
                assertThat(json.get("status").asText()).isEqualTo("BUSY");
                assertThat(json.get("error").asText()).contains("job people is already running");
            }
            assertThat(recorded().subList(0, 3)).isEqualTo(before.subList(0, 3));
            rt.emulator().faults().latencyMs(0);
            assertThat(holder.get(60, TimeUnit.SECONDS).status()).isIn("SUCCEEDED", "PARTIAL");
        } finally {
            rt.emulator().faults().latencyMs(0);
        }
    }

    private static long running() throws Exception {
        try (var c = rt.source().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sync_run WHERE status = 'RUNNING'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theGoodRequestsNextToTheBadOnesStillWork() throws Exception {
        // the strictness above must not refuse what the console and the README send
        assertThat(call("GET", "/log?status=error&job=people&page=0&size=5&from=2020-01-01T00:00:00Z", VIEW, null).status())
                .isEqualTo(200);
        assertThat(call("GET", "/runs?job=&limit=5", VIEW, null).status()).isEqualTo(200);
        Reply lookup = call("POST", "/lookup", VIEW, "{\"emails\": [\"nobody@nowhere.example\"], \"domains\": null}");
        assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
        Reply dry = call("POST", "/jobs/people/run", OP, "{\"segment\": \"all\", \"dryRun\": true}");
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        Reply push = call("POST", "/records/people/7/push", OP, "{\"as\": null}");
        assertThat(push.status()).as(push.body()).isEqualTo(200);
        assertThat(push.json().get("action").asText()).isNotBlank();
        assertThat(Stream.of("/records/people/7/resync").map(p -> {
            try {
                return call("POST", p, OP, "").status();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).containsOnly(200);
    }
}
