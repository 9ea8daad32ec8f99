package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Nothing lost, nothing stuck, true counts — on H2 (the embedded default). */
class NothingLostH2Test extends NothingLostContract {
    @TempDir
    static Path dir;
    static SyncHarness harness;

    @BeforeAll
    static void start() {
        harness = SyncHarness.h2("nothing-lost", dir);
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
