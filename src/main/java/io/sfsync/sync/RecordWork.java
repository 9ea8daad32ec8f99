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
 */
public final class RecordWork {
    /** What the write step will do for this row. */
    public enum Operation { CREATE, UPDATE, NONE }

    final SourceRow row;
    MappedRecord mapped;
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

    public String key() {
        return row.key();
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
