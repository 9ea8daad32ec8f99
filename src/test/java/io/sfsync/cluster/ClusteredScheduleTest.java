package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.db.Databases;
import io.sfsync.demo.DemoData;
import io.sfsync.emulator.SalesforceEmulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two `sfsync serve` processes on one PostgreSQL: Quartz's clustered JDBC job store fires each scheduled
 * run once across both (neither instance's trigger is ever skipped as busy), and after a kill -9 of one
 * the other goes on firing.
 */
class ClusteredScheduleTest {

    @Test
    void twoServingInstancesFireEachScheduledRunOnceAndOneGoesOnWhenTheOtherIsKilled(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            SalesforceEmulator emulator = SalesforceEmulator.builder().build().start();
            List<Process> processes = new ArrayList<>();
            try {
                var ds = pg.getPostgresDatabase();
                Databases.migrateDemoSource(ds);
                DemoData.generate(ds, 30, 7);
                Path config = Files.createDirectories(dir.resolve("config"));
                Files.writeString(config.resolve("application.properties"), Files.readString(Path.of("config/application.properties"))
                        + "\ncamel.server.port = 0\nsfsync.hawtio.enabled = false\ncamel.main.jmx-enabled = false\n"
                        + "sfsync.limits.watch = false\nsfsync.cluster.checkin-ms = 1000\n"
                        + "camel.main.routes-reload-enabled = false\n");
                Files.writeString(config.resolve("sync.yaml"), Files.readString(Path.of("config/sync.yaml"))
                        .replace("every: 10m ", "schedule: \"0/2 * * * * ?\" ").replace("every: 15m", "schedule: \"0 0 3 1 1 ?\""));
                String url = pg.getJdbcUrl("postgres", "postgres");
                Path[] logs = {dir.resolve("a.log"), dir.resolve("b.log")};
                for (Path log : logs) {
                    processes.add(ServeProcess.start(config, url, emulator, log));
                }
                for (Path log : logs) {
                    ServeProcess.waitFor(log, "sfsync is serving jobs", 90);
                }
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM qrtz_scheduler_state")).as("instances checked in").isEqualTo(2);
                // /api/cluster of either instance lists both
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Console:  (http://\\S+)/console/")
                        .matcher(ServeProcess.read(logs[1]));
                assertThat(m.find()).as("the console URL in " + logs[1]).isTrue();
                var reply = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(m.group(1) + "/api/cluster")).header("Authorization", "Basic " + java.util.Base64
                                .getEncoder().encodeToString("viewer:viewer-pass".getBytes())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                var cluster = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reply.body());
                assertThat(cluster.get("clustered").asBoolean()).as(reply.body()).isTrue();
                assertThat(cluster.get("instances")).as(reply.body()).hasSize(2);
                long before = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= before + 5, 40);
                for (Path log : logs) {
                    assertThat(Files.readString(log)).as(log + ": a firing skipped because the other instance had it")
                            .doesNotContain("trigger of people is skipped");
                }
                // kill -9 of one instance: the other fires every schedule from now on
                processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                long afterKill = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= afterKill + 4, 60);
                // a rolling restart: a new instance joins, then the one left stops gracefully (SIGTERM); its
                // routes stopping must not pause the cluster's triggers, so the new one goes on firing
                Path logC = dir.resolve("c.log");
                processes.add(ServeProcess.start(config, url, emulator, logC));
                ServeProcess.waitFor(logC, "sfsync is serving jobs", 90);
                processes.get(1).destroy();
                assertThat(processes.get(1).waitFor(60, TimeUnit.SECONDS)).as("b stopped on SIGTERM").isTrue();
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_state = 'PAUSED'"))
                        .as("triggers paused for the whole cluster by b's stop").isZero();
                long afterStop = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                ServeProcess.waitUntil(() -> ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= afterStop + 3, 60);
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE status = 'FAILED'")).isZero();
                // the job removed from sync.yaml: its trigger leaves the cluster's store, and no firing follows
                String yaml = Files.readString(config.resolve("sync.yaml"));
                Files.writeString(config.resolve("sync.yaml"), yaml.substring(0, yaml.indexOf("  people:"))
                        + yaml.substring(yaml.indexOf("  crm:")));
                ServeProcess.waitFor(logC, "The schedule of job people is removed from the cluster's Quartz store", 30);
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'people'")).isZero();
                long afterRemoval = ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule' AND job = 'people'");
                Thread.sleep(5_000); // two and a half of its periods
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule' AND job = 'people'"))
                        .isLessThanOrEqualTo(afterRemoval + 1); // one may have been in progress
                assertThat(ServeProcess.read(logC)).doesNotContain("JobExecutionException");
                // every person once in Salesforce: no firing ran twice into a duplicate
                assertThat(ServeProcess.countSoFar(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people'"))
                        .isEqualTo(ServeProcess.countSoFar(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'people'"));
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                emulator.stop();
            }
        }
    }
}
