package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With a LIMIT the first OFFSET + LIMIT rows are selected instead of sorting every match: the records
 * are exactly those the full sort gives, cut to OFFSET and LIMIT — ties kept in data-source order,
 * DESC, NULLS FIRST/LAST, parent fields, deleted records for queryAll — and without ORDER BY they are
 * the first matches in data-source order.
 */
class SoqlTopNTest {
    private static final String FIELDS = "SELECT Id, LastName, Birthdate, IsDeleted, Account.Name FROM Contact";
    private static final List<String> ORDERS = List.of(
            " ORDER BY LastName",
            " ORDER BY LastName DESC",
            " ORDER BY Birthdate NULLS LAST",
            " ORDER BY Birthdate DESC NULLS FIRST, LastName",
            " ORDER BY Account.Name, Birthdate DESC",
            " ORDER BY Account.Name DESC NULLS LAST, Id DESC",
            " ORDER BY Id");
    private static final List<String> WHERES = List.of(
            "",
            " WHERE LastName != 'L3'",
            " WHERE Birthdate > 1990-06-01 OR Account.Name = 'Acme'",
            " WHERE Account.Name = null");

    private final Random random = new Random(11L);
    private InMemoryDataSource ds;

    @BeforeEach
    void contactsWithManyTies() {
        ds = new InMemoryDataSource();
        List<String> accounts = List.of(ds.insert("Account", "Name", "Acme"), ds.insert("Account", "Name", "Globex"),
                ds.insert("Account", "Name", null));
        for (int i = 0; i < 500; i++) {
            String id = ds.insert("Contact", "LastName", "L" + random.nextInt(12),
                    "Birthdate", random.nextInt(6) == 0 ? null : "1990-0" + (1 + random.nextInt(9)) + "-01",
                    "AccountId", random.nextInt(5) == 0 ? null : accounts.get(random.nextInt(accounts.size())));
            if (random.nextInt(8) == 0) {
                ds.delete(id);
            }
        }
    }

    private List<Map<String, Object>> run(String soql, boolean all) {
        return SoqlQuery.parse(soql).execute(ds, all).records();
    }

    private void assertSameAsFullSort(String where, String orderBy, int limit, Integer offset, boolean all) {
        List<Map<String, Object>> full = run(FIELDS + where + orderBy, all);
        int from = Math.min(offset == null ? 0 : offset, full.size());
        int to = Math.min(full.size(), from + limit);
        String soql = FIELDS + where + orderBy + " LIMIT " + limit + (offset == null ? "" : " OFFSET " + offset);
        assertEquals(full.subList(from, to), run(soql, all), soql);
        assertEquals(to - from, SoqlQuery.parse("SELECT COUNT() FROM Contact" + where + orderBy + " LIMIT " + limit
                + (offset == null ? "" : " OFFSET " + offset)).execute(ds, all).totalSize(), soql);
    }

    @Test
    void everyLimitAndOffsetCutsTheFullSort() {
        for (String where : WHERES) {
            for (String orderBy : ORDERS) {
                for (int limit : new int[] {1, 2, 7, 100, 199, 250, 251, 499, 1000}) {
                    for (Integer offset : new Integer[] {null, 1, 120, 600}) {
                        assertSameAsFullSort(where, orderBy, limit, offset, random.nextBoolean());
                    }
                }
            }
        }
    }

    @Test
    void withoutOrderByTheFirstMatchesInDataSourceOrderAreTaken() {
        for (String where : WHERES) {
            for (int limit : new int[] {1, 13, 300, 1000}) {
                assertSameAsFullSort(where, "", limit, null, false);
                assertSameAsFullSort(where, "", limit, 40, true);
            }
        }
    }

    @Test
    void limitZeroSelectsNothing() {
        assertEquals(List.of(), run(FIELDS + " ORDER BY LastName LIMIT 0", false));
        assertEquals(List.of(), run(FIELDS + " LIMIT 0 OFFSET 3", true));
    }
}
