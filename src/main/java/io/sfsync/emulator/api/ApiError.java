package io.sfsync.emulator.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.rules.ApiErrorKeys;

/**
 * One Salesforce error. REST resources render it as {@code {message, errorCode, fields}}; sObject
 * Collections and Bulk results use {@code statusCode} instead of {@code errorCode}.
 */
public record ApiError(String errorCode, String message, List<String> fields, Map<String, Object> extra) {

    public ApiError {
        fields = fields == null ? List.of() : List.copyOf(fields);
        extra = extra == null ? Map.of() : extra;
    }

    public static ApiError of(String code, String message, String... fields) {
        return new ApiError(code, message, List.of(fields), null);
    }

    /** The REST resource shape: {@code {"message","errorCode","fields"}} plus any extra keys. */
    public Map<String, Object> restShape() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object duplicateResult = extra.get(ApiErrorKeys.DUPLICATE_RESULT);
        if (duplicateResult != null) {
            m.put("duplicateResut", duplicateResult); // sic: real responses spell it this way
        }
        m.put("message", message);
        m.put("errorCode", errorCode);
        m.put("fields", fields);
        return m;
    }

    /**
     * The SaveResult shape used by sObject Collections: {@code statusCode} instead of errorCode, and no
     * duplicate-result detail (Salesforce does not return it there).
     */
    public Map<String, Object> saveResultShape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("statusCode", errorCode);
        m.put("message", message);
        m.put("fields", fields);
        return m;
    }
}
