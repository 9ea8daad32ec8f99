package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Activities on PostgreSQL. */
class ActivitiesPostgresTest extends ActivitiesContract {
    @TempDir
    static Path dir;
    private static SyncHarness sync;

    @BeforeAll
    static void start() {
        sync = SyncHarness.postgres(dir, Path.of("routes"), ACTIVITY_JOBS);
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
