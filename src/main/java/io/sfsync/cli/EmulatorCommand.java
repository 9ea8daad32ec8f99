package io.sfsync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

import io.sfsync.emulator.SalesforceEmulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sfsync emulator}: the bundled Salesforce emulator, standalone, until interrupted. */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = {"Starts the bundled Salesforce emulator (REST API, OAuth, Bulk API 2.0) and prints where to log in.",
                "Secrets not given as options or environment variables are generated and printed once."})
final class EmulatorCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8089", description = "HTTP port (0 for a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--client-id", defaultValue = "${env:SFSYNC_EMULATOR_CLIENT_ID:-sfsync-emulator}",
            description = "Connected app consumer key. Default: ${DEFAULT-VALUE}.")
    String clientId;

    @Option(names = "--client-secret", defaultValue = "${env:SFSYNC_EMULATOR_CLIENT_SECRET}",
            description = "Consumer secret (env SFSYNC_EMULATOR_CLIENT_SECRET); generated when absent.")
    String clientSecret;

    @Option(names = "--username", defaultValue = "${env:SFSYNC_EMULATOR_USERNAME:-integration@sfsync.example}",
            description = "Integration user. Default: ${DEFAULT-VALUE}.")
    String username;

    @Option(names = "--password", defaultValue = "${env:SFSYNC_EMULATOR_PASSWORD}",
            description = "Integration user's password (env SFSYNC_EMULATOR_PASSWORD); generated when absent.")
    String password;

    @Option(names = "--refresh-token", defaultValue = "${env:SFSYNC_EMULATOR_REFRESH_TOKEN}",
            description = "Refresh token accepted by the refresh_token flow; generated when absent.")
    String refreshToken;

    @Option(names = "--jwt-cert", description = "PEM X.509 certificate that verifies JWT bearer assertions.")
    Path jwtCertificate;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Added latency per call. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--daily-api-limit", defaultValue = "15000",
            description = "Daily API requests (Developer Edition: 15000). Default: ${DEFAULT-VALUE}.")
    long dailyApiLimit;

    @Option(names = "--max-concurrent", defaultValue = "25",
            description = "Concurrent requests before REQUEST_LIMIT_EXCEEDED. Default: ${DEFAULT-VALUE}.")
    int maxConcurrent;

    @Option(names = "--data", description = "Org definition (YAML or JSON): custom fields, picklists, records.")
    Path dataFile;

    @Option(names = "--state", description = "Keep the org in this JSON file: loaded at start (if present), written at stop.")
    Path stateFile;

    @Override
    public Integer call() throws Exception {
        SalesforceEmulator.Builder b = SalesforceEmulator.builder().host(host).port(port).clientId(clientId)
                .username(username).latencyMs(latencyMs).dailyApiLimit(dailyApiLimit).maxConcurrent(maxConcurrent)
                .dataFile(dataFile).stateFile(stateFile);
        if (clientSecret != null) {
            b.clientSecret(clientSecret);
        }
        if (password != null) {
            b.password(password);
        }
        if (refreshToken != null) {
            b.refreshToken(refreshToken);
        }
        if (jwtCertificate != null) {
            b.jwtCertificatePem(Files.readString(jwtCertificate));
        }
        SalesforceEmulator emulator = b.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.stop();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.println("Salesforce emulator is up (Ctrl-C to stop).");
        // The emulator's own throwaway credentials: printing them is the point of this command.
        System.out.print(emulator.describeLogin(true));
        System.out.println("Example: curl -s -d grant_type=client_credentials -d client_id=" + clientId
                + " -d client_secret=... " + emulator.loginUrl() + "/services/oauth2/token");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
