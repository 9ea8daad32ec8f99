package io.sfsync.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.sfsync.salesforce.FailurePolicy.Decision;
import io.sfsync.salesforce.FailurePolicy.Match;
import io.sfsync.salesforce.FailurePolicy.RunAction;
import io.sfsync.synclog.Action;

class FailurePolicyTest {

    /**
     * One line per code in the table: code, HTTP status its error body is classified with, call retried,
     * the call's rows, their reason, run action, record retried, a still-failing record's outcome (its
     * reason is the code).
     */
    private static final String CODES = """
            UNABLE_TO_LOCK_ROW,                          400, true,  PENDING, TRANSIENT,        CONTINUE,     true,  PENDING
            SERVER_UNAVAILABLE,                          503, true,  PENDING, TRANSIENT,        CONTINUE,     true,  PENDING
            REQUEST_RUNNING_TOO_LONG,                    400, true,  PENDING, TRANSIENT,        CONTINUE,     true,  PENDING
            DUPLICATES_DETECTED,                         400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, DUPLICATE
            INVALID_SESSION_ID,                          401, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            INVALID_AUTH_HEADER,                         400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            invalid_grant,                               400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            invalid_client,                              400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            invalid_client_id,                           400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            inactive_user,                               400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            inactive_org,                                400, false, PENDING, AUTH,             PAUSE_BROKEN, false, ERROR
            REQUEST_LIMIT_EXCEEDED,                      403, false, PENDING, DAILY_LIMIT,      PAUSE_BUDGET, false, ERROR
            UNKNOWN_EXCEPTION,                           500, true,  PENDING, TRANSIENT,        CONTINUE,     false, ERROR
            ALL_OR_NONE_OPERATION_ROLLED_BACK,           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            API_DISABLED_FOR_ORG,                        400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            API_ERROR,                                   400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            BATCH_PROCESSING_HALTED,                     400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY,        400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            CANNOT_UPDATE_CONVERTED_LEAD,                400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            DUPLICATE_EXTERNAL_ID,                       400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            DUPLICATE_FIELD,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            DUPLICATE_VALUE,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            ENTITY_IS_DELETED,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            EXCEEDED_ID_LIMIT,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            FIELD_CUSTOM_VALIDATION_EXCEPTION,           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            FIELD_FILTER_VALIDATION_EXCEPTION,           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            FIELD_INTEGRITY_EXCEPTION,                   400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INACTIVE_OWNER_OR_USER,                      400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY, 400, false, ERROR, SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INSUFFICIENT_ACCESS_OR_READONLY,             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_API_INPUT,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_CROSS_REFERENCE_KEY,                 400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_EMAIL_ADDRESS,                       400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_FIELD,                               400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_FIELD_FOR_INSERT_UPDATE,             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_OPERATION,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_ID_FIELD,                            400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,     400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_QUERY_FILTER_OPERATOR,               400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_QUERY_LOCATOR,                       400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_QUERY_PARAMETER_VALUE,               400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_REPLICATION_DATE,                    400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALID_TYPE,                                400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALIDJOB,                                  400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            INVALIDJOBSTATE,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            JSON_PARSER_ERROR,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            LIMIT_EXCEEDED,                              400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            MALFORMED_ID,                                400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            MALFORMED_QUERY,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            MALFORMED_SEARCH,                            400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            METHOD_NOT_ALLOWED,                          400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            MISSING_ARGUMENT,                            400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            NOT_FOUND,                                   400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            NUMBER_OUTSIDE_VALID_RANGE,                  400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            PROCESSING_HALTED,                           400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            REQUIRED_FIELD_MISSING,                      400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            STORAGE_LIMIT_EXCEEDED,                      400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            STRING_TOO_LONG,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            invalid_request,                             400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            unsupported_grant_type,                      400, false, ERROR,   SALESFORCE_ERROR, CONTINUE,     false, ERROR
            """;

    private static final Decision TRANSIENT = new Decision(true, false, Action.PENDING, "TRANSIENT", RunAction.CONTINUE);
    private static final Decision AUTH = new Decision(false, false, Action.PENDING, "AUTH", RunAction.PAUSE_BROKEN);
    private static final Decision DAILY_LIMIT = new Decision(false, false, Action.PENDING, "DAILY_LIMIT",
            RunAction.PAUSE_BUDGET);
    private static final Decision REFUSED = new Decision(false, false, Action.ERROR, "SALESFORCE_ERROR", RunAction.CONTINUE);

    static Stream<Arguments> codes() {
        return CODES.lines().filter(l -> !l.isBlank()).map(l -> Arrays.stream(l.split(",")).map(String::trim).toArray())
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codes")
    void eachCodeDecidesTheCallAndTheRecord(String code, String status, String callRetry, String callOutcome,
            String callReason, String runAction, String recordRetry, String recordOutcome) {
        assertThat(FailurePolicy.errorBodyStatus(code)).isEqualTo(Integer.parseInt(status));
        SalesforceException body = error(code, "refused", FailurePolicy.errorBodyStatus(code));
        assertThat(FailurePolicy.forCall(body)).isEqualTo(new Decision(Boolean.parseBoolean(callRetry), false,
                Action.valueOf(callOutcome), callReason, RunAction.valueOf(runAction)));
        assertThat(FailurePolicy.isCallRetriable(body, true)).isEqualTo(Boolean.parseBoolean(callRetry));
        assertThat(FailurePolicy.isCallRetriable(body, false)).isFalse();
        assertThat(FailurePolicy.forRecordError(code)).isEqualTo(new Decision(false, Boolean.parseBoolean(recordRetry),
                Action.valueOf(recordOutcome), code, RunAction.CONTINUE));
    }

    @Test
    void theTableAndThisTestListTheSameCodes() {
        Set<String> tested = codes().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(tested).hasSize((int) CODES.lines().filter(l -> !l.isBlank()).count());
        assertThat(tested).isEqualTo(tableCodes());
    }

    static Stream<Arguments> callFailures() {
        return Stream.of(
                Arguments.of("a connection reset", new IOException("Connection reset"), TRANSIENT),
                Arguments.of("a read timeout", new SocketTimeoutException("Read timed out"), TRANSIENT),
                Arguments.of("no answer in time", new TimeoutException(), TRANSIENT),
                Arguments.of("an I/O failure deep in the causes", new IllegalStateException(new RuntimeException(
                        new IOException("closed"))), TRANSIENT),
                Arguments.of("any other exception", new IllegalStateException("bug"), REFUSED),
                Arguments.of("HTTP 401 without a code", new SalesforceException("Unauthorized", 401), AUTH),
                Arguments.of("HTTP 401 beats a retried code", error("UNABLE_TO_LOCK_ROW", "locked", 401), AUTH),
                Arguments.of("an OAuth error in the message", new SalesforceException(
                        "Login error code:[invalid_grant] description:[authentication failure]", 400), AUTH),
                Arguments.of("invalid_client in the message", new SalesforceException("invalid_client: bad secret", 400),
                        AUTH),
                Arguments.of("an auth code beats HTTP 503", error("INVALID_SESSION_ID", "expired", 503), AUTH),
                Arguments.of("too many concurrent requests", error("REQUEST_LIMIT_EXCEEDED",
                        "ConcurrentPerOrgLongTxn Limit exceeded.", 403), TRANSIENT),
                Arguments.of("the daily allowance spent", error("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.",
                        403), DAILY_LIMIT),
                Arguments.of("the daily allowance beats HTTP 500", error("REQUEST_LIMIT_EXCEEDED", "TotalRequests", 500),
                        DAILY_LIMIT),
                Arguments.of("HTTP 5xx beats a refusing code", error("INVALID_FIELD", "no such column", 502), TRANSIENT),
                Arguments.of("HTTP 500 without a code", new SalesforceException("Server Error", 500), TRANSIENT),
                Arguments.of("no HTTP status", new SalesforceException("Unexpected error", 0), TRANSIENT),
                Arguments.of("an I/O cause of a SalesforceException", new SalesforceException("Unexpected error: reset",
                        new IOException("reset")), TRANSIENT),
                Arguments.of("UNKNOWN_EXCEPTION alone does not retry", error("UNKNOWN_EXCEPTION", "boom", 400), REFUSED),
                Arguments.of("HTTP 400 without a code", new SalesforceException("Bad Request", 400), REFUSED),
                Arguments.of("an unknown code", error("SOMETHING_NEW", "new", 400), REFUSED),
                Arguments.of("HTTP 403 without a limit code", error("INSUFFICIENT_ACCESS_OR_READONLY", "no", 403), REFUSED),
                Arguments.of("a call exception: its cause decides", new SalesforceClient.SalesforceCallException(
                        error("SERVER_UNAVAILABLE", "later", 503)), TRANSIENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callFailures")
    void eachCallFailureIsDecidedByTheFirstRuleThatApplies(String what, Throwable failure, Decision expected) {
        assertThat(FailurePolicy.forCall(failure)).isEqualTo(expected);
        assertThat(FailurePolicy.isCallRetriable(failure, true)).isEqualTo(expected.callRetry());
        assertThat(FailurePolicy.isCallRetriable(failure, false)).isFalse();
    }

    @Test
    void anUnknownRecordCodeIsAnErrorUnderItsOwnNameAndTheRunGoesOn() {
        assertThat(FailurePolicy.forRecordError("SOMETHING_NEW"))
                .isEqualTo(new Decision(false, false, Action.ERROR, "SOMETHING_NEW", RunAction.CONTINUE));
        assertThat(FailurePolicy.forRecordError(null))
                .isEqualTo(new Decision(false, false, Action.ERROR, "UNKNOWN", RunAction.CONTINUE));
        assertThat(FailurePolicy.forRecordError(" ").reason()).isEqualTo("UNKNOWN");
    }

    @Test
    void codesAreMatchedExactlyButOAuthErrorsInAnyCase() {
        assertThat(FailurePolicy.forRecordError("unable_to_lock_row").recordRetry()).isFalse();
        assertThat(FailurePolicy.forCall(error("Invalid_Session_Id", "refused", 400))).isEqualTo(REFUSED);
        // the OAuth errors are also looked for in the code and message, ignoring case
        assertThat(FailurePolicy.forCall(error("INVALID_GRANT", "refused", 400))).isEqualTo(AUTH);
    }

    @Test
    void onlyLockAndAvailabilityCodesAreRetriedWithinTheRun() {
        assertThat(FailurePolicy.recordRetryCodes())
                .containsExactlyInAnyOrder("UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG");
        assertThat(ErrorClassifier.TRANSIENT_RECORD_CODES).isEqualTo(FailurePolicy.recordRetryCodes());
        assertThat(FailurePolicy.recordRetries()).isEqualTo(3);
    }

    @Test
    void aFailedStepLeavesItsRowsPendingAndFailsTheRunUnlessTheCallPauses() {
        Decision failed = new Decision(false, false, Action.PENDING, "STEP_FAILED", RunAction.FAIL);
        assertThat(FailurePolicy.forStepFailure(new IllegalStateException("database down"))).isEqualTo(failed);
        assertThat(FailurePolicy.forStepFailure(new RuntimeException(new SalesforceClient.SalesforceCallException(
                error("SERVER_UNAVAILABLE", "later", 503))))).isEqualTo(failed);
        assertThat(FailurePolicy.forStepFailure(new SalesforceClient.SalesforceCallException(
                error("INVALID_FIELD", "no such column", 400)))).isEqualTo(failed);
        assertThat(FailurePolicy.forStepFailure(new RuntimeException(new SalesforceClient.SalesforceCallException(
                error("INVALID_SESSION_ID", "expired", 401))))).isEqualTo(failed.withRunAction(RunAction.PAUSE_BROKEN));
        assertThat(FailurePolicy.forStepFailure(new SalesforceClient.SalesforceCallException(
                error("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", 403))))
                .isEqualTo(failed.withRunAction(RunAction.PAUSE_BUDGET));
        // a bare SalesforceException is not a failed call of sfsync's client: the step failed
        assertThat(FailurePolicy.forStepFailure(error("INVALID_SESSION_ID", "expired", 401))).isEqualTo(failed);
    }

    @Test
    void aFailedSubrequestRefusesItsRowsAndFailsARunOutsideTheWriters() {
        assertThat(FailurePolicy.forFailedSubrequest()).isEqualTo(REFUSED);
        assertThat(FailurePolicy.forFailedSubrequest().runActionOutsideWrites()).isEqualTo(RunAction.FAIL);
    }

    @Test
    void outsideTheWritersOnlyContinueBecomesFail() {
        assertThat(TRANSIENT.runActionOutsideWrites()).isEqualTo(RunAction.FAIL);
        assertThat(AUTH.runActionOutsideWrites()).isEqualTo(RunAction.PAUSE_BROKEN);
        assertThat(DAILY_LIMIT.runActionOutsideWrites()).isEqualTo(RunAction.PAUSE_BUDGET);
    }

    @Test
    void backoffDoublesFromTheBaseDelayAsCamelsExponentialRedeliveryDoes() {
        assertThat(FailurePolicy.backoffMs(250, 1)).isEqualTo(250);
        assertThat(FailurePolicy.backoffMs(250, 2)).isEqualTo(500);
        assertThat(FailurePolicy.backoffMs(250, 4)).isEqualTo(2000);
        assertThatThrownBy(() -> FailurePolicy.backoffMs(250, 0)).isInstanceOf(IllegalArgumentException.class);
        RedeliveryPolicy camel = new RedeliveryPolicy().redeliveryDelay(250).useExponentialBackOff()
                .backOffMultiplier(FailurePolicy.BACKOFF_MULTIPLIER);
        long previous = 0;
        for (int attempt = 1; attempt <= 5; attempt++) {
            previous = camel.calculateRedeliveryDelay(previous, attempt);
            assertThat(FailurePolicy.backoffMs(250, attempt)).as("attempt %d", attempt).isEqualTo(previous);
        }
    }

    @Test
    void everyCodeTheEmulatorCanReturnHasARow() throws IOException {
        Set<String> emulated = emulatorCodes();
        // the scan itself must find the codes it is meant to find, or this test proves nothing
        assertThat(emulated).contains("UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "INVALID_SESSION_ID",
                "REQUEST_LIMIT_EXCEEDED", "UNKNOWN_EXCEPTION", "DUPLICATES_DETECTED", "REQUIRED_FIELD_MISSING",
                "MALFORMED_QUERY", "invalid_grant", "INVALIDJOBSTATE").hasSizeGreaterThan(40);
        assertThat(tableCodes()).containsAll(emulated);
    }

    @Test
    void theMarkdownTableHasOneLinePerRow() {
        String md = FailurePolicy.markdownTable();
        List<String> lines = md.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(lines).hasSize(FailurePolicy.rules().size() + 2);
        for (FailurePolicy.Rule r : FailurePolicy.rules()) {
            assertThat(lines).as(r.key()).anyMatch(l -> l.contains("| `" + r.key() + "`"));
        }
        assertThat(lines).contains(
                "| code | `UNABLE_TO_LOCK_ROW` | yes | PENDING (TRANSIENT) | CONTINUE | yes, up to 3 | PENDING (UNABLE_TO_LOCK_ROW)"
                        + " | another transaction holds the record |");
        assertThat(lines).anyMatch(l -> l.startsWith("| code | `INVALID_SESSION_ID` (HTTP 401) | no | PENDING (AUTH)"
                + " | PAUSE_BROKEN | no | ERROR (INVALID_SESSION_ID) |"));
        assertThat(lines).anyMatch(l -> l.startsWith("| code | `UNKNOWN_EXCEPTION` (HTTP 500) | yes | PENDING (TRANSIENT)"
                + " | CONTINUE | no | ERROR (UNKNOWN_EXCEPTION) |"));
        assertThat(lines).allMatch(l -> l.split("(?<!\\\\)\\|", -1).length == 10);
    }

    @Test
    void theClassDocumentationNamesEveryCodeThatIsNotPlainlyRefused() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/sfsync/salesforce/FailurePolicy.java"));
        String javadoc = source.substring(0, source.indexOf("public final class FailurePolicy"));
        for (FailurePolicy.Rule r : FailurePolicy.rules()) {
            boolean plainlyRefused = r.match() == Match.CODE && r.call().equals(REFUSED)
                    && r.record().outcome() == Action.ERROR && (r.httpStatus() == null || r.httpStatus() == 400);
            if (r.match() == Match.CODE && !plainlyRefused) {
                assertThat(javadoc).as(r.key()).contains(r.key());
            }
        }
    }

    /**
     * The classifier as it was before the failure policy: the policy must decide every call failure
     * the way this did, across codes, statuses, messages and causes.
     */
    @Test
    void callFailuresAreClassifiedAsBeforeThePolicy() {
        List<String> codes = new ArrayList<>(tableCodes());
        codes.add("SOMETHING_NEW");
        codes.add(null);
        int checked = 0;
        for (String code : codes) {
            for (int status : new int[] {0, 200, 300, 400, 401, 403, 404, 405, 499, 500, 503, 504}) {
                for (String message : List.of("refused", "ConcurrentPerOrgLongTxn Limit exceeded.",
                        "error invalid_grant", "Invalid_Client secret")) {
                    for (Throwable cause : new Throwable[] {null, new IOException("reset"), new TimeoutException(),
                            new IllegalStateException()}) {
                        List<RestError> errors = code == null ? List.of() : List.of(new RestError(code, message));
                        SalesforceException e = new SalesforceException(errors, status, message, cause);
                        assertThat(ErrorClassifier.classify(e)).as("%s %d %s %s", code, status, message, cause)
                                .isEqualTo(LegacyClassifier.classify(e));
                        assertThat(ErrorClassifier.classify(new SalesforceClient.SalesforceCallException(e)))
                                .isEqualTo(LegacyClassifier.classify(e));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
        for (Throwable t : new Throwable[] {new IOException(), new TimeoutException(), new IllegalStateException(),
                new RuntimeException(new SocketTimeoutException())}) {
            assertThat(ErrorClassifier.classify(t)).isEqualTo(LegacyClassifier.classify(t));
        }
    }

    private static SalesforceException error(String code, String message, int status) {
        return new SalesforceException(List.of(new RestError(code, message)), status);
    }

    private static Set<String> tableCodes() {
        return FailurePolicy.rules().stream().filter(r -> r.match() == Match.CODE).map(FailurePolicy.Rule::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The error codes written in the emulator's source: the first string argument of every error it
     * builds (ApiException, ApiError, OAuth's error) and the SOQL parser's code constants.
     */
    private static Set<String> emulatorCodes() throws IOException {
        Pattern call = Pattern.compile("(?:badRequest\\(|ApiError\\.of\\(|new ApiError\\(|new ApiException\\(\\s*\\d+\\s*,"
                + "|\\berror\\()\\s*\"([A-Za-z_]+)\"");
        Pattern constant = Pattern.compile("static final String [A-Z_]+ = \"([A-Z_]+)\";");
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/sfsync/emulator"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                for (Matcher m = call.matcher(text); m.find(); ) {
                    codes.add(m.group(1));
                }
                if (f.getFileName().toString().equals("SoqlException.java")) {
                    for (Matcher m = constant.matcher(text); m.find(); ) {
                        codes.add(m.group(1));
                    }
                }
            }
        }
        return codes;
    }

    /** A copy of the classification the failure policy replaced. */
    private static final class LegacyClassifier {
        private static final Set<String> TRANSIENT_RECORD_CODES = Set.of("UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE",
                "REQUEST_RUNNING_TOO_LONG");
        private static final Set<String> AUTH_CODES = Set.of("INVALID_SESSION_ID", "invalid_grant", "invalid_client",
                "invalid_client_id", "inactive_user", "inactive_org", "INVALID_AUTH_HEADER");

        static ErrorClassifier.Kind classify(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof SalesforceException sf) {
                    return classify(sf);
                }
                if (t instanceof IOException || t instanceof TimeoutException) {
                    return ErrorClassifier.Kind.TRANSIENT;
                }
            }
            return ErrorClassifier.Kind.PERMANENT;
        }

        private static ErrorClassifier.Kind classify(SalesforceException e) {
            String code = null;
            if (e.getErrors() != null) {
                for (RestError err : e.getErrors()) {
                    if (err.getErrorCode() != null) {
                        code = err.getErrorCode();
                        break;
                    }
                }
            }
            String text = (code + " " + e.getMessage()).toLowerCase(Locale.ROOT);
            int status = e.getStatusCode();
            if (code != null && AUTH_CODES.contains(code) || status == 401 || text.contains("invalid_grant")
                    || text.contains("invalid_client")) {
                return ErrorClassifier.Kind.AUTH;
            }
            if ("REQUEST_LIMIT_EXCEEDED".equals(code)) {
                return text.contains("concurrent") ? ErrorClassifier.Kind.TRANSIENT : ErrorClassifier.Kind.DAILY_LIMIT;
            }
            if (status >= 500 || status == 0 || (code != null && TRANSIENT_RECORD_CODES.contains(code))) {
                return ErrorClassifier.Kind.TRANSIENT;
            }
            Throwable cause = e.getCause();
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return ErrorClassifier.Kind.TRANSIENT;
            }
            return ErrorClassifier.Kind.PERMANENT;
        }
    }
}
