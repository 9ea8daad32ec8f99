package io.sfsync.emulator.soql;

/**
 * A query rejected the way Salesforce would reject it: {@link #errorCode()} is Salesforce's
 * error code (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...) so the REST layer can
 * render {@code [{"message":..., "errorCode":...}]} without translating.
 */
public class SoqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String MALFORMED_QUERY = "MALFORMED_QUERY";
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String INVALID_TYPE = "INVALID_TYPE";
    public static final String INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR";
    public static final String DUPLICATE_FIELD = "DUPLICATE_FIELD";
    public static final String NUMBER_OUTSIDE_VALID_RANGE = "NUMBER_OUTSIDE_VALID_RANGE";

    private final String errorCode;

    public SoqlException(String errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }

    static SoqlException malformed(String message) {
        return new SoqlException(MALFORMED_QUERY, message);
    }
}
