package io.sfsync.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Option;

/**
 * A one-off command acting through a running sfsync's REST API ({@code --url}) instead of starting one
 * of its own: the serving instance runs the job, with its schedules, lease and log, and the command
 * prints the answer. The password comes from the environment (SFSYNC_OPERATOR_PASSWORD, or
 * SFSYNC_ADMIN_PASSWORD with {@code --user admin}).
 */
final class ServiceClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The options of a command that may act through a running sfsync. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL", description = "Act through the running sfsync at this URL"
                + " (e.g. http://127.0.0.1:8080) instead of starting one: its API runs the job.")
        String url;

        @Option(names = "--user", defaultValue = "operator", description = "With --url: operator or admin."
                + " Default: ${DEFAULT-VALUE}.")
        String user;

        boolean remote() {
            return url != null;
        }
    }

    /** An answer: the HTTP status and its JSON (null when the body is not JSON). */
    record Reply(int status, JsonNode json, String body) {
        String field(String name) {
            return json == null || json.get(name) == null || json.get(name).isNull() ? null : json.get(name).asText();
        }
    }

    /** A usage problem found before anything was sent: the message to print. */
    static final class UsageProblem extends Exception {
        UsageProblem(String message) {
            super(message);
        }
    }

    /** sfsync could not be reached (not serving, wrong port). */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private ServiceClient() {
    }

    /** A job's name as one path segment of the API's URLs. */
    static String segment(String name) {
        return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Reply post(String url, String user, String path, Map<String, Object> body) throws UsageProblem, Unreachable,
            InterruptedException {
        if (!user.equals("operator") && !user.equals("admin")) {
            throw new UsageProblem("--user must be operator or admin, not '" + user + "'");
        }
        String variable = "SFSYNC_" + user.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
        String password = System.getenv(variable);
        if (password == null || password.isEmpty()) {
            throw new UsageProblem("Set " + variable + " to the " + user + "'s password.");
        }
        URI target;
        try {
            target = URI.create(url.replaceAll("/+$", "") + "/api" + path);
            if (target.getScheme() == null || target.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new UsageProblem("--url '" + url + "' is not a URL such as http://127.0.0.1:8080: " + e.getMessage());
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r;
        try {
            String json = body == null ? "" : JSON.writeValueAsString(body);
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(target)
                    .header("Authorization", "Basic " + token).header("Content-Type", "application/json")
                    .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new Unreachable("cannot reach sfsync at " + url + " (is it serving?): " + SfsyncCommand.describe(e));
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            parsed = null;
        }
        return new Reply(r.statusCode(), parsed, r.body());
    }

    /**
     * Sends a run-like request (run, retry, resync) and prints the answer: the run's id, status and summary,
     * or the refusal. The exit code is the run's status's, as if it had run here.
     */
    static int runThrough(Options remote, String path, Map<String, Object> body) {
        Reply r;
        try {
            r = post(remote.url, remote.user, path, body);
        } catch (UsageProblem e) {
            System.err.println(e.getMessage());
            return ExitCodes.CONFIG_OR_USAGE;
        } catch (Unreachable e) {
            System.err.println(e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        if (r.status() == 409 && "BUSY".equals(r.field("status"))) {
            System.out.println("BUSY: " + r.field("error"));
            return ExitCodes.BUSY;
        }
        if (r.status() != 200) {
            System.err.println("sfsync at " + remote.url + " answered " + r.status() + ": "
                    + (r.field("error") != null ? r.field("error") : r.body()));
            return r.status() == 401 || r.status() == 403 || r.status() == 400 || r.status() == 404 || r.status() == 409
                    ? ExitCodes.CONFIG_OR_USAGE : ExitCodes.FAILED;
        }
        String status = r.field("status");
        String runId = r.field("runId");
        System.out.println((runId == null ? "" : "Run " + runId + " — ") + status + ": " + r.field("summary")
                + (r.field("stopReason") == null ? "" : " — stopped: " + r.field("stopReason"))
                + (r.field("resync") == null ? "" : "\n  resync: " + r.field("resync"))
                + (runId == null ? "" : "\n  its report: sfsync report --run " + runId + " (or GET " + remote.url
                        .replaceAll("/+$", "") + "/api/runs/" + runId + ")"));
        return status == null || status.startsWith("NOTHING_TO") ? ExitCodes.SUCCEEDED : ExitCodes.forStatus(status);
    }
}
