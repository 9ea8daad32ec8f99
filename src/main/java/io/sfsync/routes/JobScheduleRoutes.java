package io.sfsync.routes;

import java.util.List;

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
    /** The Quartz group of the jobs' triggers (each trigger is named after its job). */
    public static final String GROUP = "sfsync";

    private final java.util.Collection<JobConfig> jobs;

    public JobScheduleRoutes(SyncConfig config) {
        this(config.jobs().values());
    }

    /** The schedule routes of these jobs only (a reloaded sync.yaml replaces those whose schedule changed). */
    public JobScheduleRoutes(java.util.Collection<JobConfig> jobs) {
        this.jobs = List.copyOf(jobs);
    }

    /** The id of a job's schedule route. */
    public static String routeId(String job) {
        return job + "-schedule";
    }

    @Override
    public void configure() {
        for (JobConfig job : jobs) {
            from("quartz:" + GROUP + "/" + job.name() + "?cron=" + job.cron().replace(' ', '+') + "&stateful=true")
                    .routeId(routeId(job.name()))
                    .setHeader(io.sfsync.exchange.ExchangeKeys.JOB, constant(job.name()))
                    .setHeader(io.sfsync.exchange.ExchangeKeys.TRIGGER, constant("schedule"))
                    .to(SyncSteps.RUN_JOB);
        }
    }
}
