package io.sfsync.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/** A stable SHA-256 of what a row would write, independent of map order. */
public final class PayloadHasher {
    private PayloadHasher() {
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    public static String hash(Map<String, ?> payload) {
        MessageDigest md = SHA256.get();
        md.reset();
        append(md, payload);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void append(MessageDigest md, Object value) {
        if (value instanceof Map<?, ?> m) {
            md.update((byte) '{');
            // keys in their natural order (what a TreeMap would give), without copying the map
            Object[] keys = m.keySet().toArray();
            Arrays.sort(keys);
            for (Object k : keys) {
                md.update(String.valueOf(k).getBytes(StandardCharsets.UTF_8));
                md.update((byte) '=');
                append(md, m.get(k));
                md.update((byte) ';');
            }
            md.update((byte) '}');
        } else {
            md.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }
}
