package io.sfsync.sync;

import java.util.List;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;

import static io.sfsync.exchange.ExchangeKeys.ACTIVITIES_MORE;
import static io.sfsync.exchange.ExchangeKeys.BATCH_NUMBER;
import static io.sfsync.exchange.ExchangeKeys.CREATE_AS;
import static io.sfsync.exchange.ExchangeKeys.FLOW;
import static io.sfsync.exchange.ExchangeKeys.JOB;
import static io.sfsync.exchange.ExchangeKeys.KEYS;
import static io.sfsync.exchange.ExchangeKeys.MODE;
import static io.sfsync.exchange.ExchangeKeys.MORE;
import static io.sfsync.exchange.ExchangeKeys.OBSERVER;
import static io.sfsync.exchange.ExchangeKeys.POLL_MORE;
import static io.sfsync.exchange.ExchangeKeys.PREPARE;
import static io.sfsync.exchange.ExchangeKeys.RUN;
import static io.sfsync.exchange.ExchangeKeys.SEGMENT;
import static io.sfsync.exchange.ExchangeKeys.STATUS;
import static io.sfsync.exchange.ExchangeKeys.STOP_REASON;
import static io.sfsync.exchange.ExchangeKeys.TRIGGER;

/**
 * The composition root of the sync steps and their catalogue: every step the YAML flows compose is a
 * {@code direct:} endpoint defined here (the headers and properties they use are named by
 * {@link io.sfsync.exchange.ExchangeKeys}). The shipped flows are routes/outbound-sync.camel.yaml (the run) and its prepare-batch route
 * (read, map, lookup), which the run's reading thread runs for the next batches while one is written.
 *
 * <p>A step works on the batch in the body ({@link Batch}, its rows {@link RecordWork}) and the run in
 * the property {@code SfsyncRun}. Steps of one's own go between them; they read and settle rows through
 * the public methods of those two classes and never remove a row.
 */
public final class SyncSteps {
    /** Where every run starts: the job's flow, with failures of a flow of one's own caught. */
    public static final String RUN_JOB = "direct:sfsync-run-job";
    /** The shipped outbound flow (routes/outbound-sync.camel.yaml). */
    public static final String OUTBOUND_FLOW = "direct:sfsync-outbound";
    /** The shipped inbound flow (routes/inbound-sync.camel.yaml): jobs with direction inbound. */
    public static final String INBOUND_FLOW = "direct:sfsync-inbound";
    /** The shipped flow of jobs with direction both (routes/inbound-sync.camel.yaml): poll, then send. */
    public static final String BIDIRECTIONAL_FLOW = "direct:sfsync-bidirectional";
    /** The shipped activities flow (routes/activities-sync.camel.yaml): touchpoints as Tasks, after the people. */
    public static final String ACTIVITIES_FLOW = "direct:sfsync-activities";
    /** The shipped prepare-batch route (routes/outbound-sync.camel.yaml). */
    public static final String PREPARE_BATCH = "direct:sfsync-prepare-batch";
    public static final String DEAD_LETTER = "direct:dead-letter-to-sync-log";

    /** A step of the catalogue: its endpoint, what it does, and what it reads and writes. */
    public record Step(String endpoint, String route, String does, String reads, String writes) {
    }

    /** Every step, in the order the shipped flows run them. */
    public static final List<Step> CATALOGUE = List.of(
            new Step("direct:sfsync-start-run", "outbound-sync",
                    "opens the run: its lease, a sync_run row, and ONE Composite call for the org's limits, the describe"
                            + " of every mapped object and the fallback owner",
                    "headers " + JOB + " (required), " + TRIGGER + ", " + SEGMENT + ", " + MODE + ", " + KEYS + ", "
                            + CREATE_AS + "; property " + OBSERVER,
                    "property " + RUN + "; property " + MORE),
            new Step("direct:sfsync-next-batch", "outbound-sync",
                    "hands over the next batch, prepared ahead by the prepare-batch route on the reading thread (a retry"
                            + " prepares its one batch here); stops the run PAUSED when its API budget share is spent",
                    "property " + RUN + "; property " + PREPARE + " (default " + PREPARE_BATCH + ")",
                    "body: the batch; property " + MORE),
            new Step("direct:sfsync-read", "prepare-batch",
                    "the next page of changed rows after the watermark (ordered by changedAt, key) with their sync_link"
                            + " rows; rows the overlap window brings back already settled are set aside",
                    "property " + RUN + ", " + BATCH_NUMBER, "body: the batch (rows open, not mapped)"),
            new Step("direct:sfsync-map", "prepare-batch",
                    "the job's field rules on every open row; settles invalid rows (ERROR/INVALID_SOURCE_ROW), not in"
                            + " segment, do-not-contact, unchanged since the last sync (NO_CHANGE, no API call) and"
                            + " repeated keys and emails (DUPLICATE_IN_SOURCE)",
                    "body: the batch", "body: rows mapped or settled"),
            new Step("direct:sfsync-lookup", "prepare-batch",
                    "ONE Composite call: linked records, external IDs and emails in each matchIn object, the owners'"
                            + " Users, the candidate Accounts; started on the lookup thread (the reading thread goes on)"
                            + " once the batch before has decided, and left to match when both touch one email, external"
                            + " ID or account; match waits for it",
                    "body: the batch", "body: the batch with its lookup"),
            new Step("direct:sfsync-match", "outbound-sync",
                    "what each open row becomes: link, then external ID, then email; Contact before Lead; converted"
                            + " Leads followed; ambiguous matches DUPLICATE; createOnly / updateOnly",
                    "body: the batch", "body: rows to create or update, or settled"),
            new Step("direct:sfsync-ownership", "outbound-sync",
                    "owners of new records (ownerFrom, fallback owner, assignment rules); records owned by another user"
                            + " SKIPPED/OWNED_BY_OTHER_USER",
                    "body: the batch", "body: the batch"),
            new Step("direct:sfsync-overwrite", "outbound-sync",
                    "the values to send, by each field's overwrite rule, and the field-level diff; a row whose mapping"
                            + " failed for its object is ERROR (record and field named); required fields checked",
                    "body: the batch", "body: payloads and diffs"),
            new Step("direct:sfsync-accounts", "outbound-sync",
                    "company first: each Contact's account matched by domain, then name (AccountId set); missing"
                            + " accounts and changes to existing ones planned for the write step",
                    "body: the batch", "body: AccountId on the Contacts; the accounts to write"),
            new Step("direct:sfsync-write", "outbound-sync",
                    "the accounts, then the people: sObject Collections, five to a Composite call (Bulk API 2.0 above"
                            + " bulkThreshold); the accounts lead the first call, the Contacts of new accounts follow it"
                            + " (PENDING when their account failed for a passing reason); create intents recorded first;"
                            + " each row settled from Salesforce's answer",
                    "body: the batch", "body: rows settled; property " + MORE),
            new Step("direct:sfsync-record", "outbound-sync",
                    "the batch's sync_log rows (exactly one per row), sync_link, watermark and the run's counts, in one"
                            + " transaction, only while the run holds the job's lease",
                    "body: the batch", "-"),
            new Step("direct:sfsync-finish-run", "outbound-sync",
                    "closes the run: status, counts and the plain-language summary in sync_run; releases the lease",
                    "property " + RUN, "body: the run; header " + STATUS),
            new Step("direct:sfsync-poll", "inbound-sync",
                    "the next page of Salesforce's changes: for every polled object the records after its"
                            + " (SystemModstamp, Id) cursor, ordered by both, through queryAll (deleted and merged"
                            + " records too), five objects to ONE Composite call; the first page rides on start-run's"
                            + " call, so a poll that finds nothing costs one call; a first load of more than a page goes on"
                            + " through one Bulk API 2.0 query job; the first page also reads again, by Id, the records"
                            + " whose last outcome was an ERROR (one more call, only when there are any); on a cluster"
                            + " sharing work, a run of more than one page hands its pages to the instances' workers and"
                            + " ends its poll loop, and a worker's run of one page gets that page's records here",
                    "property " + RUN, "body: the page (InboundPage); property " + POLL_MORE),
            new Step("direct:sfsync-inbound-match", "inbound-sync",
                    "each record's row: its link; a converted Lead's person relinked to the Contact; a merged"
                            + " record's row relinked to the survivor; a record not linked found by matchOn, else new;"
                            + " versions recorded before set aside; a Contact's Account without a"
                            + " row read in ONE more call",
                    "body: the page", "body: the page"),
            new Step("direct:sfsync-inbound-merge", "inbound-sync",
                    "the columns each record changes, by each field's direction and merge rule (a blank never wins);"
                            + " the Account's address first for Contacts, ADDRESS_INCOMPLETE; conflicts on first links"
                            + " (ask: held, merge: the rules decide); deletes flag, delete or leave the row; NO_CHANGE",
                    "body: the page", "body: the page, each record settled"),
            new Step("direct:sfsync-inbound-apply", "inbound-sync",
                    "the page's rows (JDBC batches), sync_log rows (direction INBOUND), links, conflicts and cursors"
                            + " in one transaction; a value that does not fit its column is an ERROR naming record and"
                            + " column; for a job that also sends, the rows' payload hashes so nothing echoes back; a page"
                            + " of a shared run claims the keys it writes by first and moves no cursor itself (the cursors"
                            + " follow the applied pages)",
                    "body: the page", "-"),
            new Step("direct:sfsync-activities-read", "activities-sync",
                    "the next batch of touchpoints: first those that waited PENDING and may go now (their person is"
                            + " linked), then those after the activities' watermark, in (changedAt, key) order; a"
                            + " touchpoint the overlap window brings back already settled is set aside",
                    "property " + RUN, "body: the batch (ActivityBatch); property " + ACTIVITIES_MORE),
            new Step("direct:sfsync-activities-resolve", "activities-sync",
                    "each touchpoint's Task: WhoId (the person's Lead or Contact) and WhatId (the Contact's Account)"
                            + " from sync_link, no Salesforce query; OwnerId from the sender's User (asked once per run"
                            + " for all senders, on the opening call); Subject, ActivityDate, Status Completed, Type,"
                            + " TaskSubtype, Description only with includeContent; person not linked PENDING, outside"
                            + " the segment or do-not-contact SKIPPED, unchanged NO_CHANGE",
                    "body: the batch", "body: Tasks ready, or touchpoints settled"),
            new Step("direct:sfsync-activities-write", "activities-sync",
                    "sObject Collections upserts on the Task's external ID, five to a Composite call: a touchpoint is"
                            + " one Task after lost answers, reruns and kills; a converted Lead's touchpoints go to its"
                            + " Contact (one query, only then); locked records sent again with backoff",
                    "body: the batch", "body: touchpoints settled"),
            new Step("direct:sfsync-activities-record", "activities-sync",
                    "the batch's sync_log rows (sobject Task, exactly one per touchpoint), sync_activity, the people"
                            + " relinked to their Contacts, the activities' watermark and the run's counts, in one"
                            + " transaction",
                    "body: the batch", "property " + ACTIVITIES_MORE),
            new Step(DEAD_LETTER, "sfsync-flow (route configuration)",
                    "a failed step: the rows of the batch in flight no step had settled are logged PENDING (STEP_FAILED)"
                            + " with the reason, those already written keep CREATED/UPDATED and their links; the run ends"
                            + " FAILED (or PAUSED: broken login, spent API limit); the watermark stays before the first"
                            + " PENDING row",
                    "property " + RUN + "; the exception", "property " + STOP_REASON + "; body: the run"));

    /** The prepare-batch route failed; {@link #batch} holds the rows it had read, if it got that far. */
    private static final class PreparationFailed extends RuntimeException {
        final transient Batch batch;

        PreparationFailed(Batch batch, Throwable cause) {
            super(cause.getMessage(), cause);
            this.batch = batch;
        }
    }

    /** Who follows a run: a progress line per batch, and for a plan each decided row. */
    public record RunObserver(Consumer<String> progress, Consumer<RecordWork> planSink) {
    }

    private final SyncServices services;
    private final CamelContext camel;
    private final RunLifecycle lifecycle;
    private final ReadStep read = new ReadStep();
    private final MapStep map = new MapStep();
    private final MatchStep match = new MatchStep();
    private final OwnershipStep ownership = new OwnershipStep();
    private final OverwriteStep overwrite = new OverwriteStep();
    private final AccountStep accounts;
    private final WriteStep write;
    private final RecordStep record = new RecordStep();
    private final DeadLetterStep deadLetter;
    private final InboundSteps inbound;
    private final ActivitySteps activities;
    private ProducerTemplate template;
    private SharedWork shared;

    public SyncSteps(SyncServices services, long retryBackoffMs, CamelContext camel) {
        this.services = services;
        this.camel = camel;
        this.lifecycle = new RunLifecycle(services);
        SalesforceWriter writer = new SalesforceWriter(lifecycle, retryBackoffMs);
        this.accounts = new AccountStep();
        this.write = new WriteStep(writer);
        this.activities = new ActivitySteps(lifecycle, retryBackoffMs);
        this.deadLetter = new DeadLetterStep(lifecycle, record, activities);
        this.inbound = new InboundSteps(services);
    }

    /** Defines the step routes on the builder. */
    public void configure(RouteBuilder rb) {
        template = camel.createProducerTemplate();
        // a step throws what it cannot handle (each step route has no error handler of its own): the flow's
        // route configuration (sfsync-flow) sends it to the dead-letter channel, and the prepare-batch route
        // hands it back to next-batch, on the run's thread

        route(rb, RUN_JOB, "sync-run-job")
                .process(e -> e.setProperty(FLOW, flowOf(e.getMessage().getHeader(JOB, String.class))))
                .doTry()
                    .toD("${exchangeProperty." + FLOW + "}")
                .doCatch(Exception.class)
                    .process(deadLetter::handle)
                .end()
                .process(this::finishIfOpen);
        route(rb, "direct:sfsync-start-run", "sync-start-run").process(this::startRun);
        route(rb, "direct:sfsync-next-batch", "sync-next-batch").process(e -> {
            RunContext run = run(e);
            String prepare = e.getProperty(PREPARE, PREPARE_BATCH, String.class);
            try {
                run.timed("wait for batch", () -> e.getMessage().setBody(NextBatch.next(run, n -> prepare(prepare, run, n))));
            } catch (PreparationFailed f) {
                if (f.batch != null && !f.batch.isEmpty()) {
                    run.inFlight = f.batch;
                }
                throw f.getCause() instanceof Exception cause ? cause : f;
            }
            e.setProperty(MORE, run.more());
        });
        route(rb, "direct:sfsync-read", "sync-read").process(e -> {
            RunContext run = run(e);
            int number = e.getProperty(BATCH_NUMBER, 1, Integer.class);
            run.timed("read", () -> e.getMessage().setBody(read.read(run, number)));
        });
        step(rb, "map", (run, b) -> map.apply(run, b));
        step(rb, "lookup", (run, b) -> match.lookupAhead(run, b));
        step(rb, "match", (run, b) -> match.apply(run, b));
        step(rb, "ownership", (run, b) -> ownership.apply(run, b));
        step(rb, "overwrite", (run, b) -> overwrite.apply(run, b));
        step(rb, "accounts", (run, b) -> accounts.apply(run, b));
        route(rb, "direct:sfsync-write", "sync-write").process(e -> {
            run(e).timed("write", () -> write.apply(run(e), batch(e)));
            e.setProperty(MORE, run(e).more());
        });
        step(rb, "record", (run, b) -> record.apply(run, b));
        route(rb, "direct:sfsync-finish-run", "sync-finish-run").process(e -> {
            RunContext run = run(e);
            e.getMessage().setHeader(STATUS, lifecycle.finishOnce(run));
            e.getMessage().setBody(run);
        });
        inbound.configure(rb);
        activities.configure(rb);
        route(rb, DEAD_LETTER, "dead-letter-to-sync-log")
                .process(deadLetter::handle)
                .log(LoggingLevel.ERROR, "Run of ${header." + JOB + "} stopped: ${exchangeProperty." + STOP_REASON + "}");
    }

    private interface BatchStep {
        void apply(RunContext run, Batch batch);
    }

    /** A step's route: no error handler of its own, so a failure goes back to the flow that called it. */
    private static org.apache.camel.model.RouteDefinition route(RouteBuilder rb, String from, String id) {
        return rb.from(from).routeId(id).errorHandler(rb.noErrorHandler());
    }

    private static void step(RouteBuilder rb, String name, BatchStep step) {
        rb.from("direct:sfsync-" + name).routeId("sync-" + name).errorHandler(rb.noErrorHandler())
                .process(e -> run(e).timed(name, () -> step.apply(run(e), batch(e))));
    }

    /**
     * Takes part in the cluster's shared work: runs that fire here share large backlogs, and this instance's
     * workers (started by {@link #startWorkers}) claim units of any instance's runs.
     */
    public void share(SharedWork.Settings settings) {
        // one name per instance, even for two in one JVM: who worked which unit is told apart
        shared = new SharedWork(services, settings, RunLifecycle.HOLDER + " #" + java.util.HexFormat.of()
                .formatHex(java.nio.ByteBuffer.allocate(4).putInt(new java.security.SecureRandom().nextInt()).array()));
        shared.runner(unit -> {
            Exchange x = new DefaultExchange(camel);
            x.getMessage().setHeader(JOB, unit.job());
            x.getMessage().setHeader(io.sfsync.exchange.ExchangeKeys.WORK_UNIT, unit);
            Exchange done = template.send(RUN_JOB, x);
            if (done.getException() != null) {
                throw new IllegalStateException(done.getException().getMessage(), done.getException());
            }
        });
        lifecycle.share(shared);
    }

    /** This instance's name on the units it claims; null when it shares no work. */
    public String worker() {
        return shared == null ? null : shared.holder();
    }

    /** Starts this instance's workers of shared units (a serving instance, once its routes run). */
    public void startWorkers() {
        if (shared != null) {
            shared.startWorkers();
        }
    }

    public void stopWorkers() {
        if (shared != null) {
            shared.stop();
        }
    }

    private void startRun(Exchange e) {
        io.sfsync.synclog.WorkStore.Unit unit = e.getMessage().getHeader(io.sfsync.exchange.ExchangeKeys.WORK_UNIT,
                io.sfsync.synclog.WorkStore.Unit.class);
        if (unit != null) {
            RunContext run = lifecycle.join(unit, null);
            e.setProperty(RUN, run);
            e.setProperty(MORE, run.more());
            e.setProperty(POLL_MORE, unit.inbound() && run.stopReason == null);
            e.setProperty(ACTIVITIES_MORE, false);
            return;
        }
        RunObserver observer = e.getProperty(OBSERVER, RunObserver.class);
        boolean waiting = Boolean.TRUE.equals(e.getMessage().getHeader(
                io.sfsync.exchange.ExchangeKeys.WITH_WAITING_ACTIVITIES, Boolean.class));
        RunContext run = lifecycle.start(waiting, e.getMessage().getHeader(JOB, String.class),
                RunContext.Mode.valueOf(e.getMessage().getHeader(MODE, "RUN", String.class)),
                e.getMessage().getHeader(TRIGGER, "manual", String.class),
                e.getMessage().getHeader(SEGMENT, String.class), keys(e),
                observer == null ? null : observer.progress(), e.getMessage().getHeader(CREATE_AS, String.class),
                e.getMessage().getHeader(io.sfsync.exchange.ExchangeKeys.RESYNC_FROM, String.class));
        if (observer != null && observer.planSink() != null) {
            run.planTo(observer.planSink());
        }
        e.setProperty(RUN, run);
        e.setProperty(MORE, run.more());
        e.setProperty(POLL_MORE, run.inbound != null && run.stopReason == null);
        e.setProperty(ACTIVITIES_MORE, run.activities != null && run.stopReason == null);
    }

    /** Runs the prepare-batch route for one batch, on the calling thread, and hands back its batch. */
    private Batch prepare(String endpoint, RunContext run, int number) {
        Exchange ex = new DefaultExchange(camel);
        ex.setProperty(RUN, run);
        ex.setProperty(BATCH_NUMBER, number);
        template.send(endpoint, ex);
        if (ex.getException() != null) {
            // rows already read when a later step of the route failed: the dead-letter channel logs them
            throw new PreparationFailed(ex.getMessage().getBody() instanceof Batch read ? read : null, ex.getException());
        }
        Object body = ex.getMessage().getBody();
        if (!(body instanceof Batch b)) {
            throw new IllegalStateException("the route " + endpoint + " handed back " + (body == null ? "no body"
                    : "a " + body.getClass().getSimpleName()) + " instead of the batch the read step made; a step there"
                    + " must leave the batch in the body");
        }
        return b;
    }

    /**
     * A flow that ended without closing its run (a flow of one's own without finish-run, or with a step
     * that swallowed an error): a batch left unrecorded is logged PENDING, and the run is closed.
     */
    private void finishIfOpen(Exchange e) {
        RunContext run = e.getProperty(RUN, RunContext.class);
        if (run == null) {
            return;
        }
        if (run.finishedStatus == null) {
            if (run.inFlight != null || run.activitiesInFlight != null) {
                e.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("the flow "
                        + e.getProperty(FLOW, String.class) + " ended before " + (run.inFlight != null
                                ? "batch " + run.inFlight.number() + " was recorded (it needs direct:sfsync-record after its steps)"
                                : "a batch of touchpoints was recorded (it needs direct:sfsync-activities-record after its steps)")));
                deadLetter.handle(e);
            } else {
                lifecycle.finishOnce(run);
            }
        }
        e.getMessage().setBody(run);
        e.getMessage().setHeader(STATUS, run.finishedStatus);
    }

    /** The flow a job runs: its own route (sync.yaml {@code jobs.J.route}), or the shipped outbound flow. */
    public String flowOf(String job) {
        var j = job == null ? null : services.config().jobs().get(job);
        String own = j == null ? null : j.route();
        if (own != null) {
            return own;
        }
        return j == null ? OUTBOUND_FLOW : switch (j.direction()) {
            case OUTBOUND -> OUTBOUND_FLOW;
            case INBOUND -> INBOUND_FLOW;
            case BOTH -> BIDIRECTIONAL_FLOW;
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(Exchange e) {
        return e.getMessage().getHeader(KEYS, List.class);
    }

    private static RunContext run(Exchange e) {
        return e.getProperty(RUN, RunContext.class);
    }

    private static Batch batch(Exchange e) {
        return e.getMessage().getBody(Batch.class);
    }

    /** The catalogue as a Markdown table (the README's step catalogue). */
    public static String markdownCatalogue() {
        StringBuilder sb = new StringBuilder("| step | route | does | reads | writes |\n|---|---|---|---|---|\n");
        for (Step s : CATALOGUE) {
            sb.append("| `").append(s.endpoint()).append("` | ").append(s.route()).append(" | ").append(s.does())
                    .append(" | ").append(s.reads()).append(" | ").append(s.writes()).append(" |\n");
        }
        return sb.toString();
    }
}
