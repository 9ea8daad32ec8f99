package io.sfsync.emulator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SalesforceIds;
import io.sfsync.emulator.soql.OrderedIndex;

/**
 * The store's SystemModstamp order stays what a sort of its records gives through every kind of write:
 * creations, updates, deletes and undeletes, transactions rolled back whole or to a mark, clears.
 */
class RecordStoreOrderedIndexTest {
    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");
    private static final DateTimeFormatter STORED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private final Random random = new Random(7L);
    private final RecordStore store = new RecordStore(OrgSchema.standard());
    private final SalesforceIds ids = new SalesforceIds("5g", 1_000_000L);
    private final List<String> contacts = new ArrayList<>();

    private String stamp() {
        if (random.nextInt(25) == 0) {
            return null;
        }
        Instant at = T0.plusSeconds(random.nextInt(20));
        return random.nextBoolean() ? STORED.format(at) : at.toString();
    }

    private Map<String, Object> contact(String id) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Id", id);
        r.put("LastName", "L" + random.nextInt(9));
        r.put("IsDeleted", false);
        r.put("SystemModstamp", stamp());
        return r;
    }

    private void write(Transaction tx) {
        int op = contacts.isEmpty() ? 0 : random.nextInt(5);
        if (op == 0) {
            String id = ids.next("003");
            store.put(tx, "Contact", contact(id));
            contacts.add(id);
            return;
        }
        String id = contacts.get(random.nextInt(contacts.size()));
        Map<String, Object> current = store.get(id);
        if (current == null) {
            return; // its creation was rolled back
        }
        Map<String, Object> r = new LinkedHashMap<>(current);
        switch (op) {
            case 1 -> r.put("SystemModstamp", stamp());
            case 2 -> r.put("IsDeleted", true);
            case 3 -> r.put("IsDeleted", false);
            default -> r.put("LastName", "Changed");
        }
        store.put(tx, "Contact", r);
    }

    private static String id15(Map<String, Object> r) {
        return r.get("Id").toString().substring(0, 15);
    }

    private static Instant at(Map<String, Object> r) {
        String s = r.get("SystemModstamp").toString();
        return s.endsWith("Z") ? Instant.parse(s) : STORED.parse(s, Instant::from);
    }

    /** What the index should answer: the records in the range, sorted, computed from the records alone. */
    private List<Map<String, Object>> bySorting(Instant from, Instant to, boolean valueDesc, boolean idDesc,
            boolean deleted) {
        Comparator<Map<String, Object>> byValue = Comparator.comparing(RecordStoreOrderedIndexTest::at);
        Comparator<Map<String, Object>> byId = Comparator.comparing(RecordStoreOrderedIndexTest::id15);
        return store.list("Contact", deleted).stream()
                .filter(r -> r.get("SystemModstamp") != null)
                .filter(r -> from == null || !at(r).isBefore(from))
                .filter(r -> to == null || at(r).isBefore(to))
                .sorted((valueDesc ? byValue.reversed() : byValue).thenComparing(idDesc ? byId.reversed() : byId))
                .toList();
    }

    private List<Map<String, Object>> fromIndex(Instant from, Instant to, boolean valueDesc, boolean idDesc,
            boolean deleted) {
        OrderedIndex.Range range = new OrderedIndex.Range(
                from == null ? null : new OrderedIndex.Bound(from, null, true),
                to == null ? null : new OrderedIndex.Bound(to, null, false));
        List<Map<String, Object>> out = new ArrayList<>();
        store.ordered("Contact", "SystemModstamp", range, valueDesc, idDesc, deleted).forEachRemaining(out::add);
        return out;
    }

    private void assertIndexAgreesWithASort() {
        for (int i = 0; i < 6; i++) {
            Instant from = random.nextInt(3) == 0 ? null : T0.plusSeconds(random.nextInt(20));
            Instant to = random.nextInt(3) == 0 ? null : T0.plusSeconds(random.nextInt(22));
            boolean valueDesc = random.nextBoolean();
            boolean idDesc = random.nextBoolean();
            boolean deleted = random.nextBoolean();
            assertThat(fromIndex(from, to, valueDesc, idDesc, deleted))
                    .as("[%s, %s) desc %s/%s deleted %s", from, to, valueDesc, idDesc, deleted)
                    .isEqualTo(bySorting(from, to, valueDesc, idDesc, deleted));
        }
    }

    @Test
    void theOrderFollowsEveryWriteRollbackAndClear() {
        for (int round = 0; round < 300; round++) {
            int kind = random.nextInt(10);
            if (round == 100 || round == 200) {
                store.clear();
                contacts.clear();
            } else if (kind < 3) {
                Transaction tx = new Transaction();
                for (int i = 0; i < 5; i++) {
                    write(tx);
                }
                int mark = tx.mark();
                for (int i = 0; i < 5; i++) {
                    write(tx);
                }
                store.rollback(tx, random.nextBoolean() ? mark : 0);
            } else {
                for (int i = 0; i < 8; i++) {
                    write(random.nextBoolean() ? null : new Transaction());
                }
            }
            assertIndexAgreesWithASort();
        }
        assertThat(store.list("Contact", true)).hasSizeGreaterThan(100);
    }

    @Test
    void anUnreadableStampTurnsTheIndexOffUntilItIsGone() {
        for (int i = 0; i < 20; i++) {
            write(null);
        }
        OrderedIndex.Range all = new OrderedIndex.Range(null, null);
        Transaction tx = new Transaction();
        Map<String, Object> bad = contact(ids.next("003"));
        bad.put("SystemModstamp", "not a date");
        store.put(tx, "Contact", bad);
        assertThat(store.ordered("Contact", "SystemModstamp", all, false, false, true)).isNull();
        store.rollback(tx);
        assertThat(store.ordered("Contact", "SystemModstamp", all, false, false, true)).isNotNull();
        assertIndexAgreesWithASort();
    }

    @Test
    void onlyFieldsKeptInOrderAreAnswered() {
        write(null);
        OrderedIndex.Range all = new OrderedIndex.Range(null, null);
        assertThat(store.ordered("Contact", "LastModifiedDate", all, false, false, true)).isNull();
        assertThat(store.ordered("Contact", "LastName", all, false, false, true)).isNull();
        assertThat(store.ordered("Lead", "SystemModstamp", all, false, false, true)).isNotNull().isExhausted();
    }
}
