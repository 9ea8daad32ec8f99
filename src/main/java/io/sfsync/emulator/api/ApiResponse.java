package io.sfsync.emulator.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A REST response: a status, a body that is JSON-serialisable (or a String sent as it is, for CSV)
 * and extra headers.
 */
public record ApiResponse(int status, Object body, String contentType, Map<String, String> headers) {

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, body, "application/json;charset=UTF-8", new LinkedHashMap<>());
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, new LinkedHashMap<>());
    }

    public static ApiResponse text(int status, String body, String contentType) {
        return new ApiResponse(status, body, contentType, new LinkedHashMap<>());
    }

    public ApiResponse withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
