package io.sfsync.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sfsync reconnect}: "Fix now" from the command line, against a running sfsync. */
@Command(name = "reconnect", mixinStandardHelpOptions = true,
        description = {"Fix now: the running sfsync logs in to Salesforce again and resumes paused jobs.",
                "The password comes from SFSYNC_OPERATOR_PASSWORD (or SFSYNC_ADMIN_PASSWORD with --user admin)."})
final class ReconnectCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:${env:SFSYNC_HTTP_PORT:-8080}",
            description = "The running sfsync. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--user", defaultValue = "operator", description = "operator or admin. Default: ${DEFAULT-VALUE}.")
    String user;

    @Override
    public Integer call() throws Exception {
        String password = System.getenv("SFSYNC_" + user.toUpperCase() + "_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("Set SFSYNC_" + user.toUpperCase() + "_PASSWORD to the " + user + "'s password.");
            return 2;
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url.replaceAll("/+$", "") + "/api/connection/reconnect"))
                .header("Authorization", "Basic " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println(r.body());
        return r.statusCode() == 200 ? 0 : 1;
    }
}
