package io.sfsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;

/**
 * The management REST API over HTTP, against sfsync running with the demo org: every endpoint, the
 * wrong-role and no-credentials cases, and a broken connection repaired with "Fix now".
 */
class ManagementApiTest {
    static SfsyncRuntime rt;
    static java.nio.file.Path credentialsFile;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        credentialsFile = java.nio.file.Files.createTempFile("sfsync-credentials", ".properties");
        rt = SfsyncRuntime.start(SfsyncRuntime.Options.defaults().withEmulator(true).withDemo(true).withSchedules(false)
                .withOverrides(Map.of("sfsync.source.url", "jdbc:h2:mem:api;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "60",
                        "camel.main.jmx-enabled", "false", "camel.server.port", String.valueOf(port), "sfsync.hawtio.enabled", "false",
                        "sfsync.limits.watch", "false", // API calls are counted exactly below
                        "env.SFSYNC_ADMIN_PASSWORD", "admin-pass", "env.SFSYNC_OPERATOR_PASSWORD", "operator-pass",
                        "env.SFSYNC_VIEWER_PASSWORD", "viewer-pass",
                        "sfsync.salesforce.credentials-file", credentialsFile.toString())));
        base = "http://127.0.0.1:" + port + "/api";
        rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        rt.close();
        java.nio.file.Files.deleteIfExists(credentialsFile);
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply call(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + user + "-pass").getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        }
        b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    @Test
    void everyManagementEndpointRequiresCredentials() throws Exception {
        for (String path : new String[] {"/runs", "/runs/1", "/log", "/summary", "/connection", "/usage", "/metrics",
                "/records/people/30/url"}) {
            Reply r = call("GET", path, null, null);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.raw().headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Basic realm=\"sfsync\""));
        }
        int wrongPassword = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/runs")).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(wrongPassword).isEqualTo(401);
        for (String path : OPERATOR_ACTIONS) {
            assertThat(call("POST", path, null, "{}").status()).as(path).isEqualTo(401);
        }
        assertThat(call("POST", "/lookup", null, "{\"emails\": []}").status()).isEqualTo(401);
    }

    /** Every POST that changes something: operators (and admins) only. */
    private static final String[] OPERATOR_ACTIONS = {"/jobs/people/run", "/records/people/30/push",
        "/records/people/30/link", "/records/people/30/unlink", "/records/people/30/relink", "/records/people/30/resync",
        "/connection/reconnect"};

    @Test
    void viewersReadButMayNotRunJobsOrChangeLinks() throws Exception {
        assertThat(call("GET", "/runs", "viewer", null).status()).isEqualTo(200);
        Reply run = call("POST", "/jobs/people/run", "viewer", "{}");
        assertThat(run.status()).isEqualTo(403);
        assertThat(run.json().get("error").asText()).contains("operator");
        for (String path : OPERATOR_ACTIONS) {
            Reply r = call("POST", path, "viewer", "{\"as\": \"Lead\", \"sfId\": \"00Q000000000000AAA\"}");
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("operator");
        }
        // and nothing was done on their behalf
        assertThat(call("GET", "/log?sourceKey=30&status=LINKED", "viewer", null).json().get("total").asLong()).isZero();
    }

    @Test
    void runsAndTheirReportsAreListed() throws Exception {
        JsonNode runs = call("GET", "/runs?job=people", "viewer", null).json();
        assertThat(runs).isNotEmpty();
        JsonNode first = runs.get(runs.size() - 1);
        assertThat(first.get("job").asText()).isEqualTo("people");
        assertThat(first.get("created").asInt()).isPositive();
        JsonNode one = call("GET", "/runs/" + first.get("id").asLong(), "viewer", null).json();
        assertThat(one.get("report").asText()).contains("created", "Errors (");
        assertThat(call("GET", "/runs/999999", "viewer", null).status()).isEqualTo(404);
    }

    @Test
    void createdVersusAttemptedIsOneCallAwayPerObject() throws Exception {
        String everything = "/summary?job=people&from=1970-01-01T00:00:00Z";
        JsonNode all = call("GET", everything, "viewer", null).json();
        // what the log itself holds: every CREATED row of the job's real runs (a dry run's "would create" rows are
        // in the log too, and not in the summary), and the created Leads
        long createdInLog;
        try (var c = rt.source().getConnection(); var st = c.createStatement(); var rs = st.executeQuery(
                "SELECT COUNT(*) FROM sync_log l LEFT JOIN sync_run r ON r.id = l.run_id WHERE l.job = 'people'"
                        + " AND l.action = 'CREATED' AND (r.dry_run IS NULL OR r.dry_run = FALSE)")) {
            rs.next();
            createdInLog = rs.getLong(1);
        }
        assertThat(all.get("created").asLong()).isEqualTo(createdInLog).isPositive();
        JsonNode lead = java.util.stream.StreamSupport.stream(all.get("objects").spliterator(), false)
                .filter(o -> "Lead".equals(o.get("sobject").asText())).findFirst().orElseThrow();
        assertThat(lead.get("attempted").asLong()).isGreaterThanOrEqualTo(lead.get("created").asLong());
        assertThat(lead.get("created").asLong()).isPositive();
        // the demo's touchpoints, as Tasks: an object of the summary like the others, counted from the log
        JsonNode task = java.util.stream.StreamSupport.stream(all.get("objects").spliterator(), false)
                .filter(o -> "Task".equals(o.get("sobject").asText())).findFirst().orElseThrow();
        long tasksInSalesforce = rt.emulator().org().store().list("Task", false).size();
        assertThat(task.get("created").asLong()).isEqualTo(tasksInSalesforce).isPositive();
        assertThat(task.get("attempted").asLong()).isGreaterThanOrEqualTo(task.get("created").asLong());

        // a window that holds only the next run, in which two already-synced people changed
        Instant from = Instant.now();
        try (var c = rt.source().getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE person SET phone = '+1 555 0100', updated_at = CURRENT_TIMESTAMP"
                    + " WHERE id IN (SELECT id FROM person WHERE do_not_contact = FALSE AND email_status = 'valid'"
                    + " ORDER BY id FETCH FIRST 2 ROWS ONLY)");
        }
        RunContext again = rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
        JsonNode window = call("GET", "/summary?job=people&from=" + from, "viewer", null).json();
        assertThat(window.get("attempted").asLong()).isEqualTo(again.counts().attempted()).isGreaterThanOrEqualTo(2);
        assertThat(window.get("created").asLong()).isEqualTo(again.counts().created());
        assertThat(window.at("/byAction/UPDATED").asLong()).isEqualTo(again.counts().updated()).isPositive();
        // today's default window holds both runs
        assertThat(call("GET", "/summary?job=people", "viewer", null).json().get("attempted").asLong())
                .isGreaterThanOrEqualTo(window.get("attempted").asLong());

        assertThat(call("GET", "/summary", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/summary?job=nope", "viewer", null).status()).isEqualTo(404);
        Reply bad = call("GET", "/summary?from=yesterday", "viewer", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("from");
        assertThat(bad.json().get("error").asText()).isEqualTo("parameter from must be an ISO-8601 instant such as"
                + " 2024-05-01T00:00:00Z, not 'yesterday'");
    }

    @Test
    void theLogIsFilteredByStatusReasonAndKeyAndPaged() throws Exception {
        JsonNode errors = call("GET", "/log?status=ERROR&job=people", "viewer", null).json();
        assertThat(errors.get("total").asLong()).isPositive();
        assertThat(errors.get("items")).allMatch(i -> i.get("action").asText().equals("ERROR"));
        JsonNode reason = call("GET", "/log?reason=INVALID_EMAIL_ADDRESS", "viewer", null).json();
        assertThat(reason.get("items").get(0).get("sourceKey").asText()).isEqualTo("2");
        JsonNode key = call("GET", "/log?sourceKey=2", "viewer", null).json();
        assertThat(key.get("items")).allMatch(i -> i.get("sourceKey").asText().equals("2"));
        JsonNode page = call("GET", "/log?size=2&page=1", "viewer", null).json();
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("total").asLong()).isGreaterThan(2);
        JsonNode created = call("GET", "/log?status=CREATED&size=1", "viewer", null).json().get("items").get(0);
        assertThat(created.get("url").asText()).contains("/lightning/r/").contains(created.get("sfId").asText());
        assertThat(call("GET", "/log?from=yesterday", "viewer", null).status()).isEqualTo(400);
    }

    @Test
    void operatorsRunJobsWithASegmentOrAsADryRun() throws Exception {
        Reply dry = call("POST", "/jobs/people/run", "operator", "{\"dryRun\": true, \"segment\": \"all\"}");
        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.json().get("status").asText()).isIn("SUCCEEDED", "PARTIAL");
        assertThat(call("POST", "/jobs/nope/run", "operator", "{}").status()).isEqualTo(404);
    }

    @Test
    void operatorsResyncAJobAndViewersMayNot() throws Exception {
        assertThat(call("POST", "/jobs/people/resync", "viewer", "{}").status()).isEqualTo(403);
        Reply since = call("POST", "/jobs/people/resync", "operator", "{\"since\": \"2999-01-01T00:00:00Z\"}");
        assertThat(since.status()).as(since.body()).isEqualTo(200);
        assertThat(since.json().get("resync").asText()).isEqualTo("asked for (api): the rows changed since 2999-01-01T00:00:00Z,"
                + " and those not synced yet before it (each row compared with its Salesforce record)");
        assertThat(since.json().get("summary").asText()).startsWith("0 created");
        Reply none = call("POST", "/jobs/people/resync", "operator", "{\"reason\": \"NO_SUCH_REASON\"}");
        assertThat(none.json().get("status").asText()).isEqualTo("NOTHING_TO_RESYNC");
    }

    @Test
    void recordsAreLinkedUnlinkedRelinkedResyncedPushedAndOpened() throws Exception {
        String leadId = rt.emulator().seed(Map.of("Lead", java.util.List.of(Map.of("_ref", "l", "LastName", "Manual",
                "Company", "C", "Email", "manual@x.example")))).get("l");
        Reply linked = call("POST", "/records/people/40/link", "operator", "{\"sfId\": \"" + leadId + "\"}");
        assertThat(linked.status()).isEqualTo(200);
        assertThat(call("GET", "/records/people/40/url", "viewer", null).json().get("url").asText()).endsWith(leadId + "/view");
        assertThat(call("GET", "/log?sourceKey=40&status=LINKED", "viewer", null).json().get("total").asLong()).isEqualTo(1);
        Reply resync = call("POST", "/records/people/40/resync", "operator", null);
        assertThat(resync.json().get("sfId").asText()).isEqualTo(leadId);
        assertThat(call("POST", "/records/people/40/unlink", "operator", null).status()).isEqualTo(200);
        assertThat(call("GET", "/records/people/40/url", "viewer", null).status()).isEqualTo(404);
        assertThat(call("POST", "/records/people/40/relink", "operator", "{\"sfId\": \"" + leadId + "\"}").status())
                .isEqualTo(200);
        // a second row of the job on the same record: refused, naming the row that has it
        Reply second = call("POST", "/records/people/41/link", "operator", "{\"sfId\": \"" + leadId + "\"}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("linkedTo").asText()).isEqualTo("40");
        assertThat(second.json().get("error").asText()).contains("source row 40");
        assertThat(call("GET", "/log?sourceKey=41&status=LINKED", "viewer", null).json().get("total").asLong()).isZero();
        assertThat(call("POST", "/records/people/40/link", "operator", "{\"sfId\": \"001000000000000\"}").status())
                .isEqualTo(400);
        assertThat(call("POST", "/records/people/40/link", "operator", "{\"sfId\": \"00Q5g0000009ZZZ\"}").status())
                .isEqualTo(404);

        try (var c = rt.source().getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO person (id, first_name, last_name, email, email_status, updated_at) VALUES"
                    + " (5000, 'Push', 'Me', 'push.me@new.example', 'valid', CURRENT_TIMESTAMP)");
        }
        Reply pushed = call("POST", "/records/people/5000/push", "operator", "{\"as\": \"Contact\"}");
        assertThat(pushed.status()).isEqualTo(200);
        assertThat(pushed.json().get("action").asText()).isEqualTo("CREATED");
        assertThat(pushed.json().get("sfId").asText()).startsWith("003");
        assertThat(call("POST", "/records/people/5001/push", "operator", "{}").status()).isEqualTo(404);
        assertThat(call("POST", "/records/people/55/push", "operator", "{\"as\": \"Account\"}").status()).isEqualTo(400);
    }

    @Test
    void lookupAnswersForManyEmailsAndDomainsInOneApiCall() throws Exception {
        var lead = rt.emulator().org().store().list("Lead", false).stream().filter(l -> l.get("Email") != null).findFirst()
                .orElseThrow();
        var account = rt.emulator().org().store().list("Account", false).get(0);
        long before = rt.emulator().limits().used();
        JsonNode r = call("POST", "/lookup", "viewer", "{\"emails\": [\"" + lead.get("Email") + "\", \"nobody@nowhere.example\"],"
                + " \"domains\": [\"" + account.get("Website") + "\"]}").json();
        assertThat(rt.emulator().limits().used() - before).isEqualTo(1);
        assertThat(r.at("/emails/" + lead.get("Email").toString().toLowerCase().replace("/", "~1") + "/leads/0").asText())
                .isEqualTo(lead.get("Id"));
        assertThat(r.at("/emails/nobody@nowhere.example/leads")).isEmpty();
        assertThat(r.get("domains").elements().next().get(0).asText()).isEqualTo(account.get("Id"));
    }

    @Test
    void usageMetricsHealthAndOpenApiAreServedAndNoSecretLeaks() throws Exception {
        long lookupsBefore = call("GET", "/usage", "viewer", null).json().get("lookupCallsToday").asLong();
        call("POST", "/lookup", "viewer", "{\"emails\": [\"someone@x.example\"]}"); // one more call, through sfsync
        JsonNode usage = call("GET", "/usage", "viewer", null).json();
        // the API's lookup spends calls outside any run: they are counted too
        assertThat(usage.get("lookupCallsToday").asLong()).isEqualTo(lookupsBefore + 1);
        assertThat(usage.get("sfsyncCallsToday").asLong())
                .isEqualTo(usage.get("runCallsToday").asLong() + usage.get("lookupCallsToday").asLong());
        assertThat(usage.get("dailyMax").asLong()).isEqualTo(15000);
        // kept current by every response's Sforce-Limit-Info, not only by the /limits read at a run's start
        assertThat(usage.get("remaining").asLong()).isEqualTo(15000 - rt.emulator().limits().used());
        assertThat(usage.get("budgetPercent").asInt()).isEqualTo(50);
        assertThat(usage.get("sfsyncCallsToday").asLong()).isPositive();
        String metrics = call("GET", "/metrics", "viewer", null).body();
        assertThat(metrics).contains("sfsync_records_total{action=\"CREATED\",job=\"people\"}", "sfsync_api_remaining",
                "sfsync_run_duration_seconds_count", "sfsync_api_calls_total");
        assertThat(metrics).containsPattern("camel_exchanges_total\\{[^}]*routeId=\"outbound-sync\"");
        Reply health = call("GET", "/health", null, null);
        assertThat(health.status()).isIn(200, 503);
        assertThat(call("GET", "/openapi.json", null, null).body()).contains("\"/runs\"", "\"/connection/reconnect\"");
        String connection = call("GET", "/connection", "viewer", null).body();
        assertThat(connection).doesNotContain(rt.emulator().credentials().clientSecret());
    }

    @Test
    void fixNowReadsRotatedCredentialsFromTheCredentialsFile() throws Exception {
        var emulator = rt.emulator();
        var original = emulator.credentials();
        emulator.credentials(original.withClientSecret("rotated-in-salesforce"));
        emulator.sessions().expireAll();
        assertThat(call("POST", "/connection/reconnect", "operator", null).status()).isEqualTo(502);
        java.nio.file.Files.writeString(credentialsFile, "client-id = " + original.clientId()
                + "\nclient-secret = rotated-in-salesforce\n");
        Reply fixed = call("POST", "/connection/reconnect", "operator", null);
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(fixed.json().get("state").asText()).isEqualTo("UP");
        assertThat(fixed.body()).doesNotContain("rotated-in-salesforce");
        emulator.credentials(original);
        java.nio.file.Files.writeString(credentialsFile, "client-id = " + original.clientId() + "\nclient-secret = "
                + original.clientSecret() + "\n");
        assertThat(call("POST", "/connection/reconnect", "operator", null).status()).isEqualTo(200);
    }

    @Test
    void aBrokenConnectionPausesJobsAndFixNowResumesThem() throws Exception {
        var emulator = rt.emulator();
        var good = emulator.credentials();
        emulator.credentials(good.withClientSecret("rotated"));
        emulator.sessions().expireAll();
        Reply failed = call("POST", "/jobs/people/run", "operator", "{}");
        assertThat(failed.json().get("status").asText()).isEqualTo("PAUSED");
        JsonNode broken = call("GET", "/connection", "viewer", null).json();
        assertThat(broken.get("state").asText()).isEqualTo("BROKEN");
        assertThat(broken.get("jobs").get(0).get("paused").asBoolean()).isTrue();
        Reply health = call("GET", "/health", null, null);
        assertThat(health.status()).isEqualTo(503);
        // public: the state only, none of Salesforce's words
        assertThat(health.json().fieldNames()).toIterable().containsExactly("status");
        assertThat(health.json().get("status").asText()).isEqualTo("BROKEN");
        JsonNode advice = broken.get("advice");
        assertThat(advice.get("happened").asText()).contains("consumer secret");
        assertThat(advice.get("todo").asText()).contains("SFSYNC_SF_CLIENT_SECRET", "Fix now");
        Reply stillBroken = call("POST", "/connection/reconnect", "operator", null);
        assertThat(stillBroken.status()).isEqualTo(502);
        emulator.credentials(good);
        Reply fixed = call("POST", "/connection/reconnect", "operator", null);
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(fixed.json().get("state").asText()).isEqualTo("UP");
        assertThat(fixed.json().get("resumed")).isNotEmpty();
        assertThat(call("GET", "/connection", "viewer", null).json().get("jobs").get(0).get("paused").asBoolean()).isFalse();
    }
}
