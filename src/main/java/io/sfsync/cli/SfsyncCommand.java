package io.sfsync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sfsync} command line: one jar, one subcommand per job. */
@Command(name = "sfsync", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Self-hosted, declarative Salesforce sync on Apache Camel.",
        subcommands = {ServeCommand.class, DemoCommand.class, RunCommand.class, PlanCommand.class, CheckCommand.class,
                RetryCommand.class, ReportCommand.class, ReconnectCommand.class, EmulatorCommand.class, BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class SfsyncCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SfsyncCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
