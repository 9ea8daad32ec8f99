package io.sfsync.inbound;

import java.util.List;
import java.util.Map;

/**
 * One poll page: the changed records of every polled object, in the order they are applied, and per
 * object the (SystemModstamp, Id) of the last record the page read — where the cursor moves once the page
 * is recorded.
 */
public record InboundPage(int number, List<InboundWork> works, Map<String, ChangeQueries.Cursor> cursors) {

    public boolean isEmpty() {
        return works.isEmpty();
    }

    /** The records not settled yet. */
    public List<InboundWork> open() {
        return works.stream().filter(w -> !w.isSettled()).toList();
    }
}
