package io.sfsync.salesforce;

import java.util.Locale;

import io.sfsync.config.SalesforceSettings.AuthType;

/**
 * What a connection state means in plain words and what to do about it, for the console's banner and the
 * API: the raw OAuth answer ({@code invalid_grant: authentication failure}) names the error, not the fix.
 *
 * @param happened what went wrong, in words an operator on call reads at night
 * @param todo the next step, naming the setting or the Salesforce Setup page
 */
public record ConnectionAdvice(String happened, String todo) {

    /** The advice for a state, or null when the connection is UP. */
    public static ConnectionAdvice of(ConnectionMonitor.State state, String reason, AuthType auth, String loginUrl) {
        if (state == ConnectionMonitor.State.UP) {
            return null;
        }
        if (state == ConnectionMonitor.State.DEGRADED) {
            return new ConnectionAdvice("Less than a tenth of the org's daily API allowance is left.",
                    "Runs go on within sfsync's budget (salesforce.dailyApiBudget) and pause when it is spent; the"
                            + " allowance refills over 24 hours. Look at the other clients in Setup → Company Information.");
        }
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("connection refused") || r.contains("unknownhost") || r.contains("unknown host")
                || r.contains("timed out") || r.contains("timeout") || r.contains("no route to host")) {
            return new ConnectionAdvice("sfsync could not reach Salesforce at " + loginUrl + ".",
                    "Check the network and salesforce.loginUrl in sync.yaml; press Fix now once Salesforce answers.");
        }
        if (r.contains("invalid_client_id") || r.contains("client identifier invalid")) {
            return new ConnectionAdvice("Salesforce does not know sfsync's connected app: its consumer key is wrong, or the"
                    + " app was deleted.", "Set SFSYNC_SF_CLIENT_ID to the app's Consumer Key (Setup → App Manager → the app"
                    + " → View), restart or update the credentials file, then press Fix now.");
        }
        if (r.contains("invalid_client") || r.contains("invalid client credentials")) {
            return new ConnectionAdvice("Salesforce refused the connected app's consumer secret: it was rotated or mistyped.",
                    "Put the app's current Consumer Secret in SFSYNC_SF_CLIENT_SECRET (or the credentials file,"
                            + " SFSYNC_SF_CREDENTIALS_FILE, which Fix now reads again), then press Fix now.");
        }
        if (r.contains("inactive") || r.contains("frozen") || r.contains("locked")) {
            return new ConnectionAdvice("Salesforce refused the login: the integration user is inactive, frozen or locked.",
                    "Activate or unlock the user in Setup → Users, then press Fix now.");
        }
        if (r.contains("invalid_grant") || r.contains("authentication failure") || r.contains("expired")
                || r.contains("revoked")) {
            return switch (auth) {
                case CLIENT_CREDENTIALS -> new ConnectionAdvice("Salesforce refused the client-credentials login.",
                        "In Setup → App Manager → the app → Manage → Edit Policies, set Client Credentials Flow's Run As to"
                                + " an active user, and use your My Domain as salesforce.loginUrl; then press Fix now.");
                case REFRESH_TOKEN -> new ConnectionAdvice("Salesforce no longer accepts sfsync's refresh token: it was"
                        + " revoked or expired.", "Authorize sfsync again and put the new token in SFSYNC_SF_REFRESH_TOKEN"
                        + " (or the credentials file), then press Fix now.");
                case JWT -> new ConnectionAdvice("Salesforce refused sfsync's signed login (JWT bearer).",
                        "Check that the app holds the certificate of the keystore's key and that the user is pre-authorized"
                                + " (the app's Manage → Profiles or Permission Sets); then press Fix now.");
                case PASSWORD -> new ConnectionAdvice("Salesforce refused the username, password or security token.",
                        "Set SFSYNC_SF_PASSWORD to the password followed by the current security token, then press Fix"
                                + " now (Salesforce is retiring this flow: client credentials are the way forward).");
            };
        }
        return new ConnectionAdvice("Salesforce refused sfsync's login. Jobs are paused; nothing is lost: their rows wait"
                + " behind the watermark.", "Check the connected app and the credentials in the environment, then press"
                + " Fix now.");
    }
}
