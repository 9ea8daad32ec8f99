package io.sfsync.cli;

import java.io.PrintWriter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.config.SyncConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sfsync} command line: one jar, one subcommand per job. */
@Command(name = "sfsync", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Self-hosted, declarative Salesforce sync on Apache Camel.",
        exitCodeListHeading = "%nExit codes (run, retry, plan, check, reconnect, demo --exit):%n",
        exitCodeList = {"0:SUCCEEDED", "1:FAILED, or an unexpected error", "2:bad configuration or command-line usage",
                "3:PARTIAL or PAUSED (errors are in sync_log, or the rest waits for the next run)",
                "4:BUSY (another run holds the job)"},
        subcommands = {ServeCommand.class, DemoCommand.class, RunCommand.class, PlanCommand.class, CheckCommand.class,
                RetryCommand.class, ResyncCommand.class, ReportCommand.class, ConflictsCommand.class, ReconnectCommand.class, EmulatorCommand.class, BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class SfsyncCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SfsyncCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SfsyncCommand()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(SfsyncCommand::failed);
    }

    /**
     * What a command that throws prints: one message, never a stack trace. A configuration error is its
     * list of problems, each with its path (exit 2); anything else is the error and its causes on one line
     * (exit 1), with the stack trace at debug level for whoever needs it.
     */
    static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SyncConfigLoader.InvalidConfigException config) {
                err.println(config.getMessage());
                err.flush();
                return ExitCodes.CONFIG_OR_USAGE;
            }
        }
        LOG.debug("sfsync {} failed", cmd.getCommandName(), e);
        err.println("sfsync " + cmd.getCommandName() + " failed: " + describe(e));
        err.flush();
        return ExitCodes.FAILED;
    }

    /** "message: cause's message: …", skipping causes whose message the previous one already holds. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 10; t = t.getCause()) {
            String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
            if (previous == null || !previous.contains(m)) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
            previous = m;
        }
        return sb.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
