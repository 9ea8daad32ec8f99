package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Bad source values on a real PostgreSQL (started in-process). */
class BadSourceValuesPostgresTest extends BadSourceValuesContract {
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
}
