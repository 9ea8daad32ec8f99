package io.sfsync.api;

import java.util.Locale;
import java.util.Set;

/** What a user may do: viewers read; operators also run, retry, link and reconnect; admins manage. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The highest role among the user's role names (admin includes operator includes viewer). */
    public static Role highest(Set<String> roles) {
        Role best = null;
        for (Role r : values()) {
            if (roles.contains(r.id())) {
                best = r;
            }
        }
        return best;
    }
}
