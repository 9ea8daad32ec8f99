package io.sfsync.emulator.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.sfsync.emulator.api.Session;

/** Issued access tokens. Expiring them all is how the control plane simulates a session timeout. */
public final class SessionStore {
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final String orgId15;

    public SessionStore(String orgId) {
        this.orgId15 = orgId.substring(0, 15);
    }

    public Session issue(String userId) {
        byte[] bytes = new byte[72];
        random.nextBytes(bytes);
        // Salesforce access tokens are the 15-character org Id, '!', then an opaque string
        String token = orgId15 + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', '.');
        Session s = new Session(token, userId, System.currentTimeMillis());
        sessions.put(token, s);
        return s;
    }

    public Session find(String token) {
        return token == null ? null : sessions.get(token);
    }

    public boolean revoke(String token) {
        return sessions.remove(token) != null;
    }

    public int expireAll() {
        int n = sessions.size();
        sessions.clear();
        return n;
    }

    public int active() {
        return sessions.size();
    }
}
