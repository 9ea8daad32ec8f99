package io.sfsync.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The built-in users admin, operator and viewer, each enabled by its password in the environment
 * (SFSYNC_ADMIN_PASSWORD, SFSYNC_OPERATOR_PASSWORD, SFSYNC_VIEWER_PASSWORD). A user whose variable is
 * unset cannot log in. Passwords are compared in constant time and never logged.
 */
public final class EnvUserDirectory implements UserDirectory {
    private final Map<String, byte[]> passwords = new LinkedHashMap<>();

    public EnvUserDirectory(UnaryOperator<String> env) {
        for (Role r : Role.values()) {
            String p = env.apply("SFSYNC_" + r.name() + "_PASSWORD");
            if (p != null && !p.isEmpty()) {
                passwords.put(r.id(), p.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Users given directly (the demo's generated ones, tests). */
    public EnvUserDirectory(Map<String, String> byRole) {
        byRole.forEach((role, p) -> passwords.put(role, p.getBytes(StandardCharsets.UTF_8)));
    }

    public Set<String> users() {
        return passwords.keySet();
    }

    @Override
    public Optional<Set<String>> authenticate(String username, char[] password) {
        byte[] expected = passwords.get(username);
        if (expected == null || password == null) {
            return Optional.empty();
        }
        byte[] given = new String(password).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.empty();
        }
        Role role = Role.valueOf(username.toUpperCase(java.util.Locale.ROOT));
        java.util.Set<String> roles = new java.util.LinkedHashSet<>();
        for (Role r : Role.values()) {
            if (r.ordinal() <= role.ordinal()) {
                roles.add(r.id());
            }
        }
        return Optional.of(roles);
    }
}
