package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.config.SyncConfigLoader;

/** A job that names a flow of its own that no route defines is a configuration problem, named by its path. */
class JobRouteCheckTest {
    @TempDir
    Path dir;

    @Test
    void aJobRouteThatNoRouteStartsFromStopsTheStartWithItsPath() {
        assertThatThrownBy(() -> SyncHarness.h2("jobroutecheck", dir, Path.of("routes"), """
                  nowhere:
                    <<: *people
                    route: direct:no-such-flow
                """).close())
                .isInstanceOf(SyncConfigLoader.InvalidConfigException.class)
                .hasMessageContaining("jobs.nowhere.route: no route in routes starts from direct:no-such-flow");
    }
}
