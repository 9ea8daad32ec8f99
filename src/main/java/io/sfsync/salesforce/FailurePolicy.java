package io.sfsync.salesforce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;

import io.sfsync.synclog.Action;

/**
 * What sfsync does when Salesforce refuses or fails: one table, consulted by the redelivery of calls,
 * the writers, the lookups and the dead-letter channel.
 *
 * <p>Each failure gets a {@link Decision}:
 * <ul>
 * <li><b>call retry</b> — the whole call may be sent again, with backoff, if sending it twice cannot
 * create anything twice (queries, updates, upserts on the external ID, a Bulk API job of those);</li>
 * <li><b>record retry</b> — a record Salesforce refused may be sent again within the run, at most
 * {@value #RECORD_RETRIES} times;</li>
 * <li><b>outcome</b> — what a row that still fails is logged as in sync_log, with its reason:
 * DUPLICATE, PENDING (read and sent again by the next run: the watermark stays behind it) or ERROR
 * (fixed by a person, then {@code sfsync retry});</li>
 * <li><b>run action</b> — CONTINUE, PAUSE_BROKEN (the connection is BROKEN and the job paused until
 * an operator presses Fix now), PAUSE_BUDGET (the run stops; the next run resumes), FAIL (the run
 * ends FAILED).</li>
 * </ul>
 *
 * <p>A record's error (the statusCode of a collection's SaveResult, the code of a Bulk API failed
 * result) never stops the run:
 * <table>
 * <caption>Record errors</caption>
 * <tr><th>statusCode</th><th>record retry</th><th>outcome (reason)</th></tr>
 * <tr><td>UNABLE_TO_LOCK_ROW, SERVER_UNAVAILABLE, REQUEST_RUNNING_TOO_LONG</td><td>yes</td>
 *   <td>PENDING (the code)</td></tr>
 * <tr><td>DUPLICATES_DETECTED</td><td>no</td><td>DUPLICATE (the code)</td></tr>
 * <tr><td>any other code: INVALID_FIELD, REQUIRED_FIELD_MISSING, STRING_TOO_LONG, INVALID_EMAIL_ADDRESS,
 *   INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, INVALID_CROSS_REFERENCE_KEY, FIELD_INTEGRITY_EXCEPTION,
 *   FIELD_CUSTOM_VALIDATION_EXCEPTION, DUPLICATE_VALUE, ..., and codes this table does not know</td><td>no</td>
 *   <td>ERROR (the code; UNKNOWN when the result has none)</td></tr>
 * </table>
 *
 * <p>A call's failure (the whole request failed, after camel-salesforce logged in again where it
 * could) is decided by the first line that applies, top to bottom:
 * <table>
 * <caption>Call failures</caption>
 * <tr><th>failure</th><th>call retry</th><th>rows of the call</th><th>run action</th></tr>
 * <tr><td>code INVALID_SESSION_ID, INVALID_AUTH_HEADER, invalid_grant, invalid_client, invalid_client_id,
 *   inactive_user, inactive_org; HTTP 401; a message containing invalid_grant or invalid_client</td>
 *   <td>no</td><td>PENDING (AUTH)</td><td>PAUSE_BROKEN</td></tr>
 * <tr><td>code REQUEST_LIMIT_EXCEEDED whose message says "concurrent" (ConcurrentPerOrgLongTxn)</td>
 *   <td>yes</td><td>PENDING (TRANSIENT)</td><td>CONTINUE</td></tr>
 * <tr><td>code REQUEST_LIMIT_EXCEEDED (the daily TotalRequests allowance)</td><td>no</td>
 *   <td>PENDING (DAILY_LIMIT)</td><td>PAUSE_BUDGET</td></tr>
 * <tr><td>HTTP 5xx (UNKNOWN_EXCEPTION is answered with 500); no HTTP status at all; code UNABLE_TO_LOCK_ROW,
 *   SERVER_UNAVAILABLE, REQUEST_RUNNING_TOO_LONG; IOException (refused, reset, dropped connection, read
 *   timeout), TimeoutException, or a SalesforceException caused by one</td>
 *   <td>yes</td><td>PENDING (TRANSIENT)</td><td>CONTINUE</td></tr>
 * <tr><td>anything else: DUPLICATES_DETECTED, INVALID_FIELD, MALFORMED_QUERY, ..., an unknown code, any
 *   other exception; a Composite subrequest answered with HTTP 300 or more</td><td>no</td>
 *   <td>ERROR (SALESFORCE_ERROR)</td><td>CONTINUE</td></tr>
 * </table>
 * A call retry happens only for idempotent requests: up to {@code sfsync.salesforce.redeliveries} (4)
 * redeliveries of one call, or {@value #BULK_JOB_RESENDS} resends of a whole Bulk API job; record retries
 * at most {@value #RECORD_RETRIES}. Every wait doubles: {@code sfsync.salesforce.redelivery-delay-ms}
 * (250) × {@value #BACKOFF_MULTIPLIER}^(attempt − 1). A call made outside the writers (the run's opening
 * call, a lookup) has no rows to carry its failure: where the run action is CONTINUE the run ends FAILED
 * instead ({@link Decision#runActionOutsideWrites()}). A step that fails outright (database down, a bug)
 * leaves its batch's rows PENDING (STEP_FAILED) and fails the run — or pauses it, when the cause is a
 * call failure that pauses.
 *
 * <p>{@link #rules()} holds one row per code, status and exception; {@link #markdownTable()} renders them.
 */
public final class FailurePolicy {

    /** What the run does after the failure. */
    public enum RunAction {
        /** The run goes on; the failed rows carry the outcome. */
        CONTINUE,
        /** The connection is BROKEN: the job is paused until an operator reconnects (Fix now). */
        PAUSE_BROKEN,
        /** The org's API allowance is spent: the run stops, the next run resumes from the watermark. */
        PAUSE_BUDGET,
        /** The run ends FAILED; its unsettled rows are PENDING. */
        FAIL
    }

    /** What a row of the table is matched on. */
    public enum Match {
        /** Salesforce's error code: errorCode of a REST error, statusCode of a SaveResult, OAuth's error. */
        CODE,
        /** Text in the error's message. */
        MESSAGE,
        /** The HTTP status of the failed call. */
        HTTP_STATUS,
        /** The class of the exception the call failed with. */
        EXCEPTION,
        /** A condition of sfsync's own: an unknown code, a failed subrequest, a failed step. */
        CONDITION
    }

    /**
     * @param callRetry the call may be sent again with backoff, if it is idempotent
     * @param recordRetry the record may be sent again within the run, at most {@link #RECORD_RETRIES} times
     * @param outcome what a row that still fails is logged as: DUPLICATE, PENDING or ERROR
     * @param reason the reason code logged with it
     * @param runAction what the run does when the failure happened in a write
     */
    public record Decision(boolean callRetry, boolean recordRetry, Action outcome, String reason, RunAction runAction) {

        /** The run action where no rows carry the failure (the run's opening call, a lookup): CONTINUE becomes FAIL. */
        public RunAction runActionOutsideWrites() {
            return runAction == RunAction.CONTINUE ? RunAction.FAIL : runAction;
        }

        public Decision withRunAction(RunAction action) {
            return new Decision(callRetry, recordRetry, outcome, reason, action);
        }
    }

    /**
     * One row of the table.
     *
     * @param httpStatus for a code: the HTTP status an error body carrying it is classified with (see
     *     {@link #errorBodyStatus(String)}); null for other rows
     * @param call the decision when a whole call fails with it; for a code, the code's own part, at an HTTP
     *     status that decides nothing such as 400 (at 401 or 5xx those rows decide first)
     * @param record the decision when one record is refused with it; null where that cannot happen
     */
    public record Rule(Match match, String key, Integer httpStatus, Decision call, Decision record, String meaning) {
    }

    /** How many times a record refused with a retried code is sent again within the run. */
    public static final int RECORD_RETRIES = 3;
    /** How many times a Bulk API job that failed on a transient error is sent again within the run. */
    public static final int BULK_JOB_RESENDS = 4;
    /** Each wait before sending again is this many times the previous one. */
    public static final int BACKOFF_MULTIPLIER = 2;

    private static final Decision TRANSIENT = new Decision(true, false, Action.PENDING, "TRANSIENT", RunAction.CONTINUE);
    private static final Decision AUTH = new Decision(false, false, Action.PENDING, "AUTH", RunAction.PAUSE_BROKEN);
    private static final Decision DAILY_LIMIT = new Decision(false, false, Action.PENDING, "DAILY_LIMIT",
            RunAction.PAUSE_BUDGET);
    private static final Decision REFUSED = new Decision(false, false, Action.ERROR, "SALESFORCE_ERROR", RunAction.CONTINUE);
    private static final String STEP_FAILED = "STEP_FAILED";
    private static final String NO_CODE = "UNKNOWN";
    private static final String CONCURRENT = "concurrent";

    private static final List<Rule> RULES = List.of(
            retried("UNABLE_TO_LOCK_ROW", null, "another transaction holds the record"),
            retried("SERVER_UNAVAILABLE", 503, "Salesforce is briefly unavailable; also given to rows a Bulk API job never reached"),
            retried("REQUEST_RUNNING_TOO_LONG", null, "the request ran past Salesforce's time limit"),
            code("DUPLICATES_DETECTED", null, REFUSED, Action.DUPLICATE, "a duplicate rule blocked the save"),
            auth("INVALID_SESSION_ID", 401, "the session is invalid even after logging in again"),
            auth("INVALID_AUTH_HEADER", null, "the Authorization header was refused"),
            auth("invalid_grant", null, "OAuth: the credentials, refresh token or assertion were refused"),
            auth("invalid_client", null, "OAuth: the client secret was refused"),
            auth("invalid_client_id", null, "OAuth: the connected app is unknown"),
            auth("inactive_user", null, "OAuth: the integration user is deactivated"),
            auth("inactive_org", null, "OAuth: the org is locked or inactive"),
            code("REQUEST_LIMIT_EXCEEDED", 403, DAILY_LIMIT, Action.ERROR,
                    "the org's daily API requests are spent (see the message row 'concurrent')"),
            refused("UNKNOWN_EXCEPTION", 500, "Salesforce failed internally; a call is retried for its HTTP 500, not for the code"),
            refused("ALL_OR_NONE_OPERATION_ROLLED_BACK", null, "another record of an all-or-none request failed"),
            refused("API_DISABLED_FOR_ORG", null, "the org or user has no API access"),
            refused("API_ERROR", null, "the Bulk API 2.0 query job is in the wrong state, or a parameter is invalid"),
            refused("BATCH_PROCESSING_HALTED", null, "an earlier subrequest of a Composite batch failed"),
            refused("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", null, "a trigger, flow or process refused the save"),
            refused("CANNOT_UPDATE_CONVERTED_LEAD", null, "the Lead is converted"),
            refused("DUPLICATE_EXTERNAL_ID", null, "the external ID matches more than one record"),
            refused("DUPLICATE_FIELD", null, "a field appears twice in the query"),
            refused("DUPLICATE_VALUE", null, "a unique field already has this value"),
            refused("ENTITY_IS_DELETED", null, "the record is deleted"),
            refused("EXCEEDED_ID_LIMIT", null, "too many records or ids in one request"),
            refused("FIELD_CUSTOM_VALIDATION_EXCEPTION", null, "a validation rule refused the values"),
            refused("FIELD_FILTER_VALIDATION_EXCEPTION", null, "a lookup filter refused the value"),
            refused("FIELD_INTEGRITY_EXCEPTION", null, "a value contradicts the record (e.g. the owner cannot own it)"),
            refused("INACTIVE_OWNER_OR_USER", null, "the owner is deactivated"),
            refused("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", null, "no access to a referenced record"),
            refused("INSUFFICIENT_ACCESS_OR_READONLY", null, "no right to change the record"),
            refused("INVALID_API_INPUT", null, "the request is malformed"),
            refused("INVALID_CROSS_REFERENCE_KEY", null, "a reference points at no usable record"),
            refused("INVALID_EMAIL_ADDRESS", null, "the email address is invalid"),
            refused("INVALID_FIELD", null, "no such field, or a filter value of the wrong type"),
            refused("INVALID_FIELD_FOR_INSERT_UPDATE", null, "the field cannot be written"),
            refused("INVALID_OPERATION", null, "the operation is not allowed on these records (a merge of a record into itself)"),
            refused("INVALID_ID_FIELD", null, "the Id is not valid for this object"),
            refused("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", null, "the value is not in the restricted picklist"),
            refused("INVALID_QUERY_FILTER_OPERATOR", null, "the query's operator does not suit the field"),
            refused("INVALID_QUERY_LOCATOR", null, "the query's next page is gone"),
            refused("INVALID_QUERY_PARAMETER_VALUE", null, "a query parameter (such as a limit) has a wrong value"),
            refused("INVALID_REPLICATION_DATE", null, "a replication span runs backwards or starts too long ago"),
            refused("INVALID_TYPE", null, "no such object"),
            refused("INVALIDJOB", null, "the Bulk API job request is invalid"),
            refused("INVALIDJOBSTATE", null, "the Bulk API job is in the wrong state"),
            refused("JSON_PARSER_ERROR", null, "the request body is not valid JSON for the object"),
            refused("LIMIT_EXCEEDED", null, "too many subrequests in one request"),
            refused("MALFORMED_ID", null, "the id is malformed"),
            refused("MALFORMED_QUERY", null, "the SOQL does not parse"),
            refused("MALFORMED_SEARCH", null, "the SOSL does not parse"),
            refused("METHOD_NOT_ALLOWED", null, "the resource does not take this HTTP method"),
            refused("MISSING_ARGUMENT", null, "a required argument (such as the Id) is missing"),
            refused("NOT_FOUND", null, "no such resource or record"),
            refused("NUMBER_OUTSIDE_VALID_RANGE", null, "a number is out of range"),
            refused("PROCESSING_HALTED", null, "an earlier subrequest of an all-or-none Composite request failed"),
            refused("REQUIRED_FIELD_MISSING", null, "a required field has no value"),
            refused("STORAGE_LIMIT_EXCEEDED", null, "the org's data storage is full"),
            refused("STRING_TOO_LONG", null, "a value is longer than the field"),
            refused("invalid_request", null, "OAuth: the login request is malformed"),
            refused("unsupported_grant_type", null, "OAuth: the login flow is not enabled"),
            other(Match.MESSAGE, "invalid_grant", AUTH, "camel-salesforce's failed login names the OAuth error in its message"),
            other(Match.MESSAGE, "invalid_client", AUTH, "camel-salesforce's failed login names the OAuth error in its message"),
            other(Match.MESSAGE, CONCURRENT, TRANSIENT,
                    "REQUEST_LIMIT_EXCEEDED for too many long requests at once (ConcurrentPerOrgLongTxn), not the daily allowance"),
            other(Match.HTTP_STATUS, "401", AUTH, "the login is refused"),
            other(Match.HTTP_STATUS, "5xx", TRANSIENT, "Salesforce failed or is unavailable"),
            other(Match.HTTP_STATUS, "0", TRANSIENT, "no HTTP answer at all"),
            other(Match.HTTP_STATUS, "other", REFUSED, "the code decides; without a code the call is refused"),
            other(Match.EXCEPTION, "IOException", TRANSIENT,
                    "connection refused, reset or dropped, a read timeout, a response that could not be read"),
            other(Match.EXCEPTION, "TimeoutException", TRANSIENT, "no answer in time"),
            other(Match.EXCEPTION, "SalesforceException caused by IOException or TimeoutException", TRANSIENT,
                    "camel-salesforce wraps an I/O failure"),
            other(Match.EXCEPTION, "any other exception", REFUSED, "a failure no retry can help"),
            new Rule(Match.CONDITION, "unknown code", null, REFUSED,
                    new Decision(false, false, Action.ERROR, "the code", RunAction.CONTINUE),
                    "a code this table does not list; a record result without a code has reason " + NO_CODE),
            other(Match.CONDITION, "Composite subrequest answered >= 300", REFUSED,
                    "one subrequest failed inside a Composite call that succeeded"),
            other(Match.CONDITION, "step failed", new Decision(false, false, Action.PENDING, STEP_FAILED, RunAction.FAIL),
                    "a step threw (database down, a bug); a call failure that pauses pauses the run instead"));

    /** By code; a code listed twice fails here, at class loading. */
    private static final Map<String, Rule> CODES = RULES.stream().filter(r -> r.match() == Match.CODE)
            .collect(Collectors.toUnmodifiableMap(Rule::key, r -> r));
    /** The other rows, by "MATCH key". */
    private static final Map<String, Rule> OTHERS = RULES.stream().filter(r -> r.match() != Match.CODE)
            .collect(Collectors.toUnmodifiableMap(r -> r.match() + " " + r.key(), r -> r));

    private FailurePolicy() {
    }

    /** Every row of the table, codes first, in the order they are documented. */
    public static List<Rule> rules() {
        return RULES;
    }

    /** The decision for one record Salesforce refused with this code (null or blank: a result without a code). */
    public static Decision forRecordError(String code) {
        String c = code == null || code.isBlank() ? NO_CODE : code;
        Rule r = CODES.get(c);
        return r != null ? r.record() : new Decision(false, false, Action.ERROR, c, RunAction.CONTINUE);
    }

    /** The decision for a call that failed with this exception (or one in its cause chain). */
    public static Decision forCall(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException sf) {
                return forSalesforceException(sf);
            }
            if (t instanceof IOException) {
                return other(Match.EXCEPTION, "IOException");
            }
            if (t instanceof TimeoutException) {
                return other(Match.EXCEPTION, "TimeoutException");
            }
        }
        return other(Match.EXCEPTION, "any other exception");
    }

    /** For a Camel onWhen: may this failed call be sent again? Only when it is transient and idempotent. */
    public static boolean isCallRetriable(Throwable error, boolean idempotent) {
        return idempotent && error != null && forCall(error).callRetry();
    }

    /** One Composite subrequest answered with HTTP 300 or more inside a call that succeeded: its rows are refused. */
    public static Decision forFailedSubrequest() {
        return other(Match.CONDITION, "Composite subrequest answered >= 300");
    }

    /**
     * A step failed outright: its batch's rows are PENDING (STEP_FAILED); the run fails, or pauses when
     * the failure is a Salesforce call's that pauses (a broken login, the spent daily allowance).
     */
    public static Decision forStepFailure(Throwable error) {
        Decision step = other(Match.CONDITION, "step failed");
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SalesforceClient.SalesforceCallException call) {
                RunAction action = forCall(call).runAction();
                return action == RunAction.PAUSE_BROKEN || action == RunAction.PAUSE_BUDGET ? step.withRunAction(action)
                        : step;
            }
        }
        return step;
    }

    /** The codes whose records are sent again within the run. */
    public static Set<String> recordRetryCodes() {
        return CODES.values().stream().filter(r -> r.record().recordRetry()).map(Rule::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** How many times a record refused with a retried code is sent again within the run. */
    public static int recordRetries() {
        return RECORD_RETRIES;
    }

    /** The wait before send number {@code attempt} + 1 (attempt 1: the first resend): base × 2^(attempt − 1). */
    public static long backoffMs(long baseDelayMs, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1: " + attempt);
        }
        long delay = baseDelayMs;
        for (int i = 1; i < attempt; i++) {
            delay *= BACKOFF_MULTIPLIER;
        }
        return delay;
    }

    /**
     * The HTTP status a Salesforce error body (a JSON error array camel-salesforce handed back instead of
     * throwing) is classified with: the status Salesforce answers that code with where that decides
     * something (401, 403, 5xx), else 400. The real status is on the exchange as CamelHttpResponseCode;
     * it is not used because a real 401 or 5xx with any other code would then be decided differently
     * than it is today (AUTH or TRANSIENT instead of refused).
     */
    public static int errorBodyStatus(String code) {
        Rule r = code == null ? null : CODES.get(code);
        return r != null && r.httpStatus() != null ? r.httpStatus() : 400;
    }

    /** The first error code a SalesforceException carries, or null. */
    static String firstCode(SalesforceException e) {
        if (e.getErrors() != null) {
            for (RestError err : e.getErrors()) {
                if (err.getErrorCode() != null) {
                    return err.getErrorCode();
                }
            }
        }
        return null;
    }

    private static Decision forSalesforceException(SalesforceException e) {
        String code = firstCode(e);
        Rule byCode = code == null ? null : CODES.get(code);
        Decision own = byCode != null ? byCode.call() : other(Match.CONDITION, "unknown code");
        String text = (code + " " + e.getMessage()).toLowerCase(Locale.ROOT);
        int status = e.getStatusCode();
        if (own.runAction() == RunAction.PAUSE_BROKEN) {
            return own;
        }
        if (status == 401) {
            return other(Match.HTTP_STATUS, "401");
        }
        for (String auth : List.of("invalid_grant", "invalid_client")) {
            if (text.contains(auth)) {
                return other(Match.MESSAGE, auth);
            }
        }
        if (own.runAction() == RunAction.PAUSE_BUDGET) {
            return text.contains(CONCURRENT) ? other(Match.MESSAGE, CONCURRENT) : own;
        }
        if (status >= 500) {
            return other(Match.HTTP_STATUS, "5xx");
        }
        if (status == 0) {
            return other(Match.HTTP_STATUS, "0");
        }
        if (own.callRetry()) {
            return own;
        }
        if (e.getCause() instanceof IOException || e.getCause() instanceof TimeoutException) {
            return other(Match.EXCEPTION, "SalesforceException caused by IOException or TimeoutException");
        }
        return own;
    }

    private static Decision other(Match match, String key) {
        return OTHERS.get(match + " " + key).call();
    }

    /**
     * The table as Markdown, one row per code, message, HTTP status, exception and condition, for the
     * README.
     */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| matched on | failure | call retried (if idempotent) | rows of a failed call | run action"
                + " | record retried in the run | record that still fails | meaning |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Rule r : RULES) {
            // a code's call columns show the call as Salesforce answers it: with the code's HTTP status
            Decision c = r.match() == Match.CODE ? forCall(new SalesforceException(List.of(new RestError(r.key(), "")),
                    errorBodyStatus(r.key()))) : r.call();
            Decision rec = r.record();
            List<String> cells = new ArrayList<>(List.of(r.match().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    "`" + r.key() + "`" + (r.httpStatus() != null ? " (HTTP " + r.httpStatus() + ")" : ""),
                    c.callRetry() ? "yes" : "no", c.outcome() + " (" + c.reason() + ")", c.runAction().name(),
                    rec == null ? "—" : rec.recordRetry() ? "yes, up to " + RECORD_RETRIES : "no",
                    rec == null ? "—" : rec.outcome() + " (" + rec.reason() + ")", r.meaning()));
            sb.append("| ").append(String.join(" | ", cells.stream().map(s -> s.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        sb.append("\nA call failure is decided by the first that applies: an AUTH code, HTTP 401 or an OAuth error in"
                + " the message; REQUEST_LIMIT_EXCEEDED (transient when its message says concurrent); HTTP 5xx or no"
                + " status; a retried code; an I/O cause; else the code's own row. Call retries: up to"
                + " sfsync.salesforce.redeliveries per call, " + BULK_JOB_RESENDS + " per Bulk API job; each wait is "
                + BACKOFF_MULTIPLIER + "× the previous, starting at sfsync.salesforce.redelivery-delay-ms. Outside"
                + " the writers (the run's opening call, lookups) CONTINUE becomes FAIL. A record error never stops"
                + " the run.\n");
        return sb.toString();
    }

    private static Rule retried(String code, Integer status, String meaning) {
        return new Rule(Match.CODE, code, status, TRANSIENT,
                new Decision(false, true, Action.PENDING, code, RunAction.CONTINUE), meaning);
    }

    private static Rule auth(String code, Integer status, String meaning) {
        return code(code, status, AUTH, Action.ERROR, meaning);
    }

    private static Rule refused(String code, Integer status, String meaning) {
        return code(code, status, REFUSED, Action.ERROR, meaning);
    }

    private static Rule code(String code, Integer status, Decision call, Action recordOutcome, String meaning) {
        return new Rule(Match.CODE, code, status, call, new Decision(false, false, recordOutcome, code, RunAction.CONTINUE),
                meaning);
    }

    private static Rule other(Match match, String key, Decision call, String meaning) {
        return new Rule(match, key, null, call, null, meaning);
    }
}
