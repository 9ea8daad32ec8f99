package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.sync.RunContext;

/** A serving sfsync reads sync.yaml again when it changes: checked first, a bad file keeps what runs. */
class ConfigReloadTest {
    static Path dir;
    static Path yaml;
    static String original;
    static SfsyncRuntime rt;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sfsync-reload");
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.copy(Path.of("config/application.properties"), config.resolve("application.properties"));
        original = Files.readString(Path.of("config/sync.yaml"));
        yaml = config.resolve("sync.yaml");
        Files.writeString(yaml, original);
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        rt = SfsyncRuntime.start(new SfsyncRuntime.Options(config, Path.of("routes"), true, true, true, Map.of(
                "sfsync.source.url", "jdbc:h2:mem:reload;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "20",
                "sfsync.config.reload-period-ms", "100", "camel.main.jmx-enabled", "false",
                "camel.server.port", String.valueOf(port), "sfsync.hawtio.enabled", "false", "sfsync.limits.watch", "false",
                "env.SFSYNC_VIEWER_PASSWORD", "viewer-pass")));
        rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        rt.close();
    }

    /** Writes sync.yaml and waits (up to 20 s) until the reload timer has looked at this version. */
    private static JsonNode write(String text) throws Exception {
        java.time.Instant before = java.time.Instant.now();
        Files.writeString(yaml, text);
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = status();
            if (java.time.Instant.parse(status.get("checkedAt").asText()).isAfter(before)) {
                return status;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("sync.yaml was not looked at again within 20 s: " + status());
    }

    private static JsonNode status() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/config/status"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "viewer:viewer-pass".getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<String> resp = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body());
    }

    @Test
    void aChangeIsReadOnlyOnceTheFileHoldsStillSoAHalfWrittenFileIsNeverTakenForABrokenOne() throws Exception {
        Path file = Files.createTempFile(dir, "sync", ".yaml");
        Files.writeString(file, original);
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        ConfigReloader reloader = new ConfigReloader(file, f -> {
            loads.incrementAndGet();
            return rt.config();
        }, rt::config, c -> List.of(), (before, after) -> { });
        Files.writeString(file, original.substring(0, original.length() / 2)); // an editor half-way through saving
        assertThat(reloader.check()).isFalse();
        Files.writeString(file, original + "\n# saved\n");
        assertThat(reloader.check()).isFalse();
        assertThat(loads.get()).as("nothing read while the file changes").isZero();
        reloader.check(); // the same contents as the previous look: now it is read
        assertThat(loads.get()).isEqualTo(1);
        assertThat(reloader.status().state()).isEqualTo("OK");
    }

    @Test
    void aBadFileKeepsTheRunningConfigurationAndSaysEveryProblemWithItsPath() throws Exception {
        JsonNode bad = write(original.replace("every: 10m", "every: often").replace("createAs: Lead", "createAs: Opportunity"));
        assertThat(bad.get("state").asText()).isEqualTo("INVALID");
        List<String> problems = new ObjectMapper().convertValue(bad.get("problems"),
                new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("jobs.people.every"))
                .anySatisfy(p -> assertThat(p).startsWith("jobs.people.createAs"));
        assertThat(rt.config().job("people").createAs()).isEqualTo("Lead");
        assertThat(rt.camel().getRoute("people-schedule")).isNotNull();
        // the file put right again applies; nothing changed from what runs
        JsonNode back = write(original);
        assertThat(back.get("state").asText()).isEqualTo("OK");
        assertThat(back.get("problems")).isEmpty();
    }

    @Test
    void aGoodFileAppliesItsJobsSchedulesAndSaysWhatChangedAndWhatWaitsForARestart() throws Exception {
        try {
            JsonNode ok = write(original.replace("every: 10m", "every: 5m")
                    .replace("FirstName:    {from: first_name, transform: [trim]}\n        LastName:     {from: last_name, transform: [trim], default: \"[Unknown]\"}\n        Email:        {from: email, transform: [trim, lowercase]}\n        Company:",
                            "FirstName:    {from: first_name, transform: [trim, uppercase]}\n        LastName:     {from: last_name, transform: [trim], default: \"[Unknown]\"}\n        Email:        {from: email, transform: [trim, lowercase]}\n        Company:")
                    .replace("dailyApiBudget: 50%", "dailyApiBudget: 40%"));
            assertThat(ok.get("state").asText()).as(ok.toString()).isEqualTo("OK");
            assertThat(ok.get("changes").toString()).contains("job people: fields.Lead changed (its next run resyncs)",
                    "schedule now 0 0/5 * * * ?");
            assertThat(ok.get("restartNeeded").toString()).isEqualTo("[\"salesforce\"]");
            assertThat(rt.config().salesforce().dailyApiBudgetPercent()).isEqualTo(50); // kept until a restart
            // the new schedule replaces the old one (on a thread of its own: a run in progress is waited for)
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline && (rt.camel().getRoute("people-schedule") == null
                    || !rt.camel().getRoute("people-schedule").getEndpoint().getEndpointUri().contains("0+0/5"))) {
                Thread.sleep(50);
            }
            assertThat(rt.camel().getRoute("people-schedule").getEndpoint().getEndpointUri()).contains("0+0/5");
            // the next run resyncs with the new mapping
            RunContext run = rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
            assertThat(run.resync()).isEqualTo("fields.Lead changed since the job's rows were last read");
            assertThat(run.counts().updated()).isPositive();
            assertThat(rt.emulator().org().store().list("Lead", false).stream()
                    .filter(l -> l.get("Sfsync_Person_Id__c") != null).toList()).isNotEmpty().allSatisfy(l -> {
                String first = (String) l.get("FirstName");
                assertThat(first == null || first.equals(first.toUpperCase(java.util.Locale.ROOT))).as(first).isTrue();
            });
        } finally {
            write(original);
        }
    }
}
