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
    private final SyncServices services;
    private final SourceTables tables;

    InboundSteps(SyncServices services) {
        this.services = services;
        this.tables = new SourceTables(services.source());
    }

    void configure(RouteBuilder rb) {
        rb.from("direct:sfsync-poll").routeId("sync-poll").errorHandler(rb.noErrorHandler()).process(e -> {
            RunContext run = run(e);
            if (run.unit != null) {
                unitPart(e, run);
                return;
            }
            if (run.inbound == null) {
                throw new IllegalStateException("job " + run.job.name() + " polls nothing (direction "
                        + run.job.direction().name().toLowerCase(java.util.Locale.ROOT) + "): direct:sfsync-poll is for"
                        + " jobs with direction inbound or both");
            }
            InboundPage page = nextPage(run);
            if (page == null) {
                e.getMessage().setBody(new InboundPage(0, List.of(), Map.of()));
                e.setProperty(POLL_MORE, false);
                return;
            }
            boolean more = run.inbound.more(run.job) && run.stopReason == null;
            if (more && SharedWork.sharesInbound(run) && RunLifecycle.keep(services, run, run.org.describe)) {
                // more than one page: the cluster's workers apply them, this run polls on
                run.pagesShared = true;
                InboundSync.beforeSharing(context(run), run.inbound);
                run.shared.sharePages(run, page, () -> nextPage(run));
                if (run.job.outbound()) {
                    run.openConflicts = run.store.inbound().openConflictKeys(run.job.name());
                }
                e.getMessage().setBody(new InboundPage(0, List.of(), Map.of()));
                e.setProperty(POLL_MORE, false);
                return;
            }
            e.getMessage().setBody(page);
            e.setProperty(POLL_MORE, more);
        });
        step(rb, "inbound-match", (run, page) -> InboundSync.match(context(run), run.inbound, page));
        step(rb, "inbound-merge", (run, page) -> InboundSync.merge(context(run), run.inbound, page));
        rb.from("direct:sfsync-inbound-apply").routeId("sync-inbound-apply").errorHandler(rb.noErrorHandler()).process(e -> {
            RunContext run = run(e);
            InboundPage page = e.getMessage().getBody(InboundPage.class);
            if (run.unit != null) {
                applyUnitPart(e, run, page);
                return;
            }
            if (run.pagesShared) {
                return; // the cluster's workers applied the run's pages
            }
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

    /** The run's next poll page, or null when every object is caught up, the run stopped or its budget is spent. */
    private InboundPage nextPage(RunContext run) {
        if (run.finishedStatus != null || run.stopReason != null || !run.inbound.more(run.job)) {
            return null;
        }
        if (!run.budgetAllowsAnotherBatch()) {
            run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                    + run.tally.apiAllowance + " calls); the rest waits for the next run");
            return null;
        }
        run.batchStarted();
        if (run.tally.batches == 0) {
            tables.refresh();
        }
        InboundPage[] page = {null};
        run.timed("poll", () -> page[0] = InboundSync.poll(context(run), run.inbound));
        if (run.pagesShared) {
            run.batchEnded();
            run.tally.batches++;
        }
        return page[0];
    }

    /** How often a shared page may be claimed (it is handed back while records of it wait) before it stops. */
    static final int MAX_CLAIMS = 2000;

    /**
     * A unit of a shared inbound run (one of its poll pages), one part a claim: the page's records, of which
     * those recorded by an earlier claim come back as versions known and are set aside with no second log row,
     * and those that belong with a record of an earlier page still being applied wait. A page with records
     * left waiting is handed back to the cluster (see {@link #applyUnitPart}), so no worker waits for another.
     */
    private void unitPart(Exchange e, RunContext run) {
        SharedWork.UnitRun u = run.unit;
        if (!u.unit.inbound() || run.stopReason != null || u.done) {
            endUnitParts(e);
            return;
        }
        if (u.unit.claims() > MAX_CLAIMS) {
            run.stop("FAILED", u.unit.label() + " waited for other pages through " + MAX_CLAIMS
                    + " claims; the job's next run reads its records again");
            endUnitParts(e);
            return;
        }
        // one part a claim: the page's records (those recorded by an earlier claim come back as versions known)
        u.parts = u.unit.batchesRecorded();
        List<io.sfsync.inbound.InboundWork> works = InboundSync.fromPayload(run.job, u.unit.payload(), run.inbound);
        // records that belong with a record of an earlier page still being applied wait for it: they go in poll order
        Map<io.sfsync.inbound.InboundWork, java.util.Set<String>> asks = new java.util.LinkedHashMap<>();
        java.util.Set<String> all = new java.util.HashSet<>();
        for (io.sfsync.inbound.InboundWork w : works) {
            java.util.Set<String> refs = InboundSync.refs(run.job, w, true);
            asks.put(w, refs);
            all.addAll(refs);
        }
        java.util.Set<String> held = run.store.work().heldByEarlier(run.runId, u.unit.seq(), all);
        u.waiting = works.stream().filter(w -> asks.get(w).stream().anyMatch(held::contains)).toList();
        if (!u.waiting.isEmpty()) {
            works = works.stream().filter(w -> asks.get(w).stream().noneMatch(held::contains)).toList();
        }
        // a part that may look something up reserves its call (a part of records that only wait makes none)
        if (!works.isEmpty() && !SharedWork.reserve(run, 1)) {
            run.stop("PAUSED", "the run reached its share of the daily API budget across the cluster's instances;"
                    + " the rest waits for the next run");
            endUnitParts(e);
            return;
        }
        u.ticket = run.store.work().ticket(); // before the part looks anything up
        run.batchStarted();
        e.getMessage().setBody(new InboundPage(u.parts + 1, works, Map.of()));
        e.setProperty(POLL_MORE, true);
    }

    private static void endUnitParts(Exchange e) {
        e.getMessage().setBody(new InboundPage(0, List.of(), Map.of()));
        e.setProperty(POLL_MORE, false);
    }

    /**
     * A shared page's part is applied: the keys of its records claimed first; a group of records a key of
     * which another page holds is set aside for the next part, the rest recorded on the unit (the last part
     * ends it, and the job's cursors move past the finished pages). A part with nothing to write but records
     * that wait is not recorded.
     */
    private void applyUnitPart(Exchange e, RunContext run, InboundPage page) {
        SharedWork.UnitRun u = run.unit;
        SharedWork.holdBeforeWrite(run);
        if (run.stopReason != null) {
            e.setProperty(POLL_MORE, false);
            return;
        }
        List<InboundSync.KeyGroup> groups = InboundSync.keyGroups(page);
        Map<String, java.util.Set<String>> keysByGroup = new java.util.LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).works().stream().noneMatch(io.sfsync.inbound.InboundWork::waitsForAccount)) {
                keysByGroup.put(Integer.toString(i), groups.get(i).keys()); // a group that waits claims nothing
            }
        }
        java.util.Set<String> may = run.store.work().claimKeys(run.runId, u.unit.id(), u.ticket, keysByGroup);
        List<io.sfsync.inbound.InboundWork> granted = new java.util.ArrayList<>();
        List<io.sfsync.inbound.InboundWork> denied = new java.util.ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            (may.contains(Integer.toString(i)) ? granted : denied).addAll(groups.get(i).works());
        }
        denied.addAll(u.waiting);
        boolean last = denied.isEmpty();
        if (granted.isEmpty() && !last) {
            yieldPage(e, run); // all of it waits: nothing to record yet
            return;
        }
        int calls = run.apiCallsThisRun() - u.callsRecorded;
        InboundStore.UnitPage part = new InboundStore.UnitPage(new io.sfsync.synclog.SyncStore.UnitWrite(u.unit.id(),
                u.unit.token(), u.parts + 1, last, false, null, calls, List.of(), u.reserved), run.lease.token);
        InboundPage applied = new InboundPage(page.number(), granted, page.cursors());
        run.tally.timed("inbound-apply", () -> {
            try {
                InboundSync.apply(context(run, part), run.inbound, applied);
            } catch (java.sql.SQLException ex) {
                throw new IllegalStateException("could not write " + u.unit.label() + " to the source: " + ex.getMessage(), ex);
            }
        });
        run.store.work().releaseKeys(u.unit.id()); // committed: a page that looks them up now sees these rows
        u.parts++;
        u.callsRecorded += calls;
        u.reserved = 0;
        u.done = last;
        run.batchEnded();
        run.tally.batches++;
        if (!last) {
            yieldPage(e, run);
            return;
        }
        e.setProperty(POLL_MORE, false);
    }

    /**
     * Hands a page whose records wait (for an earlier page, or a key another page holds) back to the cluster, due
     * again shortly: its worker takes other work meanwhile, so pages waiting never hold every worker while the
     * page they wait for has none.
     */
    private static void yieldPage(Exchange e, RunContext run) {
        SharedWork.UnitRun u = run.unit;
        long delay = Math.min(1000, 50L * Math.max(1, u.unit.claims()));
        u.stopRenewing(); // the lease is given up with the claim
        if (run.store.work().handBack(u.unit.id(), u.unit.token(), delay)) {
            u.handedBack = true;
        } else {
            run.stop("FAILED", u.unit.label() + " was claimed by another worker (its lease ran out)");
        }
        e.setProperty(POLL_MORE, false);
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
        return context(run, null);
    }

    private InboundSync.Context context(RunContext run, InboundStore.UnitPage unitPage) {
        return new InboundSync.Context() {
            @Override
            public InboundStore.UnitPage unitPage() {
                return unitPage;
            }

            @Override
            public boolean readsMissingAccounts() {
                // a page of a shared run reads them only once every page polled before it is applied
                return run.unit == null || run.store.work().unfinishedBefore(run.runId, run.unit.unit.seq()) == 0;
            }

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
