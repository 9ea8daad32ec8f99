package io.sfsync.emulator.api;

import java.util.List;

/** A request that Salesforce would answer with an error status and a JSON array of errors. */
public class ApiException extends RuntimeException {
    private final int status;
    private final List<ApiError> errors;

    public ApiException(int status, List<ApiError> errors) {
        super(errors.isEmpty() ? "HTTP " + status : errors.get(0).errorCode() + ": " + errors.get(0).message());
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public ApiException(int status, String code, String message, String... fields) {
        this(status, List.of(ApiError.of(code, message, fields)));
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    public static ApiException notFound() {
        return new ApiException(404, "NOT_FOUND", "The requested resource does not exist");
    }

    public static ApiException badRequest(String code, String message, String... fields) {
        return new ApiException(400, code, message, fields);
    }
}
