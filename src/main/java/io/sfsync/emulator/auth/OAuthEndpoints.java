package io.sfsync.emulator.auth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.api.Session;

/**
 * The OAuth 2.0 token endpoint for the client-credentials, username-password, refresh-token and
 * JWT-bearer flows, plus userinfo, the identity URL and revoke, with Salesforce's error bodies
 * ({@code {"error":"invalid_grant","error_description":"authentication failure"}}).
 */
public final class OAuthEndpoints {
    public static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** A token-endpoint answer: HTTP status and JSON body. */
    public record Answer(int status, Map<String, Object> body) {
    }

    private final EmulatedOrg org;
    private final SessionStore sessions;
    private final AtomicReference<Credentials> credentials;
    private final ObjectMapper mapper = new ObjectMapper();

    public OAuthEndpoints(EmulatedOrg org, SessionStore sessions, AtomicReference<Credentials> credentials) {
        this.org = org;
        this.sessions = sessions;
        this.credentials = credentials;
    }

    public Answer token(Map<String, String> form, String baseUrl) {
        Credentials c = credentials.get();
        String grant = form.get("grant_type");
        if (grant == null || !List.of("client_credentials", "password", "refresh_token", JWT_GRANT).contains(grant)) {
            return error("unsupported_grant_type", "grant type not supported");
        }
        if (grant.equals(JWT_GRANT)) {
            return jwt(form.get("assertion"), c, baseUrl);
        }
        if (!c.clientId().equals(form.get("client_id"))) {
            return error("invalid_client_id", "client identifier invalid");
        }
        switch (grant) {
            case "client_credentials" -> {
                if (!c.clientSecret().equals(form.get("client_secret"))) {
                    return error("invalid_client", "invalid client credentials");
                }
                return issued(org.integrationUserId(), baseUrl, false);
            }
            case "password" -> {
                if (form.get("client_secret") != null && !c.clientSecret().equals(form.get("client_secret"))) {
                    return error("invalid_client", "invalid client credentials");
                }
                if (!c.username().equalsIgnoreCase(form.getOrDefault("username", ""))
                        || !c.password().equals(form.get("password"))) {
                    return error("invalid_grant", "authentication failure");
                }
                return issued(org.integrationUserId(), baseUrl, false);
            }
            default -> {
                if (form.get("client_secret") != null && !c.clientSecret().equals(form.get("client_secret"))) {
                    return error("invalid_client", "invalid client credentials");
                }
                if (c.refreshToken() == null || !c.refreshToken().equals(form.get("refresh_token"))) {
                    return error("invalid_grant", "expired access/refresh token");
                }
                return issued(org.integrationUserId(), baseUrl, false);
            }
        }
    }

    private Answer jwt(String assertion, Credentials c, String baseUrl) {
        if (assertion == null) {
            return error("invalid_request", "assertion is required");
        }
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return error("invalid_grant", "invalid assertion");
        }
        Map<String, Object> claims;
        try {
            claims = mapper.readValue(Base64.getUrlDecoder().decode(parts[1]), new TypeReference<>() { });
        } catch (Exception e) {
            return error("invalid_grant", "invalid assertion");
        }
        if (!c.clientId().equals(claims.get("iss"))) {
            return error("invalid_client_id", "client identifier invalid");
        }
        long expSeconds;
        try {
            // a JSON number per RFC 7519; some clients (camel-salesforce) send it as a string, which Salesforce accepts
            expSeconds = Long.parseLong(String.valueOf(claims.get("exp")));
        } catch (NumberFormatException e) {
            return error("invalid_grant", "invalid assertion");
        }
        if (expSeconds * 1000 < System.currentTimeMillis()) {
            return error("invalid_grant", "expired authorization code");
        }
        Object aud = claims.get("aud");
        if (aud == null || !(aud.toString().startsWith("https://login.salesforce.com")
                || aud.toString().startsWith("https://test.salesforce.com") || aud.toString().startsWith(baseUrl))) {
            return error("invalid_grant", "audience is invalid");
        }
        if (!c.username().equalsIgnoreCase(String.valueOf(claims.get("sub")))) {
            return error("invalid_grant", "user hasn't approved this consumer");
        }
        if (c.jwtCertificatePem() != null && !signatureValid(parts, c.jwtCertificatePem())) {
            return error("invalid_grant", "invalid assertion");
        }
        return issued(org.integrationUserId(), baseUrl, false);
    }

    private static boolean signatureValid(String[] parts, String pem) {
        try {
            PublicKey key = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .getPublicKey();
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initVerify(key);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return sig.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private Answer issued(String userId, String baseUrl, boolean withRefresh) {
        Session s = sessions.issue(userId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", s.accessToken());
        if (withRefresh) {
            body.put("refresh_token", credentials.get().refreshToken());
        }
        body.put("signature", signature(s));
        body.put("scope", "api");
        body.put("instance_url", baseUrl);
        body.put("id", identityUrl(baseUrl, userId));
        body.put("token_type", "Bearer");
        body.put("issued_at", String.valueOf(s.issuedAtMillis()));
        return new Answer(200, body);
    }

    public String identityUrl(String baseUrl, String userId) {
        return baseUrl + "/id/" + org.orgId() + "/" + userId;
    }

    private static String signature(Session s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((s.accessToken() + s.issuedAtMillis()).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer error(String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return new Answer(400, body);
    }

    /** /services/oauth2/userinfo: the OpenID Connect user info of the session's user. */
    public Map<String, Object> userinfo(Session s, String baseUrl, String apiVersion) {
        Map<String, Object> user = org.store().get(s.userId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sub", identityUrl(baseUrl, s.userId()));
        out.put("user_id", s.userId());
        out.put("organization_id", org.orgId());
        out.put("preferred_username", user.get("Username"));
        out.put("nickname", user.get("Alias"));
        out.put("name", user.get("Name"));
        out.put("email", user.get("Email"));
        out.put("email_verified", true);
        out.put("given_name", user.get("FirstName"));
        out.put("family_name", user.get("LastName"));
        out.put("zoneinfo", "Etc/UTC");
        out.put("profile", baseUrl + "/" + s.userId());
        out.put("urls", urls(baseUrl, apiVersion, s.userId()));
        out.put("active", Boolean.TRUE.equals(user.get("IsActive")));
        out.put("user_type", "STANDARD");
        out.put("language", "en_US");
        out.put("locale", "en_US");
        out.put("utcOffset", 0);
        out.put("updated_at", user.get("LastModifiedDate"));
        out.put("is_app_installed", true);
        return out;
    }

    /** The identity URL's document (/id/{orgId}/{userId}). */
    public Map<String, Object> identity(Session s, String baseUrl, String apiVersion) {
        Map<String, Object> user = org.store().get(s.userId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", identityUrl(baseUrl, s.userId()));
        out.put("asserted_user", true);
        out.put("user_id", s.userId());
        out.put("organization_id", org.orgId());
        out.put("username", user.get("Username"));
        out.put("nick_name", user.get("Alias"));
        out.put("display_name", user.get("Name"));
        out.put("email", user.get("Email"));
        out.put("email_verified", true);
        out.put("first_name", user.get("FirstName"));
        out.put("last_name", user.get("LastName"));
        out.put("timezone", "Etc/UTC");
        out.put("active", Boolean.TRUE.equals(user.get("IsActive")));
        out.put("user_type", "STANDARD");
        out.put("language", "en_US");
        out.put("locale", "en_US");
        out.put("utcOffset", 0);
        out.put("last_modified_date", user.get("LastModifiedDate"));
        out.put("is_app_installed", true);
        out.put("urls", urls(baseUrl, apiVersion, s.userId()));
        return out;
    }

    private Map<String, Object> urls(String baseUrl, String v, String userId) {
        String org15 = org.orgId().substring(0, 15);
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("enterprise", baseUrl + "/services/Soap/c/" + v + "/" + org15);
        u.put("metadata", baseUrl + "/services/Soap/m/" + v + "/" + org15);
        u.put("partner", baseUrl + "/services/Soap/u/" + v + "/" + org15);
        u.put("rest", baseUrl + "/services/data/v" + v + "/");
        u.put("sobjects", baseUrl + "/services/data/v" + v + "/sobjects/");
        u.put("search", baseUrl + "/services/data/v" + v + "/search/");
        u.put("query", baseUrl + "/services/data/v" + v + "/query/");
        u.put("recent", baseUrl + "/services/data/v" + v + "/recent/");
        u.put("tooling_soap", baseUrl + "/services/Soap/T/" + v + "/" + org15);
        u.put("tooling_rest", baseUrl + "/services/data/v" + v + "/tooling/");
        u.put("profile", baseUrl + "/" + userId);
        u.put("feeds", baseUrl + "/services/data/v" + v + "/chatter/feeds");
        u.put("groups", baseUrl + "/services/data/v" + v + "/chatter/groups");
        u.put("users", baseUrl + "/services/data/v" + v + "/chatter/users");
        u.put("feed_items", baseUrl + "/services/data/v" + v + "/chatter/feed-items");
        u.put("custom_domain", baseUrl);
        return u;
    }
}
