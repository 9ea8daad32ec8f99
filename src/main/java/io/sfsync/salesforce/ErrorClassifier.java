package io.sfsync.salesforce;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.apache.camel.component.salesforce.api.SalesforceException;

/**
 * The four kinds of call failure, as the writers and the dead-letter channel still ask for them, and
 * the description of a failure for logs and sync_log. Every decision comes from {@link FailurePolicy};
 * new code asks it directly.
 */
public final class ErrorClassifier {

    public enum Kind {
        /** Retry with backoff: I/O, 5xx, lock contention, too many concurrent requests. */
        TRANSIENT,
        /** Authentication failed even after camel-salesforce logged in again: the connection is broken. */
        AUTH,
        /** The org's daily API allowance is spent: stop, resume on a later run. */
        DAILY_LIMIT,
        /** The request itself is wrong: retrying cannot help. */
        PERMANENT
    }

    /** Per-record error codes (statusCode in collection results) that succeed when tried again. */
    public static final Set<String> TRANSIENT_RECORD_CODES = FailurePolicy.recordRetryCodes();

    private ErrorClassifier() {
    }

    public static Kind classify(Throwable error) {
        return kindOf(FailurePolicy.forCall(error));
    }

    /** The kind a call decision amounts to. */
    static Kind kindOf(FailurePolicy.Decision d) {
        return switch (d.runAction()) {
            case PAUSE_BROKEN -> Kind.AUTH;
            case PAUSE_BUDGET -> Kind.DAILY_LIMIT;
            default -> d.callRetry() ? Kind.TRANSIENT : Kind.PERMANENT;
        };
    }

    public static boolean isTransient(Throwable error) {
        return FailurePolicy.forCall(error).callRetry();
    }

    /** A short description for logs and sync_log: the Salesforce error code and message, never credentials. */
    public static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException sf) {
                String code = FailurePolicy.firstCode(sf);
                String msg = sf.getErrors() != null && !sf.getErrors().isEmpty() ? sf.getErrors().get(0).getMessage()
                        : sf.getMessage();
                return (code == null ? "HTTP " + sf.getStatusCode() : code) + ": " + msg;
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
