package io.sfsync.synclog;

import java.util.Map;

/** The fix for the common outcomes (seed 003's troubleshooting, in sfsync's terms). */
public final class Hints {
    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("REQUIRED_FIELD_MISSING", "map the field in sync.yaml or give it a default (fields.<Object>.<Field>.default)"),
            Map.entry("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "translate the value with picklist: {source: Salesforce value}, "
                    + "set onInvalid: drop, or add the value to the picklist in Salesforce"),
            Map.entry("STRING_TOO_LONG", "add transform: [truncate] to the field"),
            Map.entry("INVALID_EMAIL_ADDRESS", "fix the email in the source, or leave invalid emails out with the segment"),
            Map.entry("DUPLICATES_DETECTED", "a Salesforce duplicate rule blocked the save: match on email (matchIn) or set "
                    + "duplicateRules.allowSave: true"),
            Map.entry("DUPLICATE_IN_SOURCE", "two source rows share an email or a key; clean up the source (a key must be unique)"),
            Map.entry("INVALID_SOURCE_ROW", "give the row a key and a changedAt in the source, then run sfsync retry JOB"
                    + " --reason INVALID_SOURCE_ROW"),
            Map.entry("CREATE_CONFIRMED", "nothing to do: an earlier attempt created the record and its answer was lost;"
                    + " it is counted created once"),
            Map.entry("AMBIGUOUS_MATCH", "merge the duplicates in Salesforce, or set onAmbiguousMatch: update_most_recent"),
            Map.entry("OWNED_BY_OTHER_USER", "turn on ownership.updateRegardlessOfOwnership to update records other users own"),
            Map.entry("NOT_IN_SEGMENT", "the row is outside the job's segment; to include it, widen the job's segment (or run --segment all): that run reads the skipped rows again"),
            Map.entry("DO_NOT_CONTACT", "the row is marked do-not-contact in the source"),
            Map.entry("PERSON_NOT_LINKED", "nothing to do: the Task goes in the run after its person is in Salesforce"
                    + " (fix the person's own error, or link it: sfsync link)"),
            Map.entry("PERSON_NOT_IN_SEGMENT", "the touchpoint's person is outside the job's segment: no activity is logged"),
            Map.entry("SOURCE_ROW_GONE", "nothing to do: the touchpoint left the activities query while it waited"),
            Map.entry("EXISTS_CREATE_ONLY", "the job only creates; use mode: create_and_update to update existing records"),
            Map.entry("NOT_FOUND_UPDATE_ONLY", "the job only updates; use mode: create_and_update to create new records"),
            Map.entry("INSUFFICIENT_ACCESS_OR_READONLY", "give the integration user edit access to the record"),
            Map.entry("INVALID_FIELD_FOR_INSERT_UPDATE", "give the integration user edit access to the field, or stop mapping it"),
            Map.entry("FIELD_CUSTOM_VALIDATION_EXCEPTION", "a validation rule in Salesforce rejected the record: read its message"),
            Map.entry("CANNOT_UPDATE_CONVERTED_LEAD", "the Lead was converted; sfsync follows ConvertedContactId from the next run"),
            Map.entry("CONVERTED_LEAD", "the Lead was converted and its Contact no longer exists"),
            Map.entry("INACTIVE_OWNER_OR_USER", "the owner is inactive in Salesforce: fix the owner column or the fallback owner"),
            Map.entry("MAPPING_ERROR", "fix the value in the source or the field's mapping"),
            Map.entry("TRANSIENT", "Salesforce did not answer in time; the row is retried on the next run"),
            Map.entry("FIRST_LINK_DIFFERS", "take one side: sfsync conflicts JOB --resolve ID --take salesforce|source"
                    + " (or POST /api/conflicts/ID/resolve), or set inbound.onConflict: merge"),
            Map.entry("CONFLICT_OPEN", "the record waits for an operator: sfsync conflicts JOB lists it"),
            Map.entry("ADDRESS_INCOMPLETE", "complete the street, city, state and postal code in Salesforce (the row's"
                    + " address_incomplete flag says which rows need it)"),
            Map.entry("NOT_LINKED", "the job inserts no rows for new records (newRows: skip); add a matchOn column to find"
                    + " existing rows, or set newRows: insert"),
            Map.entry("SOURCE_VALUE_INVALID", "the Salesforce value does not fit the source column: widen the column or"
                    + " stop mapping the field from Salesforce"),
            Map.entry("SOURCE_WRITE_FAILED", "the source database refused the row (a constraint, a trigger): read its message"),
            Map.entry("NO_KEY", "give the object a newKey (sequence:<name> or field:<Field>) or set newRows: skip"),
            Map.entry("SOURCE_ROW_MISSING", "the linked row was deleted in the source; unlink it (POST /api/records/JOB/KEY/unlink)"
                    + " so the record may become a new row"));

    private Hints() {
    }

    public static String forReason(String reason) {
        return reason == null ? null : HINTS.get(reason);
    }
}
