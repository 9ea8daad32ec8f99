package io.sfsync.sync;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.activities.ActivityBatch;
import io.sfsync.activities.ActivitySync;
import io.sfsync.config.JobConfig;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceRow;
import io.sfsync.synclog.ActivityStore;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;

import static io.sfsync.exchange.ExchangeKeys.ACTIVITIES_MORE;
import static io.sfsync.exchange.ExchangeKeys.RUN;

/**
 * The steps of activities (routes/activities-sync.camel.yaml): activities-read, activities-resolve,
 * activities-write, activities-record, on the batch of touchpoints in the body ({@link ActivityBatch}) and
 * the run in {@code SfsyncRun}.
 */
final class ActivitySteps {
    private final RunLifecycle lifecycle;
    private final long retryBackoffMs;

    ActivitySteps(RunLifecycle lifecycle, long retryBackoffMs) {
        this.lifecycle = lifecycle;
        this.retryBackoffMs = retryBackoffMs;
    }

    void configure(RouteBuilder rb) {
        rb.from("direct:sfsync-activities-read").routeId("sync-activities-read").errorHandler(rb.noErrorHandler()).process(e -> {
            RunContext run = run(e);
            if (run.activities == null || run.finishedStatus != null || run.stopReason != null || !run.activities.more()) {
                e.getMessage().setBody(ActivitySync.emptyBatch());
                e.setProperty(ACTIVITIES_MORE, false);
                return;
            }
            if (!run.budgetAllowsAnotherBatch()) {
                run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                        + run.tally.apiAllowance + " calls); the rest waits for the next run");
                e.getMessage().setBody(ActivitySync.emptyBatch());
                e.setProperty(ACTIVITIES_MORE, false);
                return;
            }
            run.batchStarted();
            run.timed("activities-read", () -> {
                ActivityBatch batch = ActivitySync.read(context(run), run.activities, run.job.activities().batchSize());
                run.activitiesInFlight = batch;
                e.getMessage().setBody(batch);
            });
        });
        step(rb, "activities-resolve", (run, b) -> ActivitySync.resolve(context(run), run.activities, b));
        step(rb, "activities-write", (run, b) -> ActivitySync.write(context(run), run.activities, b));
        rb.from("direct:sfsync-activities-record").routeId("sync-activities-record").errorHandler(rb.noErrorHandler())
                .process(e -> {
                    RunContext run = run(e);
                    ActivityBatch batch = e.getMessage().getBody(ActivityBatch.class);
                    if (run.activities != null && batch != null && !batch.isEmpty() && run.finishedStatus == null) {
                        run.timed("activities-record", () -> ActivitySync.record(context(run), run.activities, batch));
                        run.batchEnded();
                        run.progress.accept("activities batch " + batch.number() + ": " + batch.works().size()
                                + " touchpoints — " + run.tally.counts.summary());
                    }
                    run.activitiesInFlight = null;
                    e.setProperty(ACTIVITIES_MORE, run.activities != null && run.activities.more() && run.stopReason == null
                            && run.finishedStatus == null);
                });
    }

    private interface BatchStep {
        void apply(RunContext run, ActivityBatch batch);
    }

    private static void step(RouteBuilder rb, String name, BatchStep step) {
        rb.from("direct:sfsync-" + name).routeId("sync-" + name).errorHandler(rb.noErrorHandler())
                .process(e -> {
                    RunContext run = run(e);
                    ActivityBatch batch = e.getMessage().getBody(ActivityBatch.class);
                    if (run.activities != null && batch != null && !batch.isEmpty()) {
                        run.timed(name, () -> step.apply(run, batch));
                    }
                });
    }

    private static RunContext run(Exchange e) {
        return e.getProperty(RUN, RunContext.class);
    }

    /** The run as the activities engine sees it. */
    ActivitySync.Context context(RunContext run) {
        return new ActivitySync.Context() {
            @Override
            public JobConfig job() {
                return run.job;
            }

            @Override
            public long runId() {
                return run.runId;
            }

            @Override
            public boolean writes() {
                return run.mode == RunContext.Mode.RUN;
            }

            @Override
            public boolean logs() {
                return run.mode != RunContext.Mode.PLAN;
            }

            @Override
            public List<JsonNode> composite(List<ObjectNode> subrequests) {
                return run.composite(subrequests, Map.of(), true);
            }

            @Override
            public SalesforceClient salesforce() {
                return run.salesforce;
            }

            @Override
            public ActivityStore store() {
                return run.store.activities();
            }

            @Override
            public Map<String, Link> personLinks(Collection<String> personKeys) {
                return run.store.links(run.job.name(), personKeys);
            }

            @Override
            public Map<String, SourceRow> people(Collection<String> personKeys) {
                Map<String, SourceRow> out = new HashMap<>();
                if (run.reader == null) {
                    return out;
                }
                for (SourceRow r : run.reader.byKeys(personKeys, run.segmentPredicate())) {
                    out.put(r.key(), r);
                }
                return out;
            }

            @Override
            public String segment() {
                return run.segment;
            }

            @Override
            public String fallbackOwnerId() {
                var own = run.job.ownership();
                return own.fallback() == io.sfsync.config.OwnershipConfig.Fallback.USER ? run.org.fallbackOwnerId : null;
            }

            @Override
            public void counted(List<Outcome> outcomes) {
                RecordStep.counted(run, outcomes);
                outcomes.forEach(o -> run.tally.activityCounts = run.tally.activityCounts.plus(o.action()));
            }

            @Override
            public String plannedPerson(String personKey) {
                return run.mode == RunContext.Mode.RUN ? null : run.plannedPeople.get(personKey);
            }

            @Override
            public java.util.Set<String> plannedPeople() {
                return run.mode == RunContext.Mode.RUN ? java.util.Set.of() : run.plannedPeople.keySet();
            }

            @Override
            public String leaseToken() {
                return run.lease.token;
            }

            @Override
            public int apiCallsSoFar() {
                return run.apiCallsThisRun();
            }

            @Override
            public boolean stopped() {
                return run.stopReason != null;
            }

            @Override
            public void stopOnFailure(SalesforceClient.SalesforceCallException e) {
                lifecycle.stopOnFailure(run, e);
            }

            @Override
            public long retryBackoffMs() {
                return retryBackoffMs;
            }
        };
    }
}
