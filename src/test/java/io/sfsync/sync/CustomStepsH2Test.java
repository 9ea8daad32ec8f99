package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Steps of one's own on H2. */
class CustomStepsH2Test extends CustomStepsContract {
    @TempDir
    static Path dir;
    private static SyncHarness sync;

    @BeforeAll
    static void start() {
        sync = SyncHarness.h2("customsteps", dir, routesWithCustomSteps(dir), OWN_FLOW_JOBS);
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
