package io.sfsync.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** A stable SHA-256 of what a row would write, independent of map order. */
public final class PayloadHasher {
    private PayloadHasher() {
    }

    public static String hash(Map<String, ?> payload) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            append(md, payload);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void append(MessageDigest md, Object value) {
        if (value instanceof Map<?, ?> m) {
            md.update((byte) '{');
            new TreeMap<>(m).forEach((k, v) -> {
                md.update(String.valueOf(k).getBytes(StandardCharsets.UTF_8));
                md.update((byte) '=');
                append(md, v);
                md.update((byte) ';');
            });
            md.update((byte) '}');
        } else {
            md.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }
}
