package io.sfsync.cli;

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
        ServiceClient.Reply r;
        try {
            r = ServiceClient.post(url, user, "/connection/reconnect", null);
        } catch (ServiceClient.UsageProblem e) {
            System.err.println(e.getMessage());
            return ExitCodes.CONFIG_OR_USAGE;
        } catch (ServiceClient.Unreachable e) {
            System.err.println(e.getMessage());
            return ExitCodes.FAILED;
        }
        System.out.println(r.body());
        if (r.status() == 401 || r.status() == 403) {
            return ExitCodes.CONFIG_OR_USAGE; // the password or the role is wrong: nothing was tried
        }
        return r.status() == 200 ? ExitCodes.SUCCEEDED : ExitCodes.FAILED;
    }
}
