package io.sfsync.emulator.api;

/** An OAuth session: the access token and the user it acts as. */
public record Session(String accessToken, String userId, long issuedAtMillis) {
}
