package io.sfsync.emulator.auth;

/**
 * What the emulated org's connected app and integration user accept at the token endpoint.
 *
 * @param refreshToken the refresh token the refresh_token flow accepts (Salesforce issues it through
 *        the web-server flow; here it is configured)
 * @param jwtCertificatePem the connected app's X.509 certificate (PEM) for the JWT bearer flow; null
 *        accepts any signature
 */
public record Credentials(String clientId, String clientSecret, String username, String password,
        String refreshToken, String jwtCertificatePem) {

    public Credentials withClientSecret(String secret) {
        return new Credentials(clientId, secret, username, password, refreshToken, jwtCertificatePem);
    }

    public Credentials withPassword(String newPassword) {
        return new Credentials(clientId, clientSecret, username, newPassword, refreshToken, jwtCertificatePem);
    }

    public Credentials withRefreshToken(String token) {
        return new Credentials(clientId, clientSecret, username, password, token, jwtCertificatePem);
    }

    public Credentials withJwtCertificate(String pem) {
        return new Credentials(clientId, clientSecret, username, password, refreshToken, pem);
    }

    /** Never print secrets, not even in a debugger's toString. */
    @Override
    public String toString() {
        return "Credentials[clientId=" + clientId + ", username=" + username + ", secrets=***]";
    }
}
