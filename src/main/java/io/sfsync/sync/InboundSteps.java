package io.sfsync.sync;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.JobConfig;
import io.sfsync.inbound.InboundPage;
import io.sfsync.inbound.InboundSync;
import io.sfsync.inbound.SourceTables;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceRow;
import io.sfsync.synclog.InboundStore;
import io.sfsync.synclog.Outcome;

import static io.sfsync.exchange.ExchangeKeys.POLL_MORE;
import static io.sfsync.exchange.ExchangeKeys.RUN;

/**
 * The steps of Salesforce → source (routes/inbound-sync.camel.yaml): poll, inbound-match, inbound-merge,
 * inbound-apply, on the poll page in the body ({@link InboundPage}) and the run in {@code SfsyncRun}.
 */
final class InboundSteps {
    private final SourceTables tables;

    InboundSteps(SyncServices services) {
        this.tables = new SourceTables(services.source());
    }

    void configure(RouteBuilder rb) {
        rb.from("direct:sfsync-poll").routeId("sync-poll").errorHandler(rb.noErrorHandler()).process(e -> {
            RunContext run = run(e);
            if (run.inbound == null) {
                throw new IllegalStateException("job " + run.job.name() + " polls nothing (direction "
                        + run.job.direction().name().toLowerCase(java.util.Locale.ROOT) + "): direct:sfsync-poll is for"
                        + " jobs with direction inbound or both");
            }
            if (run.finishedStatus != null || run.stopReason != null || !run.inbound.more(run.job)) {
                e.getMessage().setBody(new InboundPage(0, List.of(), Map.of()));
                e.setProperty(POLL_MORE, false);
                return;
            }
            if (!run.budgetAllowsAnotherBatch()) {
                run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                        + run.tally.apiAllowance + " calls); the rest waits for the next run");
                e.getMessage().setBody(new InboundPage(0, List.of(), Map.of()));
                e.setProperty(POLL_MORE, false);
                return;
            }
            run.batchStarted();
            if (run.tally.batches == 0) {
                tables.refresh();
            }
            run.timed("poll", () -> e.getMessage().setBody(InboundSync.poll(context(run), run.inbound)));
            e.setProperty(POLL_MORE, run.inbound.more(run.job) && run.stopReason == null);
        });
        step(rb, "inbound-match", (run, page) -> InboundSync.match(context(run), run.inbound, page));
        step(rb, "inbound-merge", (run, page) -> InboundSync.merge(context(run), run.inbound, page));
        rb.from("direct:sfsync-inbound-apply").routeId("sync-inbound-apply").errorHandler(rb.noErrorHandler()).process(e -> {
            RunContext run = run(e);
            InboundPage page = e.getMessage().getBody(InboundPage.class);
            long start = System.nanoTime();
            run.tally.timed("inbound-apply", () -> {
                try {
                    InboundSync.apply(context(run), run.inbound, page);
                } catch (java.sql.SQLException ex) {
                    throw new IllegalStateException("could not write poll page " + page.number() + " to the source: "
                            + ex.getMessage(), ex);
                }
            });
            if (run.job.outbound() && run.mode == RunContext.Mode.RUN) {
                // the conflicts this page opened hold the outbound half of this run too
                run.openConflicts = run.store.inbound().openConflictKeys(run.job.name());
            }
            run.batchEnded();
            run.tally.batches++;
            run.progress.accept("page " + page.number() + ": " + page.works().size() + " records — "
                    + run.tally.counts.summary() + String.format(java.util.Locale.ROOT, " (%.1fs)",
                            (System.nanoTime() - start) / 1e9));
        });
    }

    private interface PageStep {
        InboundPage apply(RunContext run, InboundPage page);
    }

    private static void step(RouteBuilder rb, String name, PageStep step) {
        rb.from("direct:sfsync-" + name).routeId("sync-" + name).errorHandler(rb.noErrorHandler())
                .process(e -> run(e).timed(name, () -> e.getMessage().setBody(step.apply(run(e),
                        e.getMessage().getBody(InboundPage.class)))));
    }

    private static RunContext run(Exchange e) {
        return e.getProperty(RUN, RunContext.class);
    }

    /** The run as the inbound engine sees it. */
    private InboundSync.Context context(RunContext run) {
        return new InboundSync.Context() {
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
            public InboundStore store() {
                return run.store.inbound();
            }

            @Override
            public SourceTables tables() {
                return tables;
            }

            @Override
            public Map<String, ObjectInfo> describe() {
                return run.org.describe;
            }

            @Override
            public int apiCallsSoFar() {
                return run.apiCallsThisRun();
            }

            @Override
            public void tally(Outcome outcome) {
                synchronized (run) {
                    run.tally.counts = run.tally.counts.plus(outcome.action());
                }
            }

            @Override
            public SalesforceClient.Answer bulk(String operation, Object body, Map<String, Object> headers) {
                run.tally.call();
                return run.salesforce.callForAnswer(operation, body, headers, true);
            }

            @Override
            public Map<String, String> outboundHashes(java.sql.Connection connection, Collection<String> keys) {
                Map<String, String> out = new HashMap<>();
                if (run.reader == null || run.mapper == null) {
                    return out;
                }
                for (SourceRow row : run.reader.byKeys(connection, keys, "1 = 1")) {
                    if (!row.isInvalid()) {
                        out.put(row.key(), run.mapper.map(row).payloadHash());
                    }
                }
                return out;
            }
        };
    }
}
