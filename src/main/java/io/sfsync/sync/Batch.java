package io.sfsync.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.sfsync.source.SourceRow;

/** One page of source rows, the unit every step works on (one Salesforce lookup per batch, not per row). */
public final class Batch {
    private final int number;
    private final List<RecordWork> works = new ArrayList<>();

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
