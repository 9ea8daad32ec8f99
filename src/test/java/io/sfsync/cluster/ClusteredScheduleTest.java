package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
                    processes.add(serve(config, url, emulator, log));
                }
                for (Path log : logs) {
                    waitFor(log, "sfsync is serving jobs", 90);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM qrtz_scheduler_state")).as("instances checked in").isEqualTo(2);
                // /api/cluster of either instance lists both
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Console:  (http://\\S+)/console/")
                        .matcher(read(logs[1]));
                assertThat(m.find()).as("the console URL in " + logs[1]).isTrue();
                var reply = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(m.group(1) + "/api/cluster")).header("Authorization", "Basic " + java.util.Base64
                                .getEncoder().encodeToString("viewer:viewer-pass".getBytes())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                var cluster = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reply.body());
                assertThat(cluster.get("clustered").asBoolean()).as(reply.body()).isTrue();
                assertThat(cluster.get("instances")).as(reply.body()).hasSize(2);
                long before = count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                waitUntil(() -> count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= before + 5, 40);
                for (Path log : logs) {
                    assertThat(Files.readString(log)).as(log + ": a firing skipped because the other instance had it")
                            .doesNotContain("trigger of people is skipped");
                }
                // kill -9 of one instance: the other fires every schedule from now on
                processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                long afterKill = count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                waitUntil(() -> count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= afterKill + 4, 60);
                // a rolling restart: a new instance joins, then the one left stops gracefully (SIGTERM); its
                // routes stopping must not pause the cluster's triggers, so the new one goes on firing
                Path logC = dir.resolve("c.log");
                processes.add(serve(config, url, emulator, logC));
                waitFor(logC, "sfsync is serving jobs", 90);
                processes.get(1).destroy();
                assertThat(processes.get(1).waitFor(60, TimeUnit.SECONDS)).as("b stopped on SIGTERM").isTrue();
                assertThat(count(ds, "SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_state = 'PAUSED'"))
                        .as("triggers paused for the whole cluster by b's stop").isZero();
                long afterStop = count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'");
                waitUntil(() -> count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule'") >= afterStop + 3, 60);
                assertThat(count(ds, "SELECT COUNT(*) FROM sync_run WHERE status = 'FAILED'")).isZero();
                // the job removed from sync.yaml: its trigger leaves the cluster's store, and no firing follows
                String yaml = Files.readString(config.resolve("sync.yaml"));
                Files.writeString(config.resolve("sync.yaml"), yaml.substring(0, yaml.indexOf("  people:"))
                        + yaml.substring(yaml.indexOf("  crm:")));
                waitFor(logC, "The schedule of job people is removed from the cluster's Quartz store", 30);
                assertThat(count(ds, "SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'people'")).isZero();
                long afterRemoval = count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule' AND job = 'people'");
                Thread.sleep(5_000); // two and a half of its periods
                assertThat(count(ds, "SELECT COUNT(*) FROM sync_run WHERE trigger = 'schedule' AND job = 'people'"))
                        .isLessThanOrEqualTo(afterRemoval + 1); // one may have been in progress
                assertThat(read(logC)).doesNotContain("JobExecutionException");
                // every person once in Salesforce: no firing ran twice into a duplicate
                assertThat(count(ds, "SELECT COUNT(DISTINCT sf_id) FROM sync_link WHERE job = 'people'"))
                        .isEqualTo(count(ds, "SELECT COUNT(*) FROM sync_link WHERE job = 'people'"));
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                emulator.stop();
            }
        }
    }

    private static Process serve(Path config, String url, SalesforceEmulator emulator, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.sfsync.cli.SfsyncCommand", "serve", "--config", config.toString(),
                "--routes", Path.of("routes").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SFSYNC_SOURCE_URL", url);
        pb.environment().put("SFSYNC_SOURCE_USER", "postgres");
        pb.environment().put("SFSYNC_SF_LOGIN_URL", emulator.loginUrl());
        pb.environment().put("SFSYNC_SF_CLIENT_ID", emulator.credentials().clientId());
        pb.environment().put("SFSYNC_SF_CLIENT_SECRET", emulator.credentials().clientSecret());
        pb.environment().put("SFSYNC_VIEWER_PASSWORD", "viewer-pass");
        return pb.start();
    }

    private static long count(javax.sql.DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1; // a table not there yet
        }
    }

    private static void waitFor(Path log, String text, int seconds) throws Exception {
        try {
            waitUntil(() -> Files.exists(log) && read(log).contains(text), seconds);
        } catch (AssertionError e) {
            String all = read(log);
            throw new AssertionError("'" + text + "' not in " + log + " within " + seconds + " s; it ends:\n"
                    + all.substring(Math.max(0, all.length() - 3000)));
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }
}
