package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class SfsyncCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SfsyncCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheSubcommands() {
        Result r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("serve", "emulator");
    }

    @Test
    void emulatorHelpDocumentsEveryOption() {
        Result r = run("emulator", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--port", "--client-id", "--client-secret", "--username", "--password",
                "--latency-ms", "--daily-api-limit", "--data");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Result r = run("--help");
        assertThat(r.out()).contains("Exit codes", "0   SUCCEEDED", "2   bad configuration or command-line usage",
                "3   PARTIAL or PAUSED", "4   BUSY (another run holds the job)");
        assertThat(run("run", "--help").out()).contains("Exit codes", "4   BUSY (another run holds the job)");
    }

    @Test
    void unknownCommandFailsWithAUsageError() {
        Result r = run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
    }
}
