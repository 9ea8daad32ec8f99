package io.sfsync.emulator.control;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-endpoint request counts ("POST /composite/sobjects", "GET /query", ...), with Ids and names
 * folded out of the path so that counts group by operation.
 */
public final class CallCounter {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public void record(String method, String path) {
        counts.computeIfAbsent(method + " " + normalize(path), k -> new AtomicLong()).incrementAndGet();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public void reset() {
        counts.clear();
    }

    /** "sobjects/Lead/00Q..." becomes "/sobjects/{type}/{id}", so that counts group by operation. */
    static String normalize(String path) {
        String[] s = java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
        if (s.length == 0) {
            return "/";
        }
        switch (s[0]) {
            case "sobjects" -> {
                if (s.length > 1) {
                    s[1] = "{type}";
                }
                if (s.length == 3 && !s[2].equals("describe")) {
                    s[2] = "{id}";
                }
                if (s.length == 4) {
                    s[2] = "{field}";
                    s[3] = "{value}";
                }
            }
            case "composite" -> {
                if (s.length > 2 && s[1].equals("sobjects")) {
                    s[2] = "{type}";
                    if (s.length > 3) {
                        s[3] = "{field}";
                    }
                }
            }
            case "query", "queryAll" -> {
                if (s.length > 1) {
                    s[1] = "{cursor}";
                }
            }
            case "jobs" -> {
                if (s.length > 2) {
                    s[2] = "{id}";
                }
            }
            default -> {
            }
        }
        return "/" + String.join("/", s);
    }
}
