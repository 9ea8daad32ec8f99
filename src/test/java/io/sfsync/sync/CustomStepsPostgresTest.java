package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Steps of one's own on PostgreSQL. */
class CustomStepsPostgresTest extends CustomStepsContract {
    @TempDir
    static Path dir;
    private static SyncHarness sync;

    @BeforeAll
    static void start() {
        sync = SyncHarness.postgres(dir, routesWithCustomSteps(dir), OWN_FLOW_JOBS);
    }

    @AfterAll
    static void stop() {
        sync.close();
    }

    @Override
    SyncHarness sync() {
        return sync;
    }
}
