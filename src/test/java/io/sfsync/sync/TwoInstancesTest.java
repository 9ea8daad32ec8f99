package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two sfsync instances on one machine sharing PostgreSQL and the org. Both trigger the same
 * job at the same moment: one runs it, the other stands aside, and every record is created once; when
 * the first instance is gone, the second carries on from the watermark.
 */
class TwoInstancesTest {
    @TempDir
    static Path dir;
    static EmbeddedPostgres postgres;
    static SyncHarness first;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        first = new SyncHarness(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", dir);
    }

    @AfterAll
    static void stop() throws Exception {
        first.close();
        postgres.close();
    }

    @Test
    void twoInstancesTriggeringOneJobTogetherCreateEveryRecordOnce() throws Exception {
        for (int i = 1; i <= 300; i++) {
            first.person(i).insert();
        }
        try (SfsyncRuntime second = first.anotherInstance()) {
            // both instances warm (logged in, classes loaded), so neither reaches its lease late
            first.runtime.run("people", RunContext.Mode.PLAN, "manual", null, null, null);
            second.run("people", RunContext.Mode.PLAN, "manual", null, null, null);
            first.emulator.faults().latencyMs(50); // six batches of 50 take over half a second: the runs overlap
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<RunContext> a = CompletableFuture.supplyAsync(() -> runAfter(together, first.runtime));
            CompletableFuture<RunContext> b = CompletableFuture.supplyAsync(() -> runAfter(together, second));
            List<RunContext> runs = List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));
            assertThat(runs).extracting(RunContext::status).containsExactlyInAnyOrder("SUCCEEDED", "BUSY");
            RunContext ran = runs.stream().filter(r -> r.status().equals("SUCCEEDED")).findFirst().orElseThrow();
            assertThat(ran.counts().created()).isEqualTo(300);
            assertThat(first.records("Lead")).hasSize(300);
            assertThat(first.store().logPage(new io.sfsync.synclog.SyncStore.LogFilter("CREATED", null, "people", null,
                    null, null, null, null), 0, 1).total()).isEqualTo(300);

            // the first instance goes away; the second takes the next changes from the shared watermark
            first.emulator.faults().latencyMs(0);
            for (int i = 301; i <= 310; i++) {
                first.person(i).insert();
            }
            RunContext next = second.run("people", RunContext.Mode.RUN, "manual", null, null, null);
            assertThat(next.counts().created()).isEqualTo(10);
            assertThat(next.counts().attempted()).isEqualTo(10); // nothing the first instance synced comes again
            assertThat(first.records("Lead")).hasSize(310);
        } finally {
            first.emulator.faults().latencyMs(0);
        }
    }

    private static RunContext runAfter(CyclicBarrier together, SfsyncRuntime instance) {
        try {
            together.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return instance.run("people", RunContext.Mode.RUN, "manual", null, null, null);
    }
}
