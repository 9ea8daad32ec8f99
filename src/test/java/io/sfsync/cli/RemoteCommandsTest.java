package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sfsync.app.SfsyncRuntime;

/**
 * run, retry, resync and reconnect with --url act through a running sfsync's API: each as a process of its
 * own (the password comes from its environment), beside a serving instance whose ports it never touches.
 */
class RemoteCommandsTest {
    static SfsyncRuntime serving;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        serving = SfsyncRuntime.start(SfsyncRuntime.Options.defaults().withEmulator(true).withDemo(true).withSchedules(false)
                .withOverrides(Map.of("sfsync.source.url", "jdbc:h2:mem:remote;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "30",
                        "camel.main.jmx-enabled", "false", "camel.server.port", String.valueOf(port),
                        "sfsync.hawtio.enabled", "false", "sfsync.limits.watch", "false",
                        "env.SFSYNC_OPERATOR_PASSWORD", "op-pass", "env.SFSYNC_VIEWER_PASSWORD", "view-pass")));
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        serving.close();
    }

    record Result(int code, String out) {
    }

    /** sfsync as a process, in an empty directory (no config of its own), with this environment. */
    private static Result sfsync(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.sfsync.cli.SfsyncCommand"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(java.nio.file.Files.createTempDirectory("sfsync-remote").toFile());
        pb.environment().remove("SFSYNC_OPERATOR_PASSWORD");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void aRunRetryAndResyncGoThroughTheRunningInstance() throws Exception {
        Map<String, String> op = Map.of("SFSYNC_OPERATOR_PASSWORD", "op-pass");
        long runsBefore = serving.store().recentRuns(1000).size();
        Result run = sfsync(op, "run", "people", "--url", url);
        // the demo's rows include errors on purpose: PARTIAL (3), as the run would end here
        assertThat(run.code()).as(run.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(run.out()).containsPattern("Run \\d+ — PARTIAL: \\d+ created").contains("sfsync report --run")
                .doesNotContain(" INFO ");
        assertThat(serving.store().recentRuns(1000)).hasSize((int) runsBefore + 1);

        Result retry = sfsync(op, "retry", "people", "--url", url, "--reason", "INVALID_EMAIL_ADDRESS");
        assertThat(retry.out()).as(retry.out()).containsPattern("Run \\d+ — PARTIAL");
        Result nothing = sfsync(op, "retry", "people", "--url", url, "--reason", "NO_SUCH_REASON");
        assertThat(nothing.code()).as(nothing.out()).isZero();
        assertThat(nothing.out()).contains("NOTHING_TO_RETRY");

        Result resync = sfsync(op, "resync", "people", "--url", url, "--since", "2999-01-01T00:00:00Z");
        // the rows the demo's errors leave behind keep it PARTIAL: a touchpoint of a person in ERROR waits
        assertThat(resync.code()).as(resync.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(resync.out()).contains("resync: asked for (api)", "0 created, 0 updated");
    }

    @Test
    void withoutThePasswordOrTheServiceEachSaysSoInALine() throws Exception {
        Result noPassword = sfsync(Map.of(), "run", "people", "--url", url);
        assertThat(noPassword.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(noPassword.out().strip()).isEqualTo("Set SFSYNC_OPERATOR_PASSWORD to the operator's password.");
        Result wrong = sfsync(Map.of("SFSYNC_OPERATOR_PASSWORD", "nope"), "run", "people", "--url", url);
        assertThat(wrong.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(wrong.out()).contains("answered 401");
        Result noJob = sfsync(Map.of("SFSYNC_OPERATOR_PASSWORD", "op-pass"), "run", "nope", "--url", url);
        assertThat(noJob.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(noJob.out()).contains("answered 404", "no job 'nope'");
        Result down = sfsync(Map.of("SFSYNC_OPERATOR_PASSWORD", "x"), "run", "people", "--url", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(down.out().strip()).startsWith("cannot reach sfsync at http://127.0.0.1:1 (is it serving?)")
                .doesNotContain("\tat ");
        Result badUrl = sfsync(Map.of("SFSYNC_OPERATOR_PASSWORD", "x"), "run", "people", "--url", "not a url");
        assertThat(badUrl.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(badUrl.out()).contains("--url 'not a url' is not a URL");
    }
}
