package io.sfsync.salesforce;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;

/**
 * Which failures are worth retrying, which mean the connection is broken, and which are the
 * record's own fault — declared once, used by the redelivery policy, the writers and the report.
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
    public static final Set<String> TRANSIENT_RECORD_CODES = Set.of("UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE",
            "REQUEST_RUNNING_TOO_LONG");
    private static final Set<String> AUTH_CODES = Set.of("INVALID_SESSION_ID", "invalid_grant", "invalid_client",
            "invalid_client_id", "inactive_user", "inactive_org", "INVALID_AUTH_HEADER");

    private ErrorClassifier() {
    }

    public static Kind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException sf) {
                return classify(sf);
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return Kind.TRANSIENT;
            }
        }
        return Kind.PERMANENT;
    }

    private static Kind classify(SalesforceException e) {
        String code = firstCode(e);
        String text = (code + " " + e.getMessage()).toLowerCase(Locale.ROOT);
        int status = e.getStatusCode();
        if (code != null && AUTH_CODES.contains(code) || status == 401 || text.contains("invalid_grant")
                || text.contains("invalid_client")) {
            return Kind.AUTH;
        }
        if ("REQUEST_LIMIT_EXCEEDED".equals(code)) {
            return text.contains("concurrent") ? Kind.TRANSIENT : Kind.DAILY_LIMIT;
        }
        if (status >= 500 || status == 0 || (code != null && TRANSIENT_RECORD_CODES.contains(code))) {
            return Kind.TRANSIENT;
        }
        Throwable cause = e.getCause();
        if (cause instanceof IOException || cause instanceof TimeoutException) {
            return Kind.TRANSIENT;
        }
        return Kind.PERMANENT;
    }

    public static boolean isTransient(Throwable error) {
        return classify(error) == Kind.TRANSIENT;
    }

    private static String firstCode(SalesforceException e) {
        if (e.getErrors() != null) {
            for (RestError err : e.getErrors()) {
                if (err.getErrorCode() != null) {
                    return err.getErrorCode();
                }
            }
        }
        return null;
    }

    /** A short description for logs and sync_log: the Salesforce error code and message, never credentials. */
    public static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException sf) {
                String code = firstCode(sf);
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
