package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A query bounded on a field kept in an {@link OrderedIndex} and ordered by it and Id reads the index:
 * the records are exactly those a scan and a full sort of every match, cut to OFFSET and LIMIT, give —
 * ties, directions, nulls, deleted records, parent fields — before and after the records change. The
 * random queries mix in orders and clauses the index cannot serve, which select their first rows from a
 * scan instead.
 */
class SoqlOrderedIndexTest {
    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");
    private static final DateTimeFormatter PLUS_0000 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PLUS_0200 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.ofHours(2));
    private static final String FIELDS = "SELECT Id, SystemModstamp, IsDeleted, LastName, Account.Name FROM Contact";

    private final Random random = new Random(20261202L);
    private InMemoryDataSource ds;
    private final List<String> contacts = new ArrayList<>();
    private final List<String> accounts = new ArrayList<>();

    @BeforeEach
    void manyContactsSharingFewStamps() {
        ds = new InMemoryDataSource();
        accounts.add(ds.insert("Account", "Name", "Acme"));
        accounts.add(ds.insert("Account", "Name", "Globex"));
        accounts.add(ds.insert("Account", "Name", null));
        for (int i = 0; i < 600; i++) {
            contacts.add(ds.insert("Contact", "LastName", "L" + random.nextInt(40),
                    "AccountId", random.nextInt(5) == 0 ? null : accounts.get(random.nextInt(accounts.size())),
                    "SystemModstamp", randomStamp()));
        }
        for (int i = 0; i < 60; i++) {
            ds.delete(contacts.get(random.nextInt(contacts.size())));
        }
        ds.keepInOrder("Contact", "SystemModstamp");
    }

    /** One of 40 seconds (so hundreds of ties), spelled in one of three ways, or now and then none. */
    private String randomStamp() {
        if (random.nextInt(30) == 0) {
            return null;
        }
        Instant at = T0.plusSeconds(random.nextInt(40));
        switch (random.nextInt(3)) {
            case 0: return PLUS_0000.format(at);
            case 1: return PLUS_0200.format(at);
            default: return at.toString();
        }
    }

    private static String literal(Instant t) {
        return t.toString();
    }

    private List<Map<String, Object>> run(String soql, boolean all) {
        return SoqlQuery.parse(soql).execute(ds, all).records();
    }

    /** The query without OFFSET and LIMIT, with the ordered index switched off: a scan and a full sort. */
    private List<Map<String, Object>> fullSort(String where, String orderBy, boolean all) {
        ds.orderedReads(false);
        try {
            return run(FIELDS + where + orderBy, all);
        } finally {
            ds.orderedReads(true);
        }
    }

    private void assertSameAsFullSort(String where, String orderBy, Integer limit, Integer offset, boolean all) {
        List<Map<String, Object>> full = fullSort(where, orderBy, all);
        int from = Math.min(offset == null ? 0 : offset, full.size());
        int to = limit == null ? full.size() : Math.min(full.size(), from + limit);
        String soql = FIELDS + where + orderBy + (limit == null ? "" : " LIMIT " + limit)
                + (offset == null ? "" : " OFFSET " + offset);
        assertEquals(full.subList(from, to), run(soql, all), soql + (all ? " (queryAll)" : ""));
    }

    private String randomCursorWhere() {
        String id = contacts.get(random.nextInt(contacts.size()));
        Object stamp = ds.findById(id).get("SystemModstamp");
        // half the time the cursor is a record's own (stamp, Id), as a poller's is
        Instant at = stamp != null && random.nextBoolean() ? SoqlValues.parseDateTime(stamp.toString())
                : T0.plusSeconds(random.nextInt(42) - 1);
        Instant upTo = at.plusSeconds(random.nextInt(30));
        switch (random.nextInt(9)) {
            case 0:
                return " WHERE SystemModstamp <= " + literal(upTo);
            case 1:
                return " WHERE SystemModstamp <= " + literal(upTo) + " AND (SystemModstamp > " + literal(at)
                        + " OR (SystemModstamp = " + literal(at) + " AND Id > '" + id + "'))";
            case 2:
                return " WHERE SystemModstamp > " + literal(at) + " AND SystemModstamp < " + literal(upTo)
                        + " AND LastName != 'L3'";
            case 3:
                return " WHERE SystemModstamp IN (" + literal(at) + ", " + literal(upTo) + ")";
            case 4:
                return " WHERE SystemModstamp = " + literal(at) + " AND Id <= '" + id + "'";
            case 5:
                return " WHERE SystemModstamp >= " + literal(at) + " OR LastName = 'L7'"; // no bound: scans
            case 6:
                return " WHERE SystemModstamp = " + literal(at) + " AND Id >= '" + id + "'";
            case 7:
                return " WHERE (SystemModstamp = " + literal(at) + " AND Id < '" + id + "') OR SystemModstamp < "
                        + literal(at);
            default:
                return " WHERE (SystemModstamp < " + literal(at) + " OR SystemModstamp > " + literal(upTo)
                        + ") AND Account.Name != 'Acme'";
        }
    }

    private static final List<String> ORDERS = List.of(
            " ORDER BY SystemModstamp, Id",
            " ORDER BY SystemModstamp DESC, Id DESC",
            " ORDER BY SystemModstamp DESC, Id",
            " ORDER BY SystemModstamp ASC NULLS LAST, Id DESC NULLS FIRST, LastName",
            " ORDER BY SystemModstamp",
            " ORDER BY SystemModstamp DESC NULLS LAST",
            " ORDER BY LastName DESC, SystemModstamp",
            " ORDER BY Account.Name NULLS LAST, LastName, Id DESC",
            " ORDER BY Id DESC");

    private void randomQueriesMatchTheFullSort(int queries) {
        for (int i = 0; i < queries; i++) {
            String where = random.nextInt(10) == 0 ? "" : randomCursorWhere();
            String orderBy = ORDERS.get(random.nextInt(ORDERS.size()));
            Integer limit = random.nextInt(4) == 0 ? null : 1 + random.nextInt(random.nextBoolean() ? 10 : 400);
            Integer offset = random.nextInt(3) == 0 ? 1 + random.nextInt(50) : null;
            assertSameAsFullSort(where, orderBy, limit, offset, random.nextBoolean());
        }
    }

    @Test
    void randomQueriesGiveWhatAFullSortGives() {
        randomQueriesMatchTheFullSort(400);
        assertTrue(ds.orderedReadsServed() > 50, "the ordered index answered " + ds.orderedReadsServed());
    }

    @Test
    void randomQueriesStillMatchAfterUpdatesDeletesAndUndeletes() {
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 150; i++) {
                String id = contacts.get(random.nextInt(contacts.size()));
                switch (random.nextInt(4)) {
                    case 0 -> ds.delete(id);
                    case 1 -> ds.undelete(id);
                    case 2 -> ds.update(id, "LastName", "L" + random.nextInt(40));
                    default -> ds.update(id, "SystemModstamp", randomStamp());
                }
            }
            for (int i = 0; i < 30; i++) {
                contacts.add(ds.insert("Contact", "LastName", "New" + i, "SystemModstamp", randomStamp(),
                        "AccountId", accounts.get(random.nextInt(accounts.size()))));
            }
            randomQueriesMatchTheFullSort(100);
        }
    }

    @Test
    void pagingByTheCursorReadsEveryRecordOnceInOrder() {
        Instant upTo = T0.plusSeconds(35);
        List<Map<String, Object>> expected = fullSort(" WHERE SystemModstamp <= " + literal(upTo),
                " ORDER BY SystemModstamp, Id", true);
        List<Map<String, Object>> paged = new ArrayList<>();
        Instant at = null;
        String lastId = null;
        int before = ds.orderedReadsServed();
        while (true) {
            String where = " WHERE SystemModstamp <= " + literal(upTo) + (at == null ? ""
                    : " AND (SystemModstamp > " + literal(at) + " OR (SystemModstamp = " + literal(at)
                            + " AND Id > '" + lastId + "'))");
            List<Map<String, Object>> page = run(FIELDS + where + " ORDER BY SystemModstamp, Id LIMIT 7", true);
            if (page.isEmpty()) {
                break;
            }
            paged.addAll(page);
            Map<String, Object> last = page.get(page.size() - 1);
            at = SoqlValues.parseDateTime(last.get("SystemModstamp").toString());
            lastId = last.get("Id").toString();
        }
        assertEquals(expected, paged);
        assertEquals((expected.size() + 6) / 7 + 1, ds.orderedReadsServed() - before); // the last page is empty
        assertTrue(expected.stream().anyMatch(r -> Boolean.TRUE.equals(r.get("IsDeleted"))));
    }

    @Test
    void aCountAndAnAggregateOverTheRangeAreTheScansToo() {
        String where = " WHERE SystemModstamp > " + literal(T0.plusSeconds(10)) + " AND SystemModstamp <= "
                + literal(T0.plusSeconds(20));
        String count = "SELECT COUNT() FROM Contact" + where + " ORDER BY SystemModstamp, Id LIMIT 50 OFFSET 20";
        String grouped = "SELECT LastName, COUNT(Id) n FROM Contact" + where
                + " GROUP BY LastName ORDER BY LastName LIMIT 5";
        int indexed = SoqlQuery.parse(count).execute(ds, false).totalSize();
        List<Map<String, Object>> groups = run(grouped, false);
        ds.orderedReads(false);
        assertEquals(SoqlQuery.parse(count).execute(ds, false).totalSize(), indexed);
        assertEquals(run(grouped, false), groups);
        assertEquals(50, indexed);
    }

    @Test
    void aValueTheIndexCannotReadMakesQueriesScanAndFailAsTheyWould() {
        ds.update(contacts.get(0), "SystemModstamp", "yesterday");
        String soql = FIELDS + " WHERE SystemModstamp > " + literal(T0) + " ORDER BY SystemModstamp, Id LIMIT 5";
        int before = ds.orderedReadsServed();
        assertThrows(RuntimeException.class, () -> run(soql, false));
        assertEquals(before, ds.orderedReadsServed());
        ds.update(contacts.get(0), "SystemModstamp", PLUS_0000.format(T0));
        assertSameAsFullSort(" WHERE SystemModstamp > " + literal(T0), " ORDER BY SystemModstamp, Id", 5, null, false);
        assertEquals(before + 1, ds.orderedReadsServed());
    }

    @Test
    void anEmptyOrInvertedRangeReadsNothing() {
        assertEquals(List.of(), run(FIELDS + " WHERE SystemModstamp > " + literal(T0.plusSeconds(20))
                + " AND SystemModstamp < " + literal(T0.plusSeconds(20)) + " ORDER BY SystemModstamp, Id", true));
        assertEquals(List.of(), run(FIELDS + " WHERE SystemModstamp > " + literal(T0.plusSeconds(30))
                + " AND SystemModstamp < " + literal(T0.plusSeconds(10)) + " ORDER BY SystemModstamp, Id", true));
        assertSameAsFullSort(" WHERE SystemModstamp = " + literal(T0.plusSeconds(5)) + " AND Id > '"
                + contacts.get(300) + "' AND Id < '" + contacts.get(100) + "'", " ORDER BY SystemModstamp, Id",
                null, null, true);
    }

    @Test
    void boundsOnTheSameRecordKeepTheLooserOneInAnOrAndTheTighterOneInAnAnd() {
        String id = contacts.stream().filter(c -> ds.findById(c).get("SystemModstamp") != null
                && !Boolean.TRUE.equals(ds.findById(c).get("IsDeleted"))).findFirst().orElseThrow();
        String at = literal(SoqlValues.parseDateTime(ds.findById(id).get("SystemModstamp").toString()));
        String orderBy = " ORDER BY SystemModstamp, Id";
        for (String[] pair : new String[][] {{">=", ">"}, {">", ">="}, {"<=", "<"}, {"<", "<="}, {"=", ">"}}) {
            String first = "SystemModstamp = " + at + " AND Id " + pair[0] + " '" + id + "'";
            String second = "SystemModstamp = " + at + " AND Id " + pair[1] + " '" + id + "'";
            assertSameAsFullSort(" WHERE (" + first + ") OR (" + second + ")", orderBy, null, null, false);
            assertSameAsFullSort(" WHERE " + first + " AND Id " + pair[1] + " '" + id + "'", orderBy, null, null,
                    false);
        }
        List<Map<String, Object>> itself = run(FIELDS + " WHERE (SystemModstamp = " + at + " AND Id >= '" + id
                + "') OR (SystemModstamp = " + at + " AND Id > '" + id + "')" + orderBy + " LIMIT 1", false);
        assertEquals(id, itself.get(0).get("Id"));
    }
}
