package io.sfsync.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.sfsync.source.SourceRow;

/** One page of source rows, the unit every step works on (one Salesforce lookup per batch, not per row). */
public final class Batch {
    private final int number;
    private final List<RecordWork> works = new ArrayList<>();
    /** The mapper the map step mapped this batch with. */
    io.sfsync.mapping.MappingProcessor mappedWith;
    /** Accounts to create, by account key (d:domain or n:name), with their field values. */
    final Map<String, Map<String, Object>> newAccounts = new LinkedHashMap<>();
    /** Existing accounts to update: Id → changed fields. */
    final Map<String, Map<String, Object>> accountUpdates = new LinkedHashMap<>();
    /** Ids of the accounts this batch created, by account key. */
    final Map<String, String> createdAccounts = new LinkedHashMap<>();
    /** Why an account could not be created, by account key. */
    final Map<String, String> failedAccounts = new LinkedHashMap<>();
    /** Accounts whose creation failed for a reason that may pass (their Contacts wait for the next run). */
    final java.util.Set<String> accountsToRetry = new java.util.HashSet<>();
    /** The batch's Salesforce lookup, once made (by the prepare-batch route, or else by the match step). */
    io.sfsync.matching.MatchIndex lookedUp;
    /** The lookup the prepare-batch route started on the lookup thread (its result: null when it was left to match). */
    java.util.concurrent.CompletableFuture<io.sfsync.matching.MatchIndex> lookingUp;

    /** Shared work: the cluster's clock when this batch's lookup began (see SharedWork). */
    long lookupTicket;
    /** The source stream had no more rows after this batch's. */
    final boolean sourceDone;
    /** The record step wrote this batch to the sync tables. */
    boolean recorded;

    Batch(int number, List<SourceRow> rows, boolean sourceDone) {
        this.number = number;
        this.sourceDone = sourceDone;
        rows.forEach(r -> works.add(new RecordWork(r)));
    }

    /** A batch of rows the read step has linked. */
    static Batch ofRows(int number, List<RecordWork> rows, boolean sourceDone) {
        Batch b = new Batch(number, List.of(), sourceDone);
        b.works.addAll(rows);
        return b;
    }

    /** What this batch's lookup searches by: its open rows' emails, external IDs and account keys. */
    java.util.Set<String> matchKeys() {
        return keys(open().filter(w -> w.mapped != null).toList(), true);
    }

    /**
     * What this batch's writes could make another batch's lookup miss: the emails and external IDs
     * of the rows it creates or updates, and the accounts of those that are Contacts.
     */
    java.util.Set<String> writeKeys(boolean accounts) {
        java.util.Set<String> keys = keys(open().filter(w -> w.operation != RecordWork.Operation.NONE).toList(), false);
        // an update can also take a record away from its old email or external ID
        open().filter(w -> w.operation == RecordWork.Operation.UPDATE && w.current != null).forEach(w -> {
            Object email = w.current.get("Email");
            if (email != null) {
                keys.add("e:" + email.toString().trim().toLowerCase(java.util.Locale.ROOT));
            }
            Object ext = w.externalIdField == null ? null : currentValue(w.current, w.externalIdField);
            if (ext != null) {
                keys.add("x:" + ext.toString().toLowerCase(java.util.Locale.ROOT));
            }
        });
        if (accounts) {
            keys.addAll(keys(open().filter(w -> w.operation != RecordWork.Operation.NONE
                    && "Contact".equals(w.targetObject)).toList(), true));
        }
        return keys;
    }

    /** A field of a record as Salesforce answered it (field names are case-insensitive there). */
    private static Object currentValue(Map<String, Object> record, String field) {
        Object v = record.get(field);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (e.getKey().equalsIgnoreCase(field)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static java.util.Set<String> keys(List<RecordWork> rows, boolean withAccounts) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        rows.forEach(w -> {
            if (w.mapped.email() != null) {
                keys.add("e:" + w.mapped.email());
            }
            if (w.mapped.externalId() != null) {
                keys.add("x:" + w.mapped.externalId().toLowerCase(java.util.Locale.ROOT));
            }
            if (withAccounts && w.mapped.accountDomain() != null) {
                keys.add("d:" + w.mapped.accountDomain());
            }
            if (withAccounts && w.mapped.accountName() != null) {
                keys.add("n:" + w.mapped.accountName().trim().toLowerCase(java.util.Locale.ROOT));
            }
        });
        return keys;
    }

    public int number() {
        return number;
    }

    /**
     * Every row of the batch, in source order. The list cannot be changed: a row leaves a batch only by
     * being settled ({@link RecordWork#settle(String, String, String)}), so it always ends in sync_log.
     */
    public List<RecordWork> works() {
        return java.util.Collections.unmodifiableList(works);
    }

    /** The rows no step has settled yet (YAML: {@code ${body.openRows}}). */
    public List<RecordWork> getOpenRows() {
        return open().toList();
    }

    /** Every row of the batch (YAML: {@code ${body.rows}}). */
    public List<RecordWork> getRows() {
        return works();
    }

    /** Rows no step has settled yet. */
    public Stream<RecordWork> open() {
        return works.stream().filter(w -> !w.settled());
    }

    /** How many rows are still open (YAML: {@code ${body.openCount}}). */
    public int getOpenCount() {
        return (int) open().count();
    }

    public boolean isEmpty() {
        return works.isEmpty();
    }
}
