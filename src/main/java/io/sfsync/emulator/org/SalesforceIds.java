package io.sfsync.emulator.org;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Salesforce-shaped record Ids: a 3-character key prefix naming the sObject type, a 12-character
 * body and the 3-character case-safe checksum that turns the 15-character Id into the 18-character
 * form the REST API returns.
 */
public final class SalesforceIds {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private final AtomicLong sequence;
    private final String pod;

    /** @param pod two characters standing for the instance ("5g" looks like a real pod) */
    public SalesforceIds(String pod, long start) {
        if (pod.length() != 2) {
            throw new IllegalArgumentException("pod must be 2 characters");
        }
        this.pod = pod;
        this.sequence = new AtomicLong(start);
    }

    /** A new 18-character Id with the given key prefix (e.g. "00Q" for Lead). */
    public String next(String keyPrefix) {
        long n = sequence.incrementAndGet();
        StringBuilder body = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            body.append(BASE62.charAt((int) (n % 62)));
            n /= 62;
        }
        return to18(keyPrefix + pod + body.reverse());
    }

    /**
     * The same Id every time for metadata named by {@code name} (a layout, a list view): the key prefix, this
     * pod, then the name padded with zeros to ten characters (base-62 characters only).
     */
    public String fixed(String keyPrefix, String name) {
        String body = ("0000000000" + name.replaceAll("[^0-9A-Za-z]", ""));
        return to18(keyPrefix + pod + body.substring(body.length() - 10));
    }

    /** Makes sure Ids issued from now on never repeat one of this generator's earlier Ids (e.g. restored from a file). */
    public void ensureAbove(String id) {
        if (id == null || id.length() < 15 || !id.startsWith(pod, 3)) {
            return;
        }
        long n = 0;
        for (int i = 5; i < 15; i++) {
            int digit = BASE62.indexOf(id.charAt(i));
            if (digit < 0) {
                return;
            }
            n = n * 62 + digit;
        }
        final long seen = n;
        sequence.accumulateAndGet(seen, Math::max);
    }

    /** Converts a 15-character Id to its 18-character case-safe form; 18-character Ids are returned as they are. */
    public static String to18(String id) {
        if (id == null || id.length() == 18) {
            return id;
        }
        if (id.length() != 15) {
            throw new IllegalArgumentException("not a Salesforce Id: " + id);
        }
        StringBuilder suffix = new StringBuilder(3);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            suffix.append(CHECKSUM_ALPHABET.charAt(bits));
        }
        return id + suffix;
    }

    /** True when the string has the shape of a 15- or 18-character Id with a valid checksum. */
    public static boolean isValid(String id) {
        if (id == null || (id.length() != 15 && id.length() != 18)) {
            return false;
        }
        for (int i = 0; i < 15; i++) {
            if (BASE62.indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return id.length() == 15 || to18(id.substring(0, 15)).equalsIgnoreCase(id);
    }

    /** Normalises a 15- or 18-character Id to the 18-character form, or returns null if it is not an Id. */
    public static String normalize(String id) {
        if (!isValid(id)) {
            return null;
        }
        return to18(id.substring(0, 15));
    }
}
