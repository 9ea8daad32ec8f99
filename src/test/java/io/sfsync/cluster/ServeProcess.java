package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sfsync.emulator.SalesforceEmulator;

/** `sfsync serve` as a process of its own on a shared database, for the tests that kill one (kill -9). */
final class ServeProcess {
    private ServeProcess() {
    }

    /** Starts `sfsync serve` with this configuration on the source at {@code url}, its output in {@code log}. */
    static Process start(Path config, String url, SalesforceEmulator emulator, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.sfsync.cli.SfsyncCommand", "serve", "--config", config.toString(),
                "--routes", Path.of("routes").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SFSYNC_SOURCE_URL", url);
        pb.environment().put("SFSYNC_SOURCE_USER", "postgres");
        pb.environment().put("SFSYNC_SF_LOGIN_URL", emulator.loginUrl());
        pb.environment().put("SFSYNC_SF_CLIENT_ID", emulator.credentials().clientId());
        pb.environment().put("SFSYNC_SF_CLIENT_SECRET", emulator.credentials().clientSecret());
        pb.environment().put("SFSYNC_OPERATOR_PASSWORD", "operator-pass");
        pb.environment().put("SFSYNC_VIEWER_PASSWORD", "viewer-pass");
        return pb.start();
    }

    /** The base URL the process serves its API and console on, once it serves jobs. */
    static String apiUrl(Path log) throws Exception {
        waitFor(log, "sfsync is serving jobs", 90);
        Matcher m = Pattern.compile("Console:  (http://\\S+)/console/").matcher(read(log));
        assertThat(m.find()).as("the console URL in " + log + ":\n" + read(log)).isTrue();
        return m.group(1);
    }

    /** A POST of {} as the operator. */
    static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("operator:operator-pass".getBytes()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the log holds the text; failing, shows how the log ends. */
    static void waitFor(Path log, String text, int seconds) throws InterruptedException {
        try {
            waitUntil(() -> read(log).contains(text), seconds);
        } catch (AssertionError e) {
            String all = read(log);
            throw new AssertionError("'" + text + "' not in " + log + " within " + seconds + " s; it ends:\n"
                    + all.substring(Math.max(0, all.length() - 3000)));
        }
    }

    /** A count while the processes work: -1 while the query cannot run yet (a table not there). */
    static long countSoFar(javax.sql.DataSource ds, String sql) {
        try {
            return SharedWorkTest.count(ds, sql);
        } catch (Exception e) {
            return -1;
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
