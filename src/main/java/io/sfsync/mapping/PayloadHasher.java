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
                text(md, String.valueOf(k));
                md.update((byte) '=');
                append(md, m.get(k));
                md.update((byte) ';');
            }
            md.update((byte) '}');
        } else {
            text(md, String.valueOf(value));
        }
    }

    /** The text's UTF-8 bytes; ASCII (nearly every value) through a reused buffer instead of a new array. */
    private static void text(MessageDigest md, String s) {
        byte[] buf = BUFFER.get();
        int n = s.length();
        if (n > buf.length) {
            md.update(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            buf[i] = (byte) c;
        }
        md.update(buf, 0, n);
    }

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[512]);
}
