package io.sfsync.config;

/**
 * How sfsync reaches Salesforce. Credentials are not here: they come from the environment
 * (see config/application.properties).
 *
 * @param dailyApiBudgetPercent never use more than this share of the org's remaining daily API calls
 * @param maxCallsPerSecond throttle for API calls (0 = unthrottled)
 * @param maxConcurrentCalls calls in flight at once (the org allows 25 long-running ones, 5 on Developer Edition)
 */
public record SalesforceSettings(Environment environment, String loginUrl, AuthType auth, String apiVersion,
        int dailyApiBudgetPercent, int maxCallsPerSecond, int maxConcurrentCalls) {

    public SalesforceSettings(Environment environment, String loginUrl, AuthType auth, String apiVersion,
            int dailyApiBudgetPercent, int maxCallsPerSecond) {
        this(environment, loginUrl, auth, apiVersion, dailyApiBudgetPercent, maxCallsPerSecond, 25);
    }

    public enum Environment { PRODUCTION, SANDBOX, CUSTOM }

    /** OAuth flows; PASSWORD still works but Salesforce is retiring it. */
    public enum AuthType { CLIENT_CREDENTIALS, JWT, REFRESH_TOKEN, PASSWORD }

    public String resolvedLoginUrl() {
        return switch (environment) {
            case PRODUCTION -> "https://login.salesforce.com";
            case SANDBOX -> "https://test.salesforce.com";
            case CUSTOM -> loginUrl;
        };
    }

    /** The camel-salesforce authenticationType for this flow. */
    public String camelAuthenticationType() {
        return auth == AuthType.PASSWORD ? "USERNAME_PASSWORD" : auth.name();
    }
}
