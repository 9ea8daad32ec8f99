package io.sfsync.routes;

import org.apache.camel.builder.RouteBuilder;

import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfig;

/**
 * One Quartz-triggered route per job ({@code <job>-schedule}), firing the job's pipeline route
 * ({@code direct:sfsync-outbound}, defined in routes/outbound-sync.camel.yaml) on its cron.
 */
public final class JobScheduleRoutes extends RouteBuilder {
    public static final String OUTBOUND = "direct:sfsync-outbound";

    private final SyncConfig config;

    public JobScheduleRoutes(SyncConfig config) {
        this.config = config;
    }

    @Override
    public void configure() {
        for (JobConfig job : config.jobs().values()) {
            if (job.direction() == JobConfig.Direction.INBOUND) {
                continue;
            }
            from("quartz:sfsync/" + job.name() + "?cron=" + job.cron().replace(' ', '+') + "&stateful=true")
                    .routeId(job.name() + "-schedule")
                    .setHeader("SfsyncJob", constant(job.name()))
                    .setHeader("SfsyncTrigger", constant("schedule"))
                    .to(OUTBOUND);
        }
    }
}
