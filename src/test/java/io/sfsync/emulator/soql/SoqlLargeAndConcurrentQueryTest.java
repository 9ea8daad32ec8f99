package io.sfsync.emulator.soql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SoqlLargeAndConcurrentQueryTest {

    private static InMemoryDataSource bigStore(int leads) {
        InMemoryDataSource ds = new InMemoryDataSource();
        String owner = ds.insert("User", "Name", "Owner", "Email", "owner@example.com");
        for (int i = 0; i < leads; i++) {
            ds.insert("Lead", "LastName", "L" + i, "Email", "user" + i + "@example.com", "OwnerId", owner,
                    "SystemModstamp", "2026-11-23T18:54:20.000+0000");
        }
        return ds;
    }

    private static String inList(int size, int stride) {
        StringBuilder sb = new StringBuilder("SELECT Id, Email, Owner.Email FROM Lead WHERE Email IN (");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ",").append("'USER").append(i * stride).append("@example.com'");
        }
        return sb.append(")").toString();
    }

    @Test
    void inListOf2500LiteralsMatchesExactlyThoseRecordsCaseInsensitively() {
        InMemoryDataSource ds = bigStore(20_000);
        SoqlResult result = SoqlQuery.parse(inList(2500, 8)).execute(ds, false);
        assertEquals(2500, result.totalSize());
        assertTrue(result.records().stream().allMatch(r -> {
            int n = Integer.parseInt(r.get("Email").toString().replaceAll("\\D", ""));
            return n % 8 == 0;
        }));
    }

    @Test
    void parsedQueryCanBeExecutedConcurrently() throws Exception {
        InMemoryDataSource ds = bigStore(5_000);
        SoqlQuery query = SoqlQuery.parse("SELECT Id, Email, Owner.Email FROM Lead WHERE Email LIKE 'user1%'"
                + " AND SystemModstamp = LAST_N_DAYS:1 ORDER BY Email DESC LIMIT 500");
        SoqlResult sequential = query.execute(ds, false);
        int expected = sequential.totalSize();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SoqlResult>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> query.execute(ds, false)));
            }
            for (Future<SoqlResult> f : futures) {
                SoqlResult r = f.get(30, TimeUnit.SECONDS);
                assertEquals(expected, r.totalSize());
                assertEquals(sequential.records(), r.records());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(500, expected);
        // '@' sorts after digits, so user1@ comes first in descending order.
        assertEquals("user1@example.com", sequential.records().get(0).get("Email"));
    }
}
