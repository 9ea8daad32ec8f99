package io.sfsync.emulator.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.soql.OrderedIndex;

/**
 * The org's records, kept in memory. Records are never mutated in place: a write replaces the whole
 * map, so a reader holding one sees a consistent version. Every read and write happens while the
 * caller holds {@link #lock()}, which makes each API request one transaction. Email, unique and
 * external-ID fields are indexed so matching and duplicate rules stay cheap at 100,000s of records,
 * and SystemModstamp is kept in order (deleted records too) so change-capture queries that page
 * through it by (SystemModstamp, Id) read one page, not the whole object, per call.
 */
public final class RecordStore {
    /** Fields kept in an {@link OrderedIndex} on every object, with the type they have on every object. */
    private static final Map<String, String> ORDERED = Map.of("SystemModstamp", "datetime");

    private final OrgSchema schema;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, LinkedHashMap<String, Map<String, Object>>> byObject = new HashMap<>();
    private final Map<String, String> objectById = new HashMap<>();
    /** object -> indexed field (lower case) -> value (lower case) -> ids of live records. */
    private final Map<String, Map<String, Map<String, Set<String>>>> indexes = new HashMap<>();
    /** object -> ordered field -> its index over every record of the object, deleted ones included. */
    private final Map<String, Map<String, OrderedIndex>> ordered = new HashMap<>();

    public RecordStore(OrgSchema schema) {
        this.schema = schema;
    }

    public ReentrantLock lock() {
        return lock;
    }

    public void clear() {
        byObject.clear();
        objectById.clear();
        indexes.clear();
        ordered.clear();
    }

    /** The record with this 18-character Id, deleted or not, or null. */
    public Map<String, Object> get(String id) {
        String object = objectById.get(id);
        return object == null ? null : byObject.get(object).get(id);
    }

    public String objectOf(String id) {
        return objectById.get(id);
    }

    /** All records of an object in insertion order; deleted ones only when asked. */
    public List<Map<String, Object>> list(String object, boolean includeDeleted) {
        Map<String, Map<String, Object>> records = byObject.get(object);
        if (records == null) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>(records.size());
        for (Map<String, Object> r : records.values()) {
            if (includeDeleted || !Boolean.TRUE.equals(r.get("IsDeleted"))) {
                out.add(r);
            }
        }
        return out;
    }

    public int count(String object) {
        Map<String, Map<String, Object>> records = byObject.get(object);
        return records == null ? 0 : records.size();
    }

    /** Ids of live records whose indexed field equals the value, compared case-insensitively. */
    public Set<String> find(String object, String field, String value) {
        if (value == null) {
            return Set.of();
        }
        Set<String> ids = indexes.getOrDefault(object, Map.of())
                .getOrDefault(field.toLowerCase(Locale.ROOT), Map.of())
                .get(value.trim().toLowerCase(Locale.ROOT));
        return ids == null ? Set.of() : Collections.unmodifiableSet(ids);
    }

    /**
     * Records of the object whose ordered field lies in the range, in (value, Id) order by the given
     * directions (see {@link OrderedIndex#ids}); deleted ones only when asked. Null when the field is not
     * kept in order on this object or a stored value of it cannot be read as its type. Lazy: read it
     * while holding the lock, before any write.
     */
    public Iterator<Map<String, Object>> ordered(String object, String field, OrderedIndex.Range range,
            boolean valueDescending, boolean idDescending, boolean includeDeleted) {
        SObjectDef def = schema.object(object);
        FieldDef f = def == null ? null : def.field(field);
        if (f == null || !f.type().equals(ORDERED.get(f.name()))) {
            return null;
        }
        OrderedIndex index = ordered.getOrDefault(def.name(), Map.of()).get(f.name());
        if (index == null) {
            return Collections.emptyIterator(); // nothing was ever written to the object
        }
        if (!index.usable()) {
            return null;
        }
        Map<String, Map<String, Object>> records = byObject.get(def.name());
        Iterator<String> ids = index.ids(range, valueDescending, idDescending);
        return new Iterator<>() {
            private Map<String, Object> next = advance();

            private Map<String, Object> advance() {
                while (ids.hasNext()) {
                    Map<String, Object> r = records.get(ids.next());
                    if (includeDeleted || !Boolean.TRUE.equals(r.get("IsDeleted"))) {
                        return r;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Map<String, Object> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Map<String, Object> out = next;
                next = advance();
                return out;
            }
        };
    }

    /** Inserts or replaces a record (keyed by its Id), remembering the previous version in the transaction. */
    public void put(Transaction tx, String object, Map<String, Object> record) {
        String id = (String) record.get("Id");
        Map<String, Object> previous = get(id);
        if (tx != null) {
            tx.remember(id, object, previous);
        }
        write(object, id, previous, Collections.unmodifiableMap(new LinkedHashMap<>(record)));
    }

    /**
     * Runs work that changes several records as one: under the store's lock, in a transaction that is
     * rolled back whole when the work fails.
     */
    public <T> T atomically(java.util.function.Function<Transaction, T> work) {
        lock().lock();
        Transaction tx = new Transaction();
        try {
            return work.apply(tx);
        } catch (RuntimeException e) {
            rollback(tx);
            throw e;
        } finally {
            lock().unlock();
        }
    }

    /** Restores every record the transaction touched to its version before the transaction. */
    public void rollback(Transaction tx) {
        rollback(tx, 0);
    }

    /** Restores the records touched since the mark (see {@link Transaction#mark()}). */
    public void rollback(Transaction tx, int mark) {
        for (Transaction.Entry e : tx.cut(mark)) {
            Map<String, Object> current = get(e.id());
            if (e.before() == null) {
                unindex(e.object(), e.id(), current);
                orderedRemove(e.object(), e.id());
                byObject.get(e.object()).remove(e.id());
                objectById.remove(e.id());
            } else {
                write(e.object(), e.id(), current, e.before());
            }
        }
    }

    private void write(String object, String id, Map<String, Object> previous, Map<String, Object> record) {
        unindex(object, id, previous);
        byObject.computeIfAbsent(object, k -> new LinkedHashMap<>()).put(id, record);
        objectById.put(id, object);
        index(object, id, record);
        Map<String, OrderedIndex> byField = ordered.computeIfAbsent(object, k -> {
            Map<String, OrderedIndex> m = new HashMap<>();
            ORDERED.forEach((field, type) -> m.put(field, new OrderedIndex(type)));
            return m;
        });
        byField.forEach((field, index) -> index.put(id, record.get(field)));
    }

    private void orderedRemove(String object, String id) {
        ordered.getOrDefault(object, Map.of()).values().forEach(index -> index.remove(id));
    }

    private void index(String object, String id, Map<String, Object> record) {
        if (record == null || Boolean.TRUE.equals(record.get("IsDeleted"))) {
            return;
        }
        forIndexedValues(object, record, (field, value) -> indexes
                .computeIfAbsent(object, k -> new HashMap<>())
                .computeIfAbsent(field, k -> new HashMap<>())
                .computeIfAbsent(value, k -> new LinkedHashSet<>())
                .add(id));
    }

    private void unindex(String object, String id, Map<String, Object> record) {
        if (record == null) {
            return;
        }
        forIndexedValues(object, record, (field, value) -> {
            Map<String, Set<String>> byValue = indexes.getOrDefault(object, Map.of()).get(field);
            if (byValue != null) {
                Set<String> ids = byValue.get(value);
                if (ids != null) {
                    ids.remove(id);
                    if (ids.isEmpty()) {
                        byValue.remove(value);
                    }
                }
            }
        });
    }

    private void forIndexedValues(String object, Map<String, Object> record,
            java.util.function.BiConsumer<String, String> action) {
        SObjectDef def = schema.object(object);
        for (FieldDef f : def.fields()) {
            if (f.externalId() || f.unique() || f.type().equals("email")) {
                Object v = record.get(f.name());
                if (v != null && !v.toString().isBlank()) {
                    action.accept(f.name().toLowerCase(Locale.ROOT), v.toString().trim().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /** Counts of live records per object, for the control plane. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (SObjectDef def : schema.objects()) {
            counts.put(def.name(), list(def.name(), false).size());
        }
        return counts;
    }
}
