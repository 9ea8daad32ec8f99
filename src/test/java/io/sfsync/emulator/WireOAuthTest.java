package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The OAuth 2.0 endpoints on the wire: the four flows, Salesforce's error bodies, userinfo and the
 * identity URL, revoke, session expiry and secret rotation.
 */
class WireOAuthTest {
    private static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String KEYSTORE_PASSWORD = "changeit";

    /** JUnit injects static @TempDir fields before registered extensions run, so the key exists when the org starts. */
    @TempDir
    static Path keyDir;
    private static final SalesforceEmulator.Builder ORG = SalesforceEmulator.builder();
    private static ConnectedAppKey appKey;

    @RegisterExtension
    @Order(1)
    static final BeforeAllCallback CONNECTED_APP_CERTIFICATE = context -> {
        appKey = ConnectedAppKey.generate(keyDir);
        ORG.jwtCertificatePem(appKey.certificatePem());
    };

    @RegisterExtension
    @Order(2)
    static final EmulatorExtension SF = new EmulatorExtension(ORG);

    private final ObjectMapper mapper = new ObjectMapper();

    // ---- flows that succeed ----

    @Test
    void clientCredentialsFlowIssuesABearerTokenWithInstanceUrlAndIdentity() {
        RestClient.Reply r = client().token(clientCredentials(secret()));

        assertThat(r.status()).isEqualTo(200);
        assertIssuedToken(r.json());
    }

    @Test
    void passwordFlowIssuesAToken() {
        RestClient.Reply r = client().token(passwordGrant(SF.emulator().credentials().password()));

        assertThat(r.status()).isEqualTo(200);
        assertIssuedToken(r.json());
    }

    @Test
    void refreshTokenFlowIssuesAToken() {
        RestClient.Reply r = client().token(Map.of("grant_type", "refresh_token", "client_id", clientId(),
                "client_secret", secret(), "refresh_token", SF.emulator().credentials().refreshToken()));

        assertThat(r.status()).isEqualTo(200);
        assertIssuedToken(r.json());
    }

    @Test
    void jwtSignedWithTheConnectedAppKeyIssuesAUsableToken() {
        RestClient.Reply r = client().token(jwtGrant(jwt(appKey.privateKey(), Instant.now().plusSeconds(120))));

        assertThat(r.status()).isEqualTo(200);
        assertIssuedToken(r.json());
        assertThat(withToken(r.json().get("access_token").asText(), "GET", RestClient.V + "/limits").status())
                .isEqualTo(200);
    }

    // ---- token endpoint errors ----

    @Test
    void unknownClientIdIsInvalidClientId() {
        RestClient.Reply r = client().token(Map.of("grant_type", "client_credentials", "client_id", "nobody",
                "client_secret", secret()));

        assertOAuthError(r, "invalid_client_id", "client identifier invalid");
    }

    @Test
    void wrongClientSecretIsInvalidClient() {
        assertOAuthError(client().token(clientCredentials("wrong-secret")), "invalid_client",
                "invalid client credentials");
    }

    @Test
    void wrongPasswordIsInvalidGrantAuthenticationFailureWithExactlyTheTwoKeys() throws Exception {
        RestClient.Reply r = client().token(passwordGrant("wrong-password"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(mapper.readTree(
                "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}"));
    }

    @Test
    void unsupportedGrantTypeIsUnsupportedGrantType() {
        RestClient.Reply r = client().token(Map.of("grant_type", "bogus_grant", "client_id", clientId()));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void jwtSignedByAnotherKeyIsInvalidGrant() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey stranger = generator.generateKeyPair().getPrivate();

        RestClient.Reply r = client().token(jwtGrant(jwt(stranger, Instant.now().plusSeconds(120))));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void expiredJwtIsInvalidGrant() {
        RestClient.Reply r = client().token(jwtGrant(jwt(appKey.privateKey(), Instant.now().minusSeconds(60))));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    // ---- identity ----

    @Test
    void userinfoReturnsTheUserWithABearerTokenAnd403Without() {
        String token = issuedToken();

        RestClient.Reply info = withToken(token, "GET", "/services/oauth2/userinfo");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().get("user_id").asText()).isEqualTo(SF.emulator().org().integrationUserId());
        assertThat(info.json().get("organization_id").asText()).isEqualTo(SF.emulator().org().orgId());
        assertThat(info.json().get("preferred_username").asText()).isEqualTo(SF.emulator().credentials().username());

        assertThat(client().get("/services/oauth2/userinfo").status()).isEqualTo(403);
    }

    @Test
    void identityUrlReturnsTheUserWithABearerTokenAnd403Without() {
        JsonNode issued = client().token(clientCredentials(secret())).json();
        String idPath = issued.get("id").asText().substring(SF.emulator().instanceUrl().length());

        RestClient.Reply identity = withToken(issued.get("access_token").asText(), "GET", idPath);
        assertThat(identity.status()).isEqualTo(200);
        assertThat(identity.json().get("id").asText()).isEqualTo(issued.get("id").asText());
        assertThat(identity.json().get("user_id").asText()).isEqualTo(SF.emulator().org().integrationUserId());
        assertThat(identity.json().get("username").asText()).isEqualTo(SF.emulator().credentials().username());

        assertThat(client().get(idPath).status()).isEqualTo(403);
    }

    @Test
    void versionResourceListsTheCallersIdentityUrl() {
        JsonNode issued = client().token(clientCredentials(secret())).json();

        RestClient.Reply r = withToken(issued.get("access_token").asText(), "GET", RestClient.V);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("sobjects").asText()).isEqualTo(RestClient.V + "/sobjects");
        // what jsforce's identity() follows: the same identity URL the token answer gave
        assertThat(r.json().get("identity").asText()).isEqualTo(issued.get("id").asText());
    }

    // ---- session lifetime ----

    @Test
    void revokedTokenGetsInvalidSessionId() {
        String token = issuedToken();

        RestClient.Reply revoke = client().call("POST", "/services/oauth2/revoke", "token=" + token,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(revoke.status()).isEqualTo(200);

        assertInvalidSession(withToken(token, "GET", RestClient.V + "/limits"));
    }

    @Test
    void versionListNeedsNoAuthentication() {
        RestClient.Reply r = client().get("/services/data");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.json().findValuesAsText("version")).contains("62.0");
        assertThat(r.json().findValuesAsText("url")).contains("/services/data/v62.0");
    }

    @Test
    void expiringAllSessionsGivesInvalidSessionId() {
        RestClient sf = client().login();
        assertThat(sf.get(RestClient.V + "/limits").status()).isEqualTo(200);

        SF.emulator().sessions().expireAll();

        assertInvalidSession(sf.get(RestClient.V + "/limits"));
    }

    @Test
    void expiringSessionsThroughTheControlPlaneGivesInvalidSessionId() {
        RestClient sf = client().login();

        assertThat(client().post("/_emulator/sessions/expire", Map.of()).status()).isEqualTo(200);

        assertInvalidSession(sf.get(RestClient.V + "/limits"));
    }

    @Test
    void rotatedSecretMakesTheOldSecretInvalidClient() {
        String old = secret();

        client().post("/_emulator/credentials", Map.of("clientSecret", "rotated-secret"));

        assertOAuthError(client().token(clientCredentials(old)), "invalid_client", "invalid client credentials");
        assertThat(client().token(clientCredentials("rotated-secret")).status()).isEqualTo(200);
    }

    // ---- helpers ----

    private void assertIssuedToken(JsonNode token) {
        SalesforceEmulator e = SF.emulator();
        assertThat(token.get("access_token").asText()).isNotBlank();
        assertThat(token.get("instance_url").asText()).isEqualTo(e.instanceUrl());
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("signature").asText()).isNotBlank();
        long issuedAt = Long.parseLong(token.get("issued_at").asText());
        assertThat(issuedAt).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1_000);
        // …/id/{18-character org Id}/{18-character user Id}
        assertThat(token.get("id").asText())
                .matches(Pattern.quote(e.loginUrl()) + "/id/00D[0-9A-Za-z]{15}/005[0-9A-Za-z]{15}")
                .endsWith("/id/" + e.org().orgId() + "/" + e.org().integrationUserId());
    }

    private static void assertOAuthError(RestClient.Reply r, String error, String description) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo(error);
        assertThat(r.json().get("error_description").asText()).isEqualTo(description);
    }

    private static void assertInvalidSession(RestClient.Reply r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.json()).hasSize(1);
        assertThat(r.json().get(0).get("message").asText()).isEqualTo("Session expired or invalid");
        assertThat(r.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
    }

    private static RestClient client() {
        return new RestClient(SF.emulator());
    }

    private static RestClient.Reply withToken(String token, String method, String path) {
        return client().call(method, path, null, Map.of("Authorization", "Bearer " + token));
    }

    private static String issuedToken() {
        return client().token(clientCredentials(secret())).json().get("access_token").asText();
    }

    private static String clientId() {
        return SF.emulator().credentials().clientId();
    }

    private static String secret() {
        return SF.emulator().credentials().clientSecret();
    }

    private static Map<String, String> clientCredentials(String secret) {
        return Map.of("grant_type", "client_credentials", "client_id", clientId(), "client_secret", secret);
    }

    private static Map<String, String> passwordGrant(String password) {
        return Map.of("grant_type", "password", "client_id", clientId(), "client_secret", secret(),
                "username", SF.emulator().credentials().username(), "password", password);
    }

    private static Map<String, String> jwtGrant(String assertion) {
        return Map.of("grant_type", JWT_GRANT, "assertion", assertion);
    }

    /** An RS256 JWT bearer assertion as Salesforce's JWT flow expects it. */
    private String jwt(PrivateKey key, Instant expiry) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
            String claims = b64.encodeToString(mapper.writeValueAsBytes(Map.of(
                    "iss", clientId(),
                    "sub", SF.emulator().credentials().username(),
                    "aud", SF.emulator().loginUrl(),
                    "exp", expiry.getEpochSecond())));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64.encodeToString(rs256.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connected app's key pair, made the way an admin makes one: keytool, then the certificate as PEM. */
    private record ConnectedAppKey(PrivateKey privateKey, String certificatePem) {
        static ConnectedAppKey generate(Path dir) throws Exception {
            Path store = dir.resolve("connected-app.p12");
            Path pem = dir.resolve("connected-app.pem");
            keytool("-genkeypair", "-alias", "connected-app", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=sfsync-test", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "connected-app", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", KEYSTORE_PASSWORD, "-file", pem.toString());
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, KEYSTORE_PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) keyStore.getKey("connected-app", KEYSTORE_PASSWORD.toCharArray());
            return new ConnectedAppKey(key, Files.readString(pem, StandardCharsets.US_ASCII));
        }

        private static void keytool(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        }
    }
}
