package io.sfsync.cli;

/**
 * The process exit codes of the one-off commands, so a script can tell a finished run from a crash, a
 * run that did part of its work, a configuration mistake and a job that another run holds.
 */
public final class ExitCodes {
    /** The run SUCCEEDED; the command did what it was asked. */
    public static final int SUCCEEDED = 0;
    /** The run FAILED, or the command met an unexpected error. */
    public static final int FAILED = 1;
    /** Bad configuration (sync.yaml, application.properties) or command-line usage; picocli's usage errors are 2 too. */
    public static final int CONFIG_OR_USAGE = 2;
    /** PARTIAL or PAUSED: the run did what it could; its errors are in sync_log, or the rest waits for the next run. */
    public static final int PARTIAL_OR_PAUSED = 3;
    /** BUSY: another run holds the job; nothing was done. */
    public static final int BUSY = 4;

    private ExitCodes() {
    }

    /** The exit code for a run's final status. */
    public static int forStatus(String status) {
        if (status == null) {
            return FAILED;
        }
        return switch (status) {
            case "SUCCEEDED" -> SUCCEEDED;
            case "PARTIAL", "PAUSED" -> PARTIAL_OR_PAUSED;
            case "BUSY" -> BUSY;
            default -> FAILED;
        };
    }
}
