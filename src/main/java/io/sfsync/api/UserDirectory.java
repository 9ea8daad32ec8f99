package io.sfsync.api;

import java.util.Optional;
import java.util.Set;

/** Who may use the REST API, the console and Hawtio. */
public interface UserDirectory {
    /** The user's roles (e.g. "admin", "operator", "viewer") if the password is right, else empty. */
    Optional<Set<String>> authenticate(String username, char[] password);
}
