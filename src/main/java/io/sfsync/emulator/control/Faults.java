package io.sfsync.emulator.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.sfsync.emulator.api.ApiError;

/**
 * Injected faults and latency, the control plane's means of making the emulated org misbehave the
 * way a real one does under load. Decisions use a seeded random source so a test run repeats.
 */
public final class Faults {

    /** What goes wrong. */
    public enum Kind {
        /** HTTP 500 UNKNOWN_EXCEPTION before anything is written. */
        SERVER_ERROR,
        /** HTTP 503 SERVER_UNAVAILABLE before anything is written. */
        SERVER_UNAVAILABLE,
        /** Each record save fails with UNABLE_TO_LOCK_ROW (per record in collections, 400 for single saves). */
        UNABLE_TO_LOCK_ROW,
        /** The connection is closed before the request is processed. */
        DROP_CONNECTION,
        /** The request is processed and committed, then the connection is closed without a response. */
        LOSE_RESPONSE,
        /** HTTP 403 REQUEST_LIMIT_EXCEEDED as for too many concurrent requests. */
        CONCURRENT_LIMIT,
        /** HTTP 401 INVALID_SESSION_ID although the session is valid. */
        INVALID_SESSION
    }

    /**
     * @param rate probability per request (per record for UNABLE_TO_LOCK_ROW), 0..1
     * @param count how many times it may still fire; negative for unlimited
     * @param pathRegex matched against the path below /services (e.g. "data/v\\d+\\.\\d/composite.*"); null for all
     * @param method HTTP method to match; null for all
     * @param after how many matching requests pass untouched before the rule may fire (e.g. 2: the third call)
     */
    public record Rule(Kind kind, double rate, int count, String pathRegex, String method, int after) {
        public Rule(Kind kind, double rate, int count, String pathRegex, String method) {
            this(kind, rate, count, pathRegex, method, 0);
        }
    }

    private static final class Active {
        final Rule rule;
        final Pattern path;
        int remaining;
        int toSkip;

        Active(Rule rule) {
            this.rule = rule;
            this.path = rule.pathRegex() == null ? null : Pattern.compile(rule.pathRegex());
            this.remaining = rule.count();
            this.toSkip = rule.after();
        }

        boolean applies(String method, String p) {
            return remaining != 0
                    && (rule.method() == null || rule.method().equalsIgnoreCase(method))
                    && (path == null || path.matcher(p).find());
        }
    }

    private final List<Active> rules = new ArrayList<>();
    private Random random = new Random(42);
    private volatile long latencyMs;

    public Faults(long latencyMs) {
        this.latencyMs = latencyMs;
    }

    public long latencyMs() { return latencyMs; }
    public void latencyMs(long ms) { latencyMs = Math.max(0, ms); }

    public synchronized void add(Rule rule) {
        rules.add(new Active(rule));
    }

    public synchronized void clear() {
        rules.clear();
        random = new Random(42);
    }

    public synchronized List<Rule> rules() {
        return rules.stream().map(a -> new Rule(a.rule.kind(), a.rule.rate(), a.remaining, a.rule.pathRegex(),
                a.rule.method(), a.toSkip)).toList();
    }

    /** The request-level fault to apply to this request, or null. */
    public synchronized Kind decide(String method, String path) {
        for (Active a : rules) {
            if (a.rule.kind() != Kind.UNABLE_TO_LOCK_ROW && a.applies(method, path) && fire(a)) {
                return a.rule.kind();
            }
        }
        return null;
    }

    /** Per-record faults for the saves of this request (null when no lock rule applies). */
    public synchronized Supplier<ApiError> recordFaults(String method, String path) {
        List<Active> lockRules = rules.stream()
                .filter(a -> a.rule.kind() == Kind.UNABLE_TO_LOCK_ROW && a.applies(method, path)).toList();
        if (lockRules.isEmpty()) {
            return null;
        }
        return () -> {
            synchronized (this) {
                for (Active a : lockRules) {
                    if (a.remaining != 0 && fire(a)) {
                        return ApiError.of("UNABLE_TO_LOCK_ROW",
                                "unable to obtain exclusive access to this record or 1 records");
                    }
                }
                return null;
            }
        };
    }

    private boolean fire(Active a) {
        if (a.toSkip > 0) {
            a.toSkip--;
            return false;
        }
        if (random.nextDouble() >= a.rule.rate()) {
            return false;
        }
        if (a.remaining > 0) {
            a.remaining--;
        }
        return true;
    }

    public static Kind kind(String name) {
        return Kind.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
