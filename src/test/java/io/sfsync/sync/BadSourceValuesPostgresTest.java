package io.sfsync.sync;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Bad source values on a real PostgreSQL (started in-process). */
class BadSourceValuesPostgresTest extends BadSourceValuesContract {
    @TempDir
    static Path dir;
    static EmbeddedPostgres postgres;
    static SyncHarness harness;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        harness = new SyncHarness(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", dir);
    }

    @AfterAll
    static void stop() throws IOException {
        harness.close();
        postgres.close();
    }

    @Override
    SyncHarness sync() {
        return harness;
    }
}
