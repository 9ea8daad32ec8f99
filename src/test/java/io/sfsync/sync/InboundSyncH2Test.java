package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Salesforce → source on H2. */
class InboundSyncH2Test extends InboundSyncContract {
    @TempDir
    static Path dir;
    private static SyncHarness sync;

    @BeforeAll
    static void start() {
        sync = SyncHarness.h2("inbound", dir, routesWithStepBetweenPages(dir), INBOUND_JOBS);
        installBetweenPages(sync);
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
