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
                "The password comes from SFSYNC_OPERATOR_PASSWORD (or SFSYNC_ADMIN_PASSWORD with --user admin)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:reconnected", "1:Salesforce refused the login, sfsync cannot be reached, or another error",
                "2:usage: no password in the environment, a wrong password or role, a bad --url"})
final class ReconnectCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:${env:SFSYNC_HTTP_PORT:-8080}",
            description = "The running sfsync. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--user", defaultValue = "operator", description = "operator or admin. Default: ${DEFAULT-VALUE}.")
    String user;

    @Override
    public Integer call() throws Exception {
        if (!user.equals("operator") && !user.equals("admin")) {
            System.err.println("--user must be operator or admin, not '" + user + "'");
            return ExitCodes.CONFIG_OR_USAGE;
        }
        String password = System.getenv("SFSYNC_" + user.toUpperCase() + "_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("Set SFSYNC_" + user.toUpperCase() + "_PASSWORD to the " + user + "'s password.");
            return ExitCodes.CONFIG_OR_USAGE;
        }
        URI target;
        try {
            target = URI.create(url.replaceAll("/+$", "") + "/api/connection/reconnect");
        } catch (IllegalArgumentException e) {
            System.err.println("--url '" + url + "' is not a URL: " + e.getMessage());
            return ExitCodes.CONFIG_OR_USAGE;
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(target)
                    .header("Authorization", "Basic " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            System.err.println("cannot reach sfsync at " + url + " (is it serving?): " + SfsyncCommand.describe(e));
            return ExitCodes.FAILED;
        }
        System.out.println(r.body());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            return ExitCodes.CONFIG_OR_USAGE; // the password or the role is wrong: nothing was tried
        }
        return r.statusCode() == 200 ? ExitCodes.SUCCEEDED : ExitCodes.FAILED;
    }
}
