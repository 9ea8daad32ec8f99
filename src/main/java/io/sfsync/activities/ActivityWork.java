package io.sfsync.activities;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sfsync.source.SourceRow;
import io.sfsync.synclog.ActivityStore;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;

/**
 * One touchpoint on its way to being a Task: its row, its person and what it becomes. Steps of one's own
 * read its columns and may settle it (skip it with a reason); none may drop it: every touchpoint a batch
 * brings ends in exactly one sync_log row.
 */
public final class ActivityWork {
    final SourceRow row;
    /** What the job already knows of this touchpoint (null: never seen). */
    ActivityStore.Activity known;
    String personKey;
    String whoId;
    String whatId;
    String ownerId;
    /** The Task's fields as they go to Salesforce (TaskSubtype only on a Task not created yet). */
    final Map<String, Object> payload = new LinkedHashMap<>();
    String payloadHash;
    boolean contentSent;
    /** The Task's Id, once written (or known). */
    String taskId;
    /** Salesforce's answer to the last send. */
    com.fasterxml.jackson.databind.JsonNode result;
    /** The person's Lead was found converted and the Task readied for the Contact. */
    boolean followedConversion;
    private Outcome outcome;

    ActivityWork(SourceRow row) {
        this.row = row;
    }

    /** The touchpoint's key (the activities source's key column). */
    public String key() {
        return row.key();
    }

    /** A column of the touchpoint's row. */
    public Object column(String name) {
        return row.get(name);
    }

    /** The person's key, once resolved (null before, or when the row has none). */
    public String personKey() {
        return personKey;
    }

    /** The Task's fields as they will be sent (empty until resolved). */
    public Map<String, Object> fields() {
        return java.util.Collections.unmodifiableMap(payload);
    }

    public boolean settled() {
        return outcome != null;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Skips the touchpoint (no Task), with a reason code such as FILTERED; once only. */
    public void skip(String reason, String message) {
        settle(Action.SKIPPED, reason, message);
    }

    /** Settles the touchpoint SKIPPED, ERROR or PENDING (read again next run), with a reason code; once only. */
    public void settle(Action action, String reason, String message) {
        if (action != Action.SKIPPED && action != Action.ERROR && action != Action.PENDING) {
            throw new IllegalArgumentException("a touchpoint is settled SKIPPED, ERROR or PENDING by a step, not " + action);
        }
        if (reason == null || !reason.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("a reason is a code such as FILTERED, not '" + reason + "'");
        }
        if (outcome != null) {
            throw new IllegalStateException("touchpoint " + key() + " is settled already (" + outcome.action() + ")");
        }
        outcome = new Outcome(key(), "Task", known == null ? null : known.sfId(), action, reason, message, null);
    }

    void settle(Outcome o) {
        outcome = o;
    }

    /** Replaces an outcome the engine decided earlier (a write that went through after all). */
    void resettle(Outcome o) {
        outcome = o;
    }
}
