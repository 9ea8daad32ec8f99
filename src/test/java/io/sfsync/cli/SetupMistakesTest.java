package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each setup mistake a newcomer makes is a clear message naming the setting and the fix, exit code 2, no trace. */
class SetupMistakesTest {

    /** A config directory as shipped, with these lines added to application.properties (later keys win). */
    private static Path config(Path dir, String auth, String moreProperties) throws Exception {
        Path c = Files.createDirectories(dir.resolve("config"));
        Files.writeString(c.resolve("application.properties"), Files.readString(Path.of("config/application.properties"))
                + "\nsfsync.source.url = jdbc:h2:mem:setup-" + Math.abs(dir.hashCode()) + ";DB_CLOSE_DELAY=-1\n"
                // as shipped, but from variables no environment sets
                + "camel.component.salesforce.client-id = {{env:SFSYNC_TEST_NEVER_SET:}}\n"
                + "camel.component.salesforce.client-secret = {{env:SFSYNC_TEST_NEVER_SET:}}\n"
                + "camel.component.salesforce.user-name = {{env:SFSYNC_TEST_NEVER_SET:}}\n" + moreProperties);
        Files.writeString(c.resolve("sync.yaml"), Files.readString(Path.of("config/sync.yaml"))
                .replace("auth: client_credentials", "auth: " + auth));
        return c;
    }

    private static void assertOneClearProblem(Cli.Result r, String... says) {
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(r.out()).contains(says).doesNotContain("\tat ", "Exception");
    }

    @Test
    void missingSalesforceCredentialsAreNamedByTheirVariablesBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path c = config(dir, "client_credentials", "");
        Cli.Result r = Cli.sfsync("run", "people", "--config", c.toString());
        assertOneClearProblem(r, "SFSYNC_SF_CLIENT_ID is not set: salesforce.auth client_credentials needs the connected app's"
                + " consumer key", "SFSYNC_SF_CLIENT_SECRET is not set", "add --emulator");
        assertThat(r.out()).doesNotContain("invalid_client_id", "SFSYNC_SF_USERNAME");
        // the same check for every flow, each asking for what it needs
        Cli.Result jwt = Cli.sfsync("check", "--config", config(dir.resolve("jwt"), "jwt", "").toString());
        assertOneClearProblem(jwt, "SFSYNC_SF_CLIENT_ID is not set", "SFSYNC_SF_USERNAME is not set",
                "SFSYNC_SF_JWT_KEYSTORE is not set");
        assertThat(jwt.out()).doesNotContain("SFSYNC_SF_CLIENT_SECRET");
        Cli.Result refresh = Cli.sfsync("plan", "people", "--config", config(dir.resolve("rt"), "refresh_token", "")
                .toString());
        assertOneClearProblem(refresh, "SFSYNC_SF_REFRESH_TOKEN is not set");
        // with --emulator nothing is asked for: the bundled emulator has its own
        Cli.Result emulated = Cli.sfsync("check", "--emulator", "--demo", "--config", c.toString());
        assertThat(emulated.code()).as(emulated.out()).isZero();
    }

    @Test
    void noConfigurationWhereTheCommandLooksSaysWhereToRunIt(@TempDir Path empty) {
        for (String[] args : new String[][] {{"run", "people"}, {"benchmark", "--scenario", "idle"}}) {
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--config", empty.toString())).toArray(String[]::new);
            assertOneClearProblem(Cli.sfsync(all), "does not exist: run sfsync from its directory or pass --config DIR");
        }
    }

    @Test
    void aPortInUseNamesItsSettingAndHowToChooseAnother(@TempDir Path dir) throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path c = config(dir, "client_credentials", "sfsync.hawtio.enabled = false\n");
            Cli.Result r = Cli.sfsync("demo", "--exit", "--config", c.toString(), "--emulator-port", "0",
                    "--http-port", String.valueOf(taken.getLocalPort()));
            assertOneClearProblem(r, "camel.server.port: port " + taken.getLocalPort() + " on 127.0.0.1 is in use by another"
                    + " process (the API and console; SFSYNC_HTTP_PORT or --http-port, 0 for a free one)");
            Cli.Result emulator = Cli.sfsync("demo", "--exit", "--config", c.toString(), "--emulator-port",
                    String.valueOf(taken.getLocalPort()), "--http-port", "0");
            assertOneClearProblem(emulator, "sfsync.emulator.port: port " + taken.getLocalPort(), "--emulator-port 0");
        }
    }
}
