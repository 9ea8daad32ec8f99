package io.sfsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A clustered instance's Quartz scheduler is an MBean (what Hawtio's Quartz view reads), with the cluster's triggers. */
class ClusteredQuartzJmxTest {

    @Test
    void theClusteredSchedulerIsExportedToJmxWithItsJobsTriggers(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            SharedWorkTest.database(pg, "jmx", 10);
            SalesforceEmulator sf = SalesforceEmulator.builder().build().start();
            Path config = SharedWorkTest.config(dir);
            Map<String, String> o = new HashMap<>();
            o.put("sfsync.cluster.enabled", "true");
            try (SfsyncRuntime rt = SharedWorkTest.runtime(config, pg, "jmx", sf, true, o)) {
                assertThat(rt.clustered()).isTrue();
                var server = ManagementFactory.getPlatformMBeanServer();
                var names = server.queryNames(new ObjectName("quartz:type=QuartzScheduler,*"), null);
                assertThat(names).as("Quartz scheduler MBeans").isNotEmpty();
                ObjectName scheduler = names.iterator().next();
                assertThat(server.getAttribute(scheduler, "SchedulerName")).isEqualTo("sfsync");
                assertThat(server.getAttribute(scheduler, "JobStoreClassName").toString()).contains("JobStoreTX");
                assertThat(server.getAttribute(scheduler, "JobGroupNames").toString()).contains("sfsync");
            } finally {
                sf.stop();
            }
        }
    }
}
