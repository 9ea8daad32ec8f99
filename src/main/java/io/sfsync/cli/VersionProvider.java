package io.sfsync.cli;

import picocli.CommandLine;

/** The version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = SfsyncCommand.class.getPackage().getImplementationVersion();
        return new String[] {"sfsync " + (v == null ? "dev" : v)};
    }
}
