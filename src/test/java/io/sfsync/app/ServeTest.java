package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sfsync serve`: jobs run on their Quartz schedule, and YAML routes reload when their file changes. */
class ServeTest {

    /** The shipped configuration with the job's {@code every: 10m} replaced by {@code schedule} (a whole line). */
    private static Path copyConfig(Path dir, String schedule) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.copy(Path.of("config/application.properties"), config.resolve("application.properties"));
        Files.writeString(config.resolve("sync.yaml"), Files.readString(Path.of("config/sync.yaml"))
                .replace("every: 10m", schedule));
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (var files = Files.walk(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Path to = routes.resolve(Path.of("routes").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return dir;
    }

    @Test
    void theScheduleRunsTheJobAndTheRunIsRecorded(@TempDir Path dir) throws Exception {
        copyConfig(dir, "schedule: \"0/2 * * * * ?\"");
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(dir.resolve("config"), dir.resolve("routes"), true, true,
                true, Map.of("sfsync.source.url", "jdbc:h2:mem:serve;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "30",
                        "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            NotifyBuilder scheduled = new NotifyBuilder(rt.camel()).fromRoute("people-schedule").whenCompleted(1).create();
            assertThat(scheduled.matches(30, TimeUnit.SECONDS)).isTrue();
            var run = rt.store().lastRun("people").orElseThrow();
            assertThat(run.trigger()).isEqualTo("schedule");
            // the 30 demo people, and the touchpoints of those now in Salesforce as Tasks
            var log = rt.store().log(run.id());
            assertThat(log.stream().filter(e -> !"Task".equals(e.sobject()))).hasSize(30);
            assertThat(log.stream().filter(e -> "Task".equals(e.sobject()) && "CREATED".equals(e.action()))).isNotEmpty();
            assertThat(run.counts().attempted()).isEqualTo(log.size());
            assertThat(run.counts().created()).isPositive();
            // port 0 asked for a free port: the real one is known, and the API answers there
            assertThat(rt.httpUrl()).matches("http://127\\.0\\.0\\.1:[1-9]\\d*");
            var health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(rt.httpUrl() + "/api/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        }
    }

    @Test
    void hawtioShowsTheSyncRoutesAndTheirExchangesAfterLogin(@TempDir Path dir) throws Exception {
        copyConfig(dir, "every: 10m");
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(dir.resolve("config"), dir.resolve("routes"), true, true,
                false, Map.of("sfsync.source.url", "jdbc:h2:mem:hawtio;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "20",
                        "camel.server.port", "0", "sfsync.hawtio.port", "0", "env.SFSYNC_ADMIN_PASSWORD", "hawtio-admin"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            rt.run("people", io.sfsync.sync.RunContext.Mode.RUN, "cli", null, null, null);
            var client = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            var anonymous = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rt.hawtioUrl() + "jolokia/"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(403);
            var login = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rt.hawtioUrl() + "auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"hawtio-admin\"}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            String name = rt.camel().getManagementName();
            var read = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rt.hawtioUrl() + "jolokia/"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"read\",\"mbean\":"
                            + "\"org.apache.camel:context=" + name + ",type=routes,name=\\\"outbound-sync\\\"\","
                            + "\"attribute\":[\"RouteId\",\"ExchangesCompleted\"]}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(read.body()).contains("\"RouteId\":\"outbound-sync\"");
            assertThat(read.body()).containsPattern("\"ExchangesCompleted\":[1-9]");
        }
    }

    @Test
    void aChangedYamlRouteIsReloadedWithoutARestart(@TempDir Path dir) throws Exception {
        copyConfig(dir, "every: 10m");
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(dir.resolve("config"), dir.resolve("routes"), true, false,
                false, Map.of("sfsync.source.url", "jdbc:h2:mem:reload;DB_CLOSE_DELAY=-1", "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            assertThat(rt.camel().getRoute("hello-team")).isNull();
            Files.writeString(dir.resolve("routes/hello.camel.yaml"), """
                    - route:
                        id: hello-team
                        from:
                          uri: direct:hello
                          steps:
                            - setBody:
                                simple: "hello ${body}"
                    """);
            long deadline = System.currentTimeMillis() + 30_000;
            while (rt.camel().getRoute("hello-team") == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(rt.camel().getRoute("hello-team")).isNotNull();
            assertThat(rt.camel().createProducerTemplate().requestBody("direct:hello", "team", String.class))
                    .isEqualTo("hello team");
        }
    }

    @Test
    void aStepAddedToTheRunningFlowRunsForTheNextRunWithoutARestart(@TempDir Path dir) throws Exception {
        copyConfig(dir, "every: 10m");
        SfsyncRuntime.Options options = new SfsyncRuntime.Options(dir.resolve("config"), dir.resolve("routes"), true, true,
                false, Map.of("sfsync.source.url", "jdbc:h2:mem:reloadflow;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "20",
                        "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
        try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
            Path flow = dir.resolve("routes/outbound-sync.camel.yaml");
            String map = "        - to: direct:sfsync-map ";
            String yaml = Files.readString(flow);
            assertThat(yaml).contains(map);
            Files.writeString(flow, yaml.replace(map, """
                            - to:
                                uri: kamelet:sfsync-skip-when
                                parameters:
                                  when: "${body.key} != null"
                                  reason: HELD_BACK
                                  message: "held back while the team reviews the mapping"
                    """ + map));
            long deadline = System.currentTimeMillis() + 30_000;
            while (rt.camel().getRoutes().stream().noneMatch(r -> r.getRouteId().startsWith("sfsync-skip-when"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            var run = rt.run("people", io.sfsync.sync.RunContext.Mode.RUN, "manual", null, null, null);
            var log = rt.store().log(run.runId());
            var people = log.stream().filter(e -> !"Task".equals(e.sobject())).toList();
            assertThat(people).hasSize(20);
            assertThat(people).extracting(io.sfsync.synclog.SyncStore.LogEntry::reason).containsOnly("HELD_BACK");
            // their touchpoints wait for them (none of the held-back people is in Salesforce), or are skipped with
            // their person (outside the segment)
            assertThat(log.stream().filter(e -> "Task".equals(e.sobject())))
                    .allMatch(e -> "PERSON_NOT_LINKED".equals(e.reason()) || "PERSON_NOT_IN_SEGMENT".equals(e.reason()))
                    .anyMatch(e -> "PENDING".equals(e.action()));
            assertThat(run.counts().created()).isZero();
        }
    }
}
