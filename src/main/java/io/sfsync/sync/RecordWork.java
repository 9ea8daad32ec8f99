package io.sfsync.sync;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sfsync.mapping.MappedRecord;
import io.sfsync.source.SourceRow;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;

/**
 * One source row on its way through a batch. Each step fills in what it decides; once
 * {@link #outcome} is set the row is settled and later steps leave it alone.
 *
 * <p>The public methods are the contract a step of one's own (YAML or a bean) works with: read the
 * row's source columns ({@link #column}) and mapped fields ({@link #field}); set a column before the
 * map step or a field after it; settle the row with an action, a reason code of the step's own and a
 * message ({@link #skip}, {@link #settle(String, String, String)}). A row is never removed from its
 * batch: every row ends in exactly one sync_log row.
 */
public final class RecordWork {
    /** What the write step will do for this row. */
    public enum Operation { CREATE, UPDATE, NONE }

    final SourceRow row;
    MappedRecord mapped;
    /** The job's external ID field (the row is matched by it, like its email), or null. */
    String externalIdField;
    /** The map step has seen this row: columns set after it would not be mapped. */
    boolean mapStepPassed;
    /** The map step settled this row (invalid, outside the segment, unchanged, a repeat): decided again on a new mapping. */
    boolean settledByMap;
    Link link;
    /** The Salesforce object the row becomes or updates. */
    String targetObject;
    /** The matched record's current values (null when creating). */
    Map<String, Object> current;
    Operation operation = Operation.NONE;
    /** The fields to send. */
    final Map<String, Object> payload = new LinkedHashMap<>();
    /** Sforce-Auto-Assign for the create (null: send FALSE). */
    boolean autoAssign;
    String ownerId;
    String accountId;
    /** Key of the account this row's Contact should be associated with once created. */
    String accountKey;
    /** Field-level changes for plans and dry runs: field → [current, new]. */
    final Map<String, Object[]> diff = new LinkedHashMap<>();
    Outcome outcome;
    /** This row's create: whether a create of it by an earlier run (or batch) is still unanswered (sync_intent). */
    boolean earlierCreateOpen;
    /** This row's create was sent again after its answer was lost (a redelivery, a Bulk job sent again). */
    boolean createResent;
    /** Salesforce answered this row's create with a refusal: no record was made by it. */
    boolean createRefused;

    RecordWork(SourceRow row) {
        this.row = row;
    }

    /** The row's key (YAML: {@code ${body.key}}). */
    public String key() {
        return row.key();
    }

    /** A source column's value (names are case-insensitive), or null. */
    public Object column(String name) {
        return row.get(name);
    }

    /** The source columns, by lower-case name (YAML: {@code ${body.columns[company]}}). */
    public Map<String, Object> getColumns() {
        return java.util.Collections.unmodifiableMap(row.columns());
    }

    /**
     * Sets a source column before the row is mapped, so the job's field rules see it (an enrichment):
     * its value counts in the row's payload hash like any other column.
     *
     * @throws IllegalStateException once the row is mapped or settled
     */
    public void setColumn(String name, Object value) {
        if (settled() || mapStepPassed) {
            throw new IllegalStateException("row " + key() + ": column " + name + " can only be set before the map step"
                    + " (after it, set a field)");
        }
        row.columns().put(name.toLowerCase(java.util.Locale.ROOT), value);
        mapped = null; // mapped by the map step with the new value
    }

    /** The mapped value of a field of the row's Salesforce object, or null (before the map step: null). */
    public Object field(String name) {
        return mapped == null || targetObject == null ? null : mapped.valuesOf(targetObject).get(name);
    }

    /** The mapped fields of the row's Salesforce object (YAML: {@code ${body.fields[Title]}}). */
    public Map<String, Object> getFields() {
        return mapped == null || targetObject == null ? Map.of()
                : java.util.Collections.unmodifiableMap(mapped.valuesOf(targetObject));
    }

    /** The Salesforce object the row becomes or updates (Lead, Contact), as decided so far. */
    public String getObject() {
        return targetObject;
    }

    /**
     * Sets a mapped field of the row's Salesforce object after the map step (null removes it); it is
     * written subject to the field's overwrite rule and counts in the payload hash recorded with the link.
     *
     * @throws IllegalStateException before the map step or once the row is settled
     * @throws IllegalArgumentException for Email and the job's external ID field, which the row is matched by
     */
    public void setField(String name, Object value) {
        if (name == null || name.equalsIgnoreCase("Email") || name.equalsIgnoreCase(externalIdField)) {
            throw new IllegalArgumentException("row " + key() + ": field " + name + " is what the row is matched by and"
                    + " cannot be set after the map step; set its column before map (setColumn)");
        }
        if (mapped == null || settled()) {
            throw new IllegalStateException("row " + key() + ": field " + name + " can only be set on an open row after the"
                    + " map step (before it, set a column)");
        }
        mapped = mapped.withValue(targetObject, name, value);
    }

    /** Whether no step has settled the row yet (YAML: {@code ${body.open}}). */
    public boolean isOpen() {
        return !settled();
    }

    /** Settles the row SKIPPED with a reason code of the step's own (e.g. FILTERED) and a message. */
    public void skip(String reason, String message) {
        settle("SKIPPED", reason, message);
    }

    /** The actions a step may settle a row with: what happened without a Salesforce write of this step's. */
    public static final java.util.Set<Action> STEP_ACTIONS = java.util.EnumSet.of(Action.SKIPPED, Action.DUPLICATE,
            Action.ERROR, Action.PENDING);

    /**
     * Settles the row: {@code action} one of SKIPPED, DUPLICATE, ERROR, PENDING (PENDING keeps the watermark
     * behind the row: it is read again next run); {@code reason} an upper-case code such as FILTERED;
     * {@code message} what an operator reads in sync_log.
     *
     * @throws IllegalArgumentException naming the row and the argument when one is not valid
     * @throws IllegalStateException when the row is settled already
     */
    public void settle(String action, String reason, String message) {
        Action a;
        try {
            a = Action.valueOf(action == null ? "" : action.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            a = null;
        }
        if (a == null || !STEP_ACTIONS.contains(a)) {
            throw new IllegalArgumentException("row " + key() + ": action '" + action + "' cannot be set by a step"
                    + " (expected one of " + STEP_ACTIONS + ")");
        }
        if (reason == null || !reason.matches("[A-Z][A-Z0-9_]{0,39}")) {
            throw new IllegalArgumentException("row " + key() + ": reason '" + reason + "' is not a reason code"
                    + " (expected upper case letters, digits and _, up to 40, e.g. FILTERED)");
        }
        if (settled()) {
            throw new IllegalStateException("row " + key() + " is settled already (" + outcome.action() + "/"
                    + outcome.reason() + "); a row is settled once");
        }
        settle(a, reason, message == null || message.isBlank() ? reason.toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                : message);
    }

    public boolean settled() {
        return outcome != null;
    }

    public Outcome outcome() {
        return outcome;
    }

    public MappedRecord mapped() {
        return mapped;
    }

    public String targetObject() {
        return targetObject;
    }

    public Operation operation() {
        return operation;
    }

    public Map<String, Object[]> diff() {
        return diff;
    }

    public String currentId() {
        return current == null ? null : (String) current.get("Id");
    }

    void settle(Action action, String reason, String message) {
        outcome = Outcome.of(key(), targetObject, currentId(), action, reason, message);
    }

    void settle(Outcome o) {
        outcome = o;
    }
}
