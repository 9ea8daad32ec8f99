package io.sfsync.inbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.sfsync.config.InboundConfig;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;

/**
 * One changed Salesforce record of a poll page, and what it does to the source: the row it is linked to
 * (or found, or inserted), the columns it changes, and its one outcome. Settled once.
 */
public final class InboundWork {
    public final String object;
    public final InboundConfig.Target target;
    public final JsonNode record;
    public final String sfId;
    public final Instant modstamp;
    public final Instant lastModified;
    public final boolean deleted;
    public final String masterId;
    /** Read outside the poll's order (a Contact's Account fetched by Id): the cursor does not move for it. */
    public final boolean outOfBand;

    /** The source row's key (linked, found or new), or null. */
    String sourceKey;
    /** The person link this record had when read (people only). */
    Link link;
    /** The key of the row linked to this record when read (other objects). */
    String recordKey;
    /** How a record not linked yet found its row (the matchOn field), or null. */
    String foundBy;
    /** The key is new: the row is inserted. */
    boolean insert;
    /** The row as it is now (lower-case columns), or null for a new one. */
    Map<String, Object> current;
    /** column → value to write. */
    final Map<String, Object> changes = new LinkedHashMap<>();
    /** The Salesforce fields whose values changed the row. */
    final java.util.List<String> changedFields = new java.util.ArrayList<>();
    /** Delete the row (onDelete delete). */
    boolean deleteRow;
    /** The link moves to this record (a converted Lead's Contact, a merge's master), or null. */
    String relinkTo;
    String relinkObject;
    String accountSfId;
    boolean addressIncomplete;
    /** For fields synced both ways, what the two sides agree on once this record is applied (null: unchanged). */
    Map<String, AgreedValues.Pair> agreed;
    /** The conflict to open or refresh. */
    io.sfsync.synclog.InboundStore.Conflict conflict;
    /** Drop the link (deleted in Salesforce). */
    boolean unlink;
    Outcome outcome;
    /** A Contact whose Account an earlier page of a shared run may still bring: it waits for that page. */
    boolean waitsForAccount;

    InboundWork(String object, InboundConfig.Target target, JsonNode record, boolean outOfBand) {
        this.object = object;
        this.target = target;
        this.record = record;
        this.sfId = record.path("Id").asText();
        this.modstamp = instant(record.path("SystemModstamp").asText(null));
        this.lastModified = instant(record.path("LastModifiedDate").asText(null));
        this.deleted = record.path("IsDeleted").asBoolean(false);
        String master = record.path("MasterRecordId").asText(null);
        this.masterId = master == null || master.isBlank() || master.equals("null") ? null : master;
        this.outOfBand = outOfBand;
    }

    public boolean isSettled() {
        return outcome != null;
    }

    public boolean waitsForAccount() {
        return waitsForAccount;
    }

    public Outcome outcome() {
        return outcome;
    }

    public String sourceKey() {
        return sourceKey;
    }

    void settle(Action action, String reason, String message) {
        if (outcome == null) {
            // the record read (a converted Lead, a merged loser), not the one its row is relinked to: that one
            // logs its own version, so a record read again cannot be mistaken for that one's version
            outcome = new Outcome(sourceKey == null ? "sf:" + sfId : sourceKey, object, sfId, action, reason, message,
                    changedFields.isEmpty() ? null : String.join(",", changedFields));
        }
    }

    /** The record's value of a field (a parent path like Account.BillingCity too), or null. */
    Object value(String field) {
        JsonNode n = record;
        for (String part : field.split("\\.")) {
            n = n == null ? null : find(n, part);
        }
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return n.asText();
    }

    private static JsonNode find(JsonNode n, String name) {
        if (n.has(name)) {
            return n.get(name);
        }
        for (var it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (f.equalsIgnoreCase(name)) {
                return n.get(f);
            }
        }
        return null;
    }

    static Instant instant(String s) {
        if (s == null || s.isBlank() || s.equals("null")) {
            return null;
        }
        // Salesforce writes 2026-12-02T10:00:00.000+0000
        String iso = s.replaceFirst("\\+0000$", "Z").replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2");
        return java.time.OffsetDateTime.parse(iso).toInstant();
    }
}
