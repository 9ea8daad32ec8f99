package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Bad source values on H2. */
class BadSourceValuesH2Test extends BadSourceValuesContract {
    @TempDir
    static Path dir;
    static SyncHarness harness;

    @BeforeAll
    static void start() {
        harness = SyncHarness.h2("bad-values", dir);
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
