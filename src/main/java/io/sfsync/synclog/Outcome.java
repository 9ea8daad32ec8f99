package io.sfsync.synclog;

/**
 * One record's outcome in a run: one sync_log row.
 *
 * @param reason a code: NO_CHANGE, OWNED_BY_OTHER_USER, AMBIGUOUS_MATCH, a Salesforce errorCode, …
 * @param fields the fields concerned, comma-separated (for errors) or the written field names
 */
public record Outcome(String sourceKey, String sobject, String sfId, Action action, String reason, String message,
        String fields) {

    public static Outcome of(String key, String sobject, String sfId, Action action, String reason, String message) {
        return new Outcome(key, sobject, sfId, action, reason, message, null);
    }
}
