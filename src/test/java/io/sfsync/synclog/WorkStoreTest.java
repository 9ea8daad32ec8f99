package io.sfsync.synclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sfsync.db.Databases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * sync_work on PostgreSQL: claims skip what another holds, a lapsed claim is taken again, the watermark
 * moves over a contiguous prefix of finished units only, and create keys go to one unit at a time.
 */
class WorkStoreTest {
    static EmbeddedPostgres pg;
    static DataSource ds;
    static SyncStore store;
    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        ds = pg.getPostgresDatabase();
        Databases.migrateSyncTables(ds);
        store = new SyncStore(ds);
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private static Watermark at(int s, String key) {
        return new Watermark(T.plusSeconds(s), key);
    }

    /** A run of job j holding its lease, with three planned units of 10 rows. */
    private static long runWithUnits(String job) {
        String token = java.util.UUID.randomUUID().toString();
        assertThat(store.claim(job, token, Duration.ofSeconds(60), "test")).isTrue();
        long run = store.startRun(job, "test", "all", false);
        store.leaseRun(job, token, run);
        int units = store.work().plan(job, run, "fp", Watermark.START, 10, sink -> {
            for (int u = 1; u <= 3; u++) {
                List<String> keys = new java.util.ArrayList<>();
                for (int k = u * 10 - 9; k <= u * 10; k++) {
                    keys.add(String.valueOf(k));
                }
                sink.unit(keys, at(u * 10, String.valueOf(u * 10)));
            }
            return 3;
        });
        assertThat(units).isEqualTo(3);
        return run;
    }

    private static String token(String job) {
        return store.lease(job).orElseThrow().token();
    }

    private static void finish(WorkStore.Unit u, boolean blocked) {
        store.recordUnitBatch(new SyncStore.BatchWrite(u.runId(), u.job(), "OUTBOUND", List.of(), Map.of(), List.of(),
                List.of(), null, List.of(), -1, token(u.job())), new SyncStore.UnitWrite(u.id(), u.token(), 1, true, blocked,
                null, 2, List.of()));
    }

    @Test
    void claimsTakeEachUnitOnceInOrderAndALapsedClaimIsTakenAgain() throws Exception {
        long run = runWithUnits("claims");
        var fp = List.of(Map.entry("claims", "fp"));
        var first = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        var second = store.work().claim("b", fp, run, Duration.ofSeconds(60)).orElseThrow();
        assertThat(List.of(first.seq(), second.seq())).containsExactly(1, 2);
        assertThat(first.first()).isTrue();
        assertThat(second.after()).isEqualTo(at(10, "10"));
        assertThat(second.upTo()).isEqualTo(at(20, "20"));
        assertThat(second.keys()).hasSize(10).startsWith("11").endsWith("20");
        // another fingerprint (other settings) never gets a unit
        assertThat(store.work().claim("c", List.of(Map.entry("claims", "other")), run, Duration.ofSeconds(60))).isEmpty();
        // a lease that ran out: the unit goes to the next claimer, and the old claimer can no longer record it
        var third = store.work().claim("c", fp, run, Duration.ofSeconds(5)).orElseThrow();
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("UPDATE sync_work SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1 seconds' WHERE id = " + third.id());
        }
        var again = store.work().claim("d", fp, run, Duration.ofSeconds(60)).orElseThrow();
        assertThat(again.id()).isEqualTo(third.id());
        assertThat(again.claims()).isEqualTo(2);
        assertThatThrownBy(() -> finish(third, false)).isInstanceOf(SyncStore.WorkLostException.class);
        assertThat(store.work().renew(third.id(), third.token(), Duration.ofSeconds(5))).isFalse();
        assertThat(store.work().claim("e", fp, run, Duration.ofSeconds(60))).as("all three are held").isEmpty();
    }

    @Test
    void theWatermarkMovesOverAContiguousPrefixOfFinishedUnitsOnly() {
        long run = runWithUnits("prefix");
        var fp = List.of(Map.entry("prefix", "fp"));
        var u1 = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        var u2 = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        var u3 = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        finish(u2, false);
        assertThat(store.state("prefix").watermark()).as("unit 1 not finished").isEqualTo(Watermark.START);
        finish(u1, false);
        assertThat(store.state("prefix").watermark()).isEqualTo(at(20, "20"));
        finish(u3, true);
        assertThat(store.state("prefix").watermark()).as("unit 3 left a row pending").isEqualTo(at(20, "20"));
        var p = store.work().progress(run, WorkStore.Unit.OUT);
        assertThat(p.unfinished()).isZero();
        assertThat(p.blocked()).isEqualTo(1);
        assertThat(p.apiCalls()).isEqualTo(6);
        // a batch recorded again (its commit's answer was lost) is not recorded twice
        finish(u3, true);
        assertThat(store.work().progress(run, WorkStore.Unit.OUT).apiCalls()).isEqualTo(6);
    }

    @Test
    void aCreateKeyIsOneUnitsUntilItsHolderRecordedBeforeTheOtherLookedUp() {
        long run = runWithUnits("keys");
        var fp = List.of(Map.entry("keys", "fp"));
        var a = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        var b = store.work().claim("b", fp, run, Duration.ofSeconds(60)).orElseThrow();
        long early = store.work().ticket();
        // a row needs all its keys: b's row 2 shares e:x with a, so b gets row 3 only, and lets y go again
        assertThat(store.work().claimKeys(run, a.id(), store.work().ticket(), Map.of("1", Set.of("e:x", "a:n:acme"))))
                .containsExactly("1");
        assertThat(store.work().claimKeys(run, b.id(), early, Map.of("2", Set.of("e:x", "e:y"), "3", Set.of("e:z"))))
                .containsExactly("3");
        assertThat(store.work().claimKeys(run, b.id(), store.work().ticket(), Map.of("4", Set.of("e:y")))).containsExactly("4");
        finish(a, false); // a's records are in: its keys are released
        // b looked up before the release: still not b's; looked up after it: b's
        assertThat(store.work().claimKeys(run, b.id(), early, Map.of("2", Set.of("e:x")))).isEmpty();
        assertThat(store.work().claimKeys(run, b.id(), store.work().ticket(), Map.of("2", Set.of("e:x")))).containsExactly("2");
        // another run's keys are its own
        long other = runWithUnits("keys2");
        var c = store.work().claim("c", List.of(Map.entry("keys2", "fp")), other, Duration.ofSeconds(60)).orElseThrow();
        assertThat(store.work().claimKeys(other, c.id(), early, Map.of("9", Set.of("e:x")))).containsExactly("9");
    }

    @Test
    void rowsSetAsideBecomeTheUnitsNextPartWhichMustFinishBeforeTheWatermarkPassesIt() {
        long run = runWithUnits("parts");
        var fp = List.of(Map.entry("parts", "fp"));
        var u1 = store.work().claim("a", fp, run, Duration.ofSeconds(60)).orElseThrow();
        store.recordUnitBatch(new SyncStore.BatchWrite(run, "parts", "OUTBOUND", List.of(), Map.of(), List.of(), List.of(),
                null, List.of(), -1, token("parts")), new SyncStore.UnitWrite(u1.id(), u1.token(), 1, true, false, null, 1,
                List.of("7", "8")));
        assertThat(store.state("parts").watermark()).as("rows 7 and 8 wait").isEqualTo(Watermark.START);
        // the part is due a second later, and carries the keys
        WorkStore.Unit part = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (part == null && System.currentTimeMillis() < deadline) {
            var next = store.work().claim("b", fp, run, Duration.ofSeconds(60)).orElse(null);
            if (next != null && next.part() == 1) {
                part = next;
            }
        }
        assertThat(part).isNotNull();
        assertThat(part.seq()).isEqualTo(1);
        assertThat(part.keys()).containsExactly("7", "8");
        finish(part, false);
        assertThat(store.state("parts").watermark()).isEqualTo(at(10, "10"));
    }

    @Test
    void instancesKeepingTheSameDescribesAtOnceAllSucceedAndOneRowIsKept() throws Exception {
        // every instance's shared runs keep the describes they read; two at the same moment must not fail either
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> saves = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String json = "{\"name\":\"Contact\",\"n\":" + i + "}";
                saves.add(pool.submit(() -> store.describes().save(Map.of("Contact", json, "Lead", json))));
            }
            for (var f : saves) {
                f.get(); // none threw
            }
        } finally {
            pool.shutdown();
        }
        try (var c = ds.getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM sync_describe WHERE sobject IN ('Contact', 'Lead')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }
}
