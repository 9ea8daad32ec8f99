package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing lost, nothing stuck, true counts — on a real PostgreSQL (started in-process). */
class NothingLostPostgresTest extends NothingLostContract {
    @TempDir
    static Path dir;
    static SyncHarness harness;

    @BeforeAll
    static void start() {
        harness = SyncHarness.postgres(dir);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Override
    SyncHarness sync() {
        return harness;
    }

    /**
     * Every connection of sfsync is cut mid-run, as a database restart cuts them (PostgreSQL's
     * administrator shutdown, SQLState 57P01): the open source stream, the pooled ones. The run
     * reconnects, reads on after the last row it had and records every batch.
     */
    @Test
    void aRunSurvivesTheDatabaseDroppingItsConnections() throws Exception {
        SyncHarness s = sync();
        for (int i = 1; i <= 600; i++) {
            s.person(i).insert();
        }
        s.emulator.faults().latencyMs(150);
        try {
            CompletableFuture<RunContext> run = CompletableFuture.supplyAsync(() -> s.run("people"));
            Thread.sleep(1_200);
            assertThat(run).isNotDone(); // twelve batches at 150 ms a call: the run is mid-way
            int cut = 0;
            try (var admin = s.postgres().getPostgresDatabase().getConnection(); var st = admin.createStatement();
                    var rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE pid <> pg_backend_pid() AND datname = current_database()"
                            + " AND backend_type = 'client backend'")) {
                while (rs.next()) {
                    cut++;
                }
            }
            assertThat(cut).isPositive();
            RunContext done = run.get(120, TimeUnit.SECONDS);
            assertThat(done.status()).isEqualTo("SUCCEEDED");
            assertThat(done.counts().created()).isEqualTo(600);
        } finally {
            s.emulator.faults().latencyMs(0);
        }
        assertThat(s.records("Lead")).hasSize(600);
        assertThat(s.store().logWhere("WHERE job = 'people' AND action = 'CREATED'")).hasSize(600);
    }
}
