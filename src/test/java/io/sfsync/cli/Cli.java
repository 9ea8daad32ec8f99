package io.sfsync.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Assertions;

/** The real {@code sfsync} command line, run in-process as a person types it, with everything it prints. */
final class Cli {
    private Cli() {
    }

    /** The exit code and all output (System.out, System.err and picocli's own writers, in one). */
    record Result(int code, String out) {
    }

    static Result sfsync(String... args) {
        return sfsync(Duration.ofSeconds(60), args);
    }

    static Result sfsync(Duration timeout, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter picocli = new StringWriter();
        int code;
        try {
            PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            var cli = SfsyncCommand.commandLine();
            cli.setOut(new PrintWriter(picocli, true));
            cli.setErr(new PrintWriter(picocli, true));
            code = Assertions.assertTimeoutPreemptively(timeout, () -> cli.execute(args),
                    "sfsync " + String.join(" ", args) + " did not finish in " + timeout);
        } finally {
            System.setOut(out);
            System.setErr(err);
            // a one-off command leaves only warnings logged (its process then ends); the tests after it log as before
            var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
            context.getLogger("org.apache.camel.component.salesforce").setLevel(ch.qos.logback.classic.Level.INFO);
        }
        return new Result(code, captured.toString(StandardCharsets.UTF_8) + picocli);
    }
}
