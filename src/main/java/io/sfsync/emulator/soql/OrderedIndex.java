package io.sfsync.emulator.soql;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * One field of one object kept in (value, Id) order, values ordered as SOQL orders them (a datetime
 * by its instant, whatever its spelling) and Ids by their 15-character form, as ORDER BY Id does.
 * A data source maintains it on every write ({@link #put}, {@link #remove}) and answers
 * {@link SoqlDataSource#ordered} from it, so a query filtering on a range of the field and ordered by
 * it and Id reads only the records in its range, in its order, and stops at its LIMIT.
 *
 * <p>Records whose value is null are not in the index (no range holds them). A non-null value SOQL
 * cannot read (a datetime that does not parse) makes the index {@linkplain #usable() unusable} until
 * that record changes: queries then scan, and fail or not exactly as they would without the index.
 * Not thread-safe: the data source's lock guards it like the records.
 */
public final class OrderedIndex {
    /** Sorts before every real 15-character Id (all are alphanumeric). */
    private static final String BEFORE_ALL_IDS = "";
    /** Sorts after every real 15-character Id. */
    private static final String AFTER_ALL_IDS = "\uffff";

    private record Key(Comparable<?> value, String id15) {}

    private static final Comparator<Key> ORDER = (a, b) -> {
        int c = SoqlValues.compare(a.value(), b.value());
        return c != 0 ? c : a.id15().compareTo(b.id15());
    };

    /**
     * One end of a range in (value, Id) order. With a null {@code id} it bounds the value alone
     * ({@code value >= v} or {@code value > v} for a lower end); with an Id it bounds the pair
     * ({@code (value, Id) > (v, id)}), the Id compared by its 15-character form.
     */
    public record Bound(Comparable<?> value, String id, boolean inclusive) {
        public Bound {
            id = id == null || id.isEmpty() ? id : SoqlValues.idKey(id);
        }
    }

    /** A range of (value, Id) pairs; a null end is open. */
    public record Range(Bound lower, Bound upper) {}

    private final FieldKind kind;
    private final NavigableMap<Key, String> entries = new TreeMap<>(ORDER);
    private final Map<String, Key> keyById = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();

    /** @param fieldType the field's Salesforce type, as {@link SoqlDataSource#fieldType} gives it */
    public OrderedIndex(String fieldType) {
        this.kind = FieldKind.of(fieldType);
    }

    /** Records (or replaces) the value of the record with this Id. */
    public void put(String id, Object value) {
        remove(id);
        Comparable<?> key;
        try {
            key = SoqlValues.key(kind, value);
        } catch (RuntimeException e) {
            unreadable.add(id);
            return;
        }
        String id15 = SoqlValues.idKey(id);
        if (key == null || id15 == null) {
            return;
        }
        Key k = new Key(key, id15);
        entries.put(k, id);
        keyById.put(id, k);
    }

    /** Forgets the record with this Id (nothing happens when it is not indexed). */
    public void remove(String id) {
        unreadable.remove(id);
        Key k = keyById.remove(id);
        if (k != null) {
            entries.remove(k);
        }
    }

    public void clear() {
        entries.clear();
        keyById.clear();
        unreadable.clear();
    }

    /** False while a record holds a value SOQL cannot read: answers would then differ from a scan's. */
    public boolean usable() {
        return unreadable.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /**
     * The (full) Ids of the records in the range, by value ascending or descending, records sharing a
     * value by Id ascending or descending. Lazy: reading the first few of a large range costs only
     * those few (and, when the two directions differ, the records sharing a value with them).
     */
    public Iterator<String> ids(Range range, boolean valueDescending, boolean idDescending) {
        NavigableMap<Key, String> view = slice(range);
        if (!valueDescending) {
            return idDescending ? new RunsReversed(view)
                    : view.values().iterator();
        }
        NavigableMap<Key, String> descending = view.descendingMap();
        return idDescending ? descending.values().iterator()
                : new RunsReversed(descending);
    }

    private NavigableMap<Key, String> slice(Range range) {
        Key lo = null;
        boolean loInclusive = true;
        Key hi = null;
        boolean hiInclusive = true;
        if (range.lower() != null) {
            Bound b = range.lower();
            lo = b.id() != null ? new Key(b.value(), b.id())
                    : new Key(b.value(), b.inclusive() ? BEFORE_ALL_IDS : AFTER_ALL_IDS);
            loInclusive = b.id() == null || b.inclusive();
        }
        if (range.upper() != null) {
            Bound b = range.upper();
            hi = b.id() != null ? new Key(b.value(), b.id())
                    : new Key(b.value(), b.inclusive() ? AFTER_ALL_IDS : BEFORE_ALL_IDS);
            hiInclusive = b.id() == null || b.inclusive();
        }
        if (lo != null && hi != null) {
            int c = ORDER.compare(lo, hi);
            if (c > 0 || (c == 0 && !(loInclusive && hiInclusive))) {
                return Collections.emptyNavigableMap();
            }
            return entries.subMap(lo, loInclusive, hi, hiInclusive);
        }
        if (lo != null) {
            return entries.tailMap(lo, loInclusive);
        }
        if (hi != null) {
            return entries.headMap(hi, hiInclusive);
        }
        return entries;
    }

    /**
     * Walks a view of the index and hands out each run of records sharing a value in reverse: the
     * value order of the view with the opposite Id order.
     */
    private static final class RunsReversed implements Iterator<String> {
        private final Iterator<Map.Entry<Key, String>> walk;
        private final Deque<String> run = new ArrayDeque<>();
        private Map.Entry<Key, String> pending;

        RunsReversed(NavigableMap<Key, String> view) {
            this.walk = view.entrySet().iterator();
            this.pending = walk.hasNext() ? walk.next() : null;
        }

        @Override
        public boolean hasNext() {
            return !run.isEmpty() || pending != null;
        }

        @Override
        public String next() {
            if (run.isEmpty()) {
                if (pending == null) {
                    throw new NoSuchElementException();
                }
                Comparable<?> value = pending.getKey().value();
                while (pending != null && SoqlValues.compare(pending.getKey().value(), value) == 0) {
                    run.push(pending.getValue());
                    pending = walk.hasNext() ? walk.next() : null;
                }
            }
            return run.pop();
        }
    }
}
