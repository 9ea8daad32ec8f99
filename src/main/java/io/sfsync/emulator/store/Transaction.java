package io.sfsync.emulator.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The undo log of one API operation: the first-seen version of every record it touched. */
public final class Transaction {
    record Entry(String id, String object, Map<String, Object> before) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    void remember(String id, String object, Map<String, Object> before) {
        if (seen.add(id)) {
            entries.add(new Entry(id, object, before));
        }
    }

    /** The position to roll back to when an inner operation (a collection inside a composite) fails alone. */
    public int mark() {
        return entries.size();
    }

    /** Forgets the entries after the mark, returning them newest first. */
    List<Entry> cut(int mark) {
        List<Entry> tail = new ArrayList<>(entries.subList(mark, entries.size()));
        for (Entry e : tail) {
            seen.remove(e.id());
        }
        entries.subList(mark, entries.size()).clear();
        java.util.Collections.reverse(tail);
        return tail;
    }
}
