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
    /** Accounts to create, by account key (d:domain or n:name), with their field values. */
    final Map<String, Map<String, Object>> newAccounts = new LinkedHashMap<>();
    /** Existing accounts to update: Id → changed fields. */
    final Map<String, Map<String, Object>> accountUpdates = new LinkedHashMap<>();
    /** Ids of the accounts this batch created, by account key. */
    final Map<String, String> createdAccounts = new LinkedHashMap<>();
    /** Why an account could not be created, by account key. */
    final Map<String, String> failedAccounts = new LinkedHashMap<>();

    public Batch(int number, List<SourceRow> rows) {
        this.number = number;
        rows.forEach(r -> works.add(new RecordWork(r)));
    }

    public int number() {
        return number;
    }

    public List<RecordWork> works() {
        return works;
    }

    /** Rows no step has settled yet. */
    public Stream<RecordWork> open() {
        return works.stream().filter(w -> !w.settled());
    }

    public boolean isEmpty() {
        return works.isEmpty();
    }
}
