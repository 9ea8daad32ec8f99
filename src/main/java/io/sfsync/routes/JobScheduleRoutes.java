package io.sfsync.routes;

import org.apache.camel.builder.RouteBuilder;

import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfig;
import io.sfsync.sync.SyncSteps;

/**
 * One Quartz-triggered route per job ({@code <job>-schedule}), starting a run of the job on its cron
 * through {@code direct:sfsync-run-job}, which runs the job's flow (its own route, or the shipped
 * outbound flow of routes/outbound-sync.camel.yaml).
 */
public final class JobScheduleRoutes extends RouteBuilder {

    private final SyncConfig config;

    public JobScheduleRoutes(SyncConfig config) {
        this.config = config;
    }

    @Override
    public void configure() {
        for (JobConfig job : config.jobs().values()) {
            from("quartz:sfsync/" + job.name() + "?cron=" + job.cron().replace(' ', '+') + "&stateful=true")
                    .routeId(job.name() + "-schedule")
                    .setHeader(io.sfsync.exchange.ExchangeKeys.JOB, constant(job.name()))
                    .setHeader(io.sfsync.exchange.ExchangeKeys.TRIGGER, constant("schedule"))
                    .to(SyncSteps.RUN_JOB);
        }
    }
}
