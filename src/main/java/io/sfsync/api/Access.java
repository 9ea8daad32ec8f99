package io.sfsync.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Authentication and authorisation for every management endpoint: HTTP Basic against the
 * {@link UserDirectory}; 401 (with a challenge) when credentials are missing or wrong, 403 when the
 * user's role is not enough. With {@code management.adminsOnly}, managing the integration needs an
 * admin — but operators may still repair a broken connection.
 */
public final class Access {
    public static final String USER = io.sfsync.exchange.ExchangeKeys.USER;

    private final UserDirectory users;
    private final boolean adminsOnly;

    public Access(UserDirectory users, boolean adminsOnly) {
        this.users = users;
        this.adminsOnly = adminsOnly;
    }

    public boolean adminsOnly() {
        return adminsOnly;
    }

    /** Reading: runs, the log, connection state, usage. */
    public Processor viewer() {
        return require(Role.VIEWER);
    }

    /** Operating the integration: running jobs, retrying, linking records (admins only when adminsOnly). */
    public Processor manage() {
        return require(adminsOnly ? Role.ADMIN : Role.OPERATOR);
    }

    /** Repairing the connection: operators, whatever adminsOnly says. */
    public Processor repair() {
        return require(Role.OPERATOR);
    }

    /** Configuration and credentials. */
    public Processor admin() {
        return require(Role.ADMIN);
    }

    private Processor require(Role needed) {
        return exchange -> {
            Optional<Identity> who = identify(exchange);
            if (who.isEmpty()) {
                deny(exchange, 401, "authentication required",
                        "HTTP Basic credentials of admin, operator or viewer (SFSYNC_*_PASSWORD)");
                exchange.getMessage().setHeader("WWW-Authenticate", "Basic realm=\"sfsync\", charset=\"UTF-8\"");
                return;
            }
            if (who.get().role() == null || who.get().role().ordinal() < needed.ordinal()) {
                deny(exchange, 403, "the " + needed.id() + " role is required"
                        + (needed == Role.ADMIN && adminsOnly ? " (management.adminsOnly is on)" : ""),
                        "a user with the " + needed.id() + " role");
                return;
            }
            exchange.setProperty(USER, who.get().name());
            exchange.setProperty(ROLE, who.get().role());
        };
    }

    /** The exchange's property with the authenticated user's role. */
    public static final String ROLE = "SfsyncRole";

    /** Who is asking and what they may do (after {@link #viewer()}), so a page offers only those actions. */
    public java.util.Map<String, Object> me(Exchange exchange) {
        Role role = exchange.getProperty(ROLE, Role.class);
        java.util.Map<String, Object> may = new java.util.LinkedHashMap<>();
        may.put("manage", role != null && role.ordinal() >= (adminsOnly ? Role.ADMIN : Role.OPERATOR).ordinal());
        may.put("reconnect", role != null && role.ordinal() >= Role.OPERATOR.ordinal());
        may.put("admin", role == Role.ADMIN);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("user", exchange.getProperty(USER, String.class));
        m.put("role", role == null ? null : role.id());
        m.put("adminsOnly", adminsOnly);
        m.put("may", may);
        return m;
    }

    private record Identity(String name, Role role) {
    }

    private Optional<Identity> identify(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        Optional<Set<String>> roles = users.authenticate(name, decoded.substring(colon + 1).toCharArray());
        return roles.map(r -> new Identity(name, Role.highest(r)));
    }

    private static void deny(Exchange exchange, int status, String message, String expected) {
        exchange.getMessage().removeHeaders("*"); // the request's headers and parameters are not echoed back
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"error\":\"" + message + "\",\"expected\":\"" + expected + "\"}");
        exchange.setRouteStop(true);
    }
}
