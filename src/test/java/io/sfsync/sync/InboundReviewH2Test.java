package io.sfsync.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The reviewer's inbound tests on H2. */
class InboundReviewH2Test extends InboundReviewContract {
    @TempDir
    static Path dir;
    private static SyncHarness sync;

    @BeforeAll
    static void start() {
        sync = SyncHarness.h2("inboundreview", dir, java.nio.file.Path.of("routes"), REVIEW_JOBS);
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
