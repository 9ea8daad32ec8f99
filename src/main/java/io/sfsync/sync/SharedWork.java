package io.sfsync.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.config.JobConfig;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.WorkStore;
import io.sfsync.synclog.Watermark;

/**
 * One job's backlog shared by the instances of a cluster. The run a schedule fires (on one instance: Quartz's
 * clustered store) cuts a backlog of more than one batch into units — ranges of the source's (changedAt, key)
 * order of a batch each — in sync_work; every instance's workers, the firing run's own thread among them,
 * claim units with {@code FOR UPDATE SKIP LOCKED} under a lease they renew, and run each through the job's
 * flow as a run of its own that records into the fired run (its sync_log rows, links and counts). A worker
 * that dies leaves its unit to be claimed again when the lease runs out; what it recorded stays, and the unit
 * goes on after its last recorded row. The job's watermark moves past a contiguous prefix of finished
 * units only. Two units never create the same record: a create's keys (email, external ID, account) are
 * claimed first (sync_work_key), and a row whose key another unit holds is set aside to a later part of its
 * unit, which looks it up again once the holder has recorded.
 */
public final class SharedWork {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWork.class);
    /** The reason a row set aside carries until its unit's record step moves it to the unit's next part. */
    static final String SET_ASIDE = "SET_ASIDE";
    /** Between a stopped unit's status and its reason in sync_work.stop_reason. */
    static final String STATUS_SEPARATOR = ": ";
    /** How an account to create is named among the rows whose create keys are claimed (no source key starts so). */
    private static final String ACCOUNT = "\u0000account:";

    /** How a cluster shares work: workers per instance, the units' lease, how often idle workers look. */
    public record Settings(int workers, Duration lease, long pollMs) {
    }

    /** How a unit of work is run: through the job's flow (the Camel route), on the caller's thread. */
    public interface UnitRunner {
        void run(WorkStore.Unit unit);
    }

    private final SyncServices services;
    private final Settings settings;
    private final String holder;
    private volatile UnitRunner runner;
    private ExecutorService workers;
    private volatile boolean stopped;

    SharedWork(SyncServices services, Settings settings, String holder) {
        this.services = services;
        this.settings = settings;
        this.holder = holder;
    }

    Settings settings() {
        return settings;
    }

    String holder() {
        return holder;
    }

    void runner(UnitRunner runner) {
        this.runner = runner;
    }

    /** Whether a run shares its backlog: real watermark runs of jobs that send (the outbound half of a two-way one too). */
    static boolean shares(RunContext run) {
        JobConfig job = run.job;
        return run.shared != null && run.unit == null && run.mode == RunContext.Mode.RUN && run.onlyKeys == null
                && job.outbound() && job.dataSync() && job.source() != null;
    }

    /**
     * The fired run's part: plans the units when its backlog is more than one batch and works them with the
     * cluster's workers until every one is finished; then the run goes on reading from the last unit's end
     * (rows changed meanwhile, and the rows no run can sync). False when the backlog fits one batch: the run
     * reads it as usual.
     */
    boolean share(RunContext run) {
        int size = run.job.batchSize();
        Watermark from = run.watermark.cursor;
        // more than one batch changed? (read the two columns of two batches at most to tell)
        int[] seen = {0};
        Watermark[] end = {null};
        try {
            run.reader.plan(from, size, (keys, upTo) -> {
                if (++seen[0] > 1) {
                    throw new EnoughToShare();
                }
            });
        } catch (EnoughToShare more) {
            seen[0] = 2;
        }
        if (seen[0] < 2) {
            return false;
        }
        String fingerprint = io.sfsync.config.JobFingerprint.of(run.job, run.segment).value();
        WorkStore work = run.store.work();
        // the run's share of the daily API budget, known from its opening call, is spent by all its units together
        run.sendOpening();
        long allowance = run.tally.apiAllowance;
        work.allowance(run.runId, allowance < 0 ? null : Math.max(0, allowance - run.apiCallsThisRun()));
        int units = work.plan(run.job.name(), run.runId, fingerprint, from, size, sink -> run.reader.plan(from, size,
                (keys, upTo) -> {
                    sink.unit(keys, upTo);
                    end[0] = upTo;
                }));
        if (units == 0) {
            return false; // the rows changed again meanwhile: the run reads them as usual
        }
        run.sharedUnits += units;
        LOG.info("Run {} of {}: {} units of up to {} rows, shared by the cluster's workers", run.runId, run.job.name(),
                units, size);
        WorkStore.Progress p = workUntilFinished(run, fingerprint, WorkStore.Unit.OUT, false);
        run.watermark.cursor = end[0];
        run.watermark.durable = run.store.state(run.job.name()).watermark();
        if (p.blocked() > 0 || p.unfinished() > 0 || p.abandoned() > 0) {
            run.watermark.blocked = true; // the rows of a unit that stopped are read again next run
        }
        return true;
    }

    /**
     * Works the run's units of one kind with the cluster's workers, on this thread too, until none is left
     * unfinished (or, once the run stopped or is {@code stopping} on a failure of its own, none is worked any
     * more); then counts what they spent in the run and stops the run as a unit of it stopped, if one did.
     */
    private WorkStore.Progress workUntilFinished(RunContext run, String fingerprint, String kind, boolean stopping) {
        WorkStore work = run.store.work();
        int doneBefore = -1;
        WorkStore.Progress p;
        while (true) {
            boolean stopped = stopping || run.stopReason != null;
            Optional<WorkStore.Unit> mine = !stopped
                    ? work.claim(holder, List.of(Map.entry(run.job.name(), fingerprint)), run.runId, settings.lease())
                    : Optional.empty();
            if (mine.isPresent()) {
                runUnit(mine.get());
                continue;
            }
            if (stopped) {
                // stopped: nobody takes up the units no one works now; then wait for those being worked
                work.abandonOpen(run.runId);
            }
            p = work.progress(run.runId, kind);
            if (p.done() != doneBefore) {
                doneBefore = p.done();
                run.progress.accept((kind.equals(WorkStore.Unit.IN) ? "pages: " : "units: ") + p.done() + " of "
                        + (p.done() + p.unfinished()) + " done");
            }
            if (p.unfinished() == 0 || stopped && p.claimed() == 0) {
                break;
            }
            sleep(Math.min(settings.pollMs(), 200));
        }
        if (p.claimed() == 0) {
            work.forgetKeys(run.runId); // no unit of the run is worked any more
        }
        run.sharedCalls += p.apiCalls();
        if (run.tally.apiAllowance >= 0) {
            run.tally.apiAllowance = Math.max(0, run.tally.apiAllowance - p.apiCalls()); // what is left for the rest
        }
        if (!p.stopReasons().isEmpty() && run.stopReason == null && !stopping) {
            // "PAUSED: the run reached its share of the daily API budget …" — the run stops as its unit did
            String first = p.stopReasons().get(0);
            int at = first.indexOf(STATUS_SEPARATOR);
            String status = at > 0 && first.substring(0, at).matches("[A-Z]+") ? first.substring(0, at) : "FAILED";
            run.stop(status, "a unit of the run stopped: " + (at > 0 ? first.substring(at + STATUS_SEPARATOR.length()) : first));
        }
        return p;
    }

    /** Whether an inbound run shares its poll pages: a real run of all the job's changes, on a cluster. */
    static boolean sharesInbound(RunContext run) {
        return run.shared != null && run.unit == null && run.mode == RunContext.Mode.RUN && run.onlyKeys == null
                && run.inbound != null;
    }

    /**
     * An inbound run's part when its changes are more than one poll page: it goes on polling (the API calls
     * stay with it, one Composite call a page as before) and hands each page to the cluster as a unit; the
     * cluster's workers, this thread among them whenever more pages wait than the workers of one instance
     * could take, match, merge and apply them. A page's records are applied with the keys they could collide
     * by (their Ids, the source rows they write) claimed, so two pages applied at once never insert one
     * record twice nor write one row from two records; the job's cursors move past finished pages only.
     *
     * @param next the run's next poll page, or null when every object is caught up (or the run stopped)
     */
    void sharePages(RunContext run, io.sfsync.inbound.InboundPage first,
            java.util.function.Supplier<io.sfsync.inbound.InboundPage> next) {
        String fingerprint = io.sfsync.config.JobFingerprint.of(run.job, run.segment).value();
        WorkStore work = run.store.work();
        long allowance = run.tally.apiAllowance;
        work.allowance(run.runId, allowance < 0 ? null : Math.max(0, allowance - run.apiCallsThisRun()));
        // the run's own calls from now on go in the run's ledger with its pages', so the share holds for both
        int accounted = run.apiCallsThisRun();
        int ahead = Math.max(2, 2 * settings.workers());
        int size = Math.max(1, run.job.inbound().pageSize());
        RuntimeException failed = null;
        try {
            io.sfsync.inbound.InboundPage page = first;
            while (page != null) {
                handOut(run, fingerprint, page, size);
                // more pages waiting than one instance's workers take: this thread applies one before polling on
                while (run.stopReason == null && work.progress(run.runId, WorkStore.Unit.IN).unfinished() > ahead) {
                    Optional<WorkStore.Unit> mine = work.claim(holder, List.of(Map.entry(run.job.name(), fingerprint)),
                            run.runId, settings.lease());
                    if (mine.isPresent()) {
                        runUnit(mine.get());
                    } else {
                        sleep(Math.min(settings.pollMs(), 100));
                    }
                }
                if (run.stopReason != null || !run.inbound.more(run.job)) {
                    break;
                }
                // the next poll's calls (as many as the costliest so far) reserved for the whole cluster, then
                // settled with what the run has spent since it last settled
                int held = Math.max(1, run.tally.costliestBatch());
                if (!work.reserve(run.runId, held)) {
                    run.stop("PAUSED", "the run reached its share of the daily API budget across the cluster's instances;"
                            + " the rest waits for the next run");
                    break;
                }
                try {
                    page = next.get();
                } finally {
                    int spent = run.apiCallsThisRun() - accounted;
                    accounted += spent;
                    work.unreserve(run.runId, held - spent);
                }
            }
        } catch (RuntimeException e) {
            failed = e; // the pages being applied are waited for below, the rest left; then the run fails as it would have
        } finally {
            int spent = run.apiCallsThisRun() - accounted;
            if (spent != 0) {
                work.unreserve(run.runId, -spent); // calls not settled yet (the page asked for before sharing began)
            }
        }
        run.progress.accept("polled " + run.sharedPages + " pages; the cluster's workers apply them");
        workUntilFinished(run, fingerprint, WorkStore.Unit.IN, failed != null);
        if (failed != null) {
            throw failed;
        }
    }

    /** One poll page to the cluster: a unit of a page each (a Bulk API result set holds five), in poll order. */
    private void handOut(RunContext run, String fingerprint, io.sfsync.inbound.InboundPage page, int size) {
        List<io.sfsync.inbound.InboundWork> works = page.works();
        for (int from = 0; from < works.size() || from == 0; from += size) {
            io.sfsync.inbound.InboundPage part = new io.sfsync.inbound.InboundPage(page.number(),
                    works.subList(from, Math.min(works.size(), from + size)), Map.of());
            Set<String> refs = new java.util.HashSet<>();
            part.works().forEach(w -> refs.addAll(io.sfsync.inbound.InboundSync.refs(run.job, w, false)));
            run.store.work().addPage(run.job.name(), run.runId, fingerprint, run.sharedPages + 1,
                    io.sfsync.inbound.InboundSync.payload(part.works(), run.inbound),
                    io.sfsync.inbound.InboundSync.cursorsJson(part), part.works().size(), refs);
            run.sharedPages++; // counted as it is handed out: a run that stops now still takes its counts from sync_run
            if (run.sharedPages == 1) {
                LOG.info("Run {} of {}: its poll pages are shared by the cluster's workers", run.runId, run.job.name());
            }
        }
    }

    /** Runs one unit through the job's flow on this thread; a failure ends the unit (its flow logged it). */
    void runUnit(WorkStore.Unit unit) {
        UnitRunner r = runner;
        try {
            r.run(unit);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not run {} of {}: {}", holder, unit.label(), unit.job(), e.getMessage());
            try {
                services.store().work().endStopped(unit.id(), unit.token(), e.getMessage());
            } catch (RuntimeException again) {
                LOG.warn("Could not end {}: {}; its lease runs out by itself", unit.label(), again.getMessage());
            }
        }
    }

    /** Starts this instance's workers: each claims units of any job it knows with the same settings. */
    synchronized void startWorkers() {
        if (workers != null || settings.workers() <= 0) {
            return;
        }
        workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "sfsync-worker");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < settings.workers(); i++) {
            workers.submit(this::workLoop);
        }
        LOG.info("{} workers share the cluster's units of work ({})", settings.workers(), holder);
    }

    private void workLoop() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                Optional<WorkStore.Unit> unit = services.store().work().claim(holder, fingerprints(), null, settings.lease());
                if (unit.isPresent()) {
                    runUnit(unit.get());
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.debug("Worker could not claim a unit: {}", e.getMessage());
            }
            try {
                Thread.sleep(settings.pollMs());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The jobs this instance may work units of, each with its settings' fingerprint for each segment a run of it
     * may read: a unit is only worked with the very settings its run planned it with.
     */
    private List<Map.Entry<String, String>> fingerprints() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (JobConfig job : services.config().jobs().values()) {
            if (job.dataSync() && (job.polls() || job.outbound() && job.source() != null)) {
                Set<String> segments = new java.util.LinkedHashSet<>(job.segments().keySet());
                segments.add(job.segment());
                segments.forEach(seg -> out.add(Map.entry(job.name(), io.sfsync.config.JobFingerprint.of(job, seg).value())));
            }
        }
        return out;
    }

    synchronized void stop() {
        stopped = true;
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** A unit's run: its claim, the thread renewing its lease, what it has recorded. */
    static final class UnitRun {
        final WorkStore.Unit unit;
        ScheduledExecutorService heartbeat;
        /** API calls already added to the unit's by recorded batches. */
        int callsRecorded;
        /** The unit's last batch is recorded (it is DONE). */
        boolean done;
        /** The calls reserved for the batch in flight against the run's allowance. */
        int reserved;
        /** A shared poll page: the parts recorded so far (a part: the records not set aside by the one before). */
        int parts;
        /** The page was handed back to the cluster with records that wait: another claim goes on with it. */
        boolean handedBack;
        /** The cluster clock's reading before the part's lookups (see {@link WorkStore#claimKeys}). */
        long ticket;
        /** The records of this part that wait for an earlier page (it holds their Id, Account or matchOn value). */
        List<io.sfsync.inbound.InboundWork> waiting = List.of();

        UnitRun(WorkStore.Unit unit) {
            this.unit = unit;
        }

        /** The unit's lease, renewed every third of it. */
        Duration lease = Duration.ofSeconds(30);

        void keepLease(RunContext run, Duration lease) {
            this.lease = lease;
            heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sfsync-unit-lease");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1000, lease.toMillis() / 3);
            heartbeat.scheduleWithFixedDelay(() -> {
                try {
                    if (!run.store.work().renew(unit.id(), unit.token(), lease)) {
                        run.stop("FAILED", unit.label() + " was claimed by another worker (its lease ran out)");
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Could not renew the lease of {}: {}", unit.label(), e.getMessage());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }

        void stopRenewing() {
            if (heartbeat != null) {
                heartbeat.shutdownNow();
            }
        }
    }

    /**
     * Before a unit's batch is written: claims the keys its creates would use (emails, external IDs, the keys
     * of the accounts it would create). Rows whose keys another unit holds are set aside (their unit's next
     * part looks them up again), and so are the accounts to create under such a key with their Contacts.
     */
    static void setAsideContested(RunContext run, Batch batch) {
        if (run.unit == null || run.mode != RunContext.Mode.RUN) {
            return;
        }
        // an account is found by its domain, then its name: an account to create claims both, so two units
        // never create one company twice under different keys
        Map<String, Set<String>> accountKeys = new LinkedHashMap<>();
        batch.newAccounts.keySet().forEach(k -> accountKeys.put(k, new java.util.TreeSet<>(Set.of("a:" + k))));
        for (RecordWork w : batch.works()) {
            Set<String> keys = w.accountKey == null || w.mapped == null ? null : accountKeys.get(w.accountKey);
            if (keys != null) {
                if (w.mapped.accountDomain() != null) {
                    keys.add("a:d:" + w.mapped.accountDomain());
                }
                if (w.mapped.accountName() != null) {
                    keys.add("a:n:" + w.mapped.accountName().trim().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        Map<String, Set<String>> keysByRow = new LinkedHashMap<>();
        Map<String, RecordWork> rows = new LinkedHashMap<>();
        batch.open().forEach(w -> {
            Set<String> keys = new java.util.TreeSet<>();
            if (w.operation == RecordWork.Operation.CREATE && w.mapped != null) {
                if (w.mapped.email() != null) {
                    keys.add("e:" + w.mapped.email());
                }
                if (w.mapped.externalId() != null) {
                    keys.add("x:" + w.mapped.externalId().toLowerCase(java.util.Locale.ROOT));
                }
            }
            if (w.accountKey != null && accountKeys.containsKey(w.accountKey) && w.operation != RecordWork.Operation.NONE) {
                keys.addAll(accountKeys.get(w.accountKey));
            }
            if (!keys.isEmpty()) {
                keysByRow.put(w.key(), keys);
                rows.put(w.key(), w);
            }
        });
        if (keysByRow.isEmpty() && accountKeys.isEmpty()) {
            return;
        }
        // every account to create is claimed in its own right too: one whose Contacts all settled otherwise
        // would still be created
        accountKeys.forEach((k, keys) -> keysByRow.put(ACCOUNT + k, keys));
        Set<String> may = run.store.work().claimKeys(run.runId, run.unit.unit.id(), batch.lookupTicket, keysByRow);
        batch.newAccounts.keySet().removeIf(k -> !may.contains(ACCOUNT + k));
        List<String> setAside = new ArrayList<>();
        rows.forEach((key, w) -> {
            if (!may.contains(key)) {
                setAside.add(key);
                w.settle(new io.sfsync.synclog.Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, SET_ASIDE,
                        "another unit of the run is creating a record with the same email, external ID or account;"
                                + " this row is looked up again once it has", null));
            }
        });
        if (!setAside.isEmpty()) {
            LOG.debug("{}: {} rows set aside for a create key another unit holds", run.unit.unit.label(), setAside.size());
        }
    }

    /**
     * Before a unit's batch: its calls (as many as the run's costliest batch, at least 4) reserved against the
     * run's allowance for the whole cluster; false when they do not fit.
     */
    static boolean reserve(RunContext run) {
        return reserve(run, Math.max(4, run.tally.costliestBatch()));
    }

    /** Before a unit's batch (or a shared page's part): {@code calls} reserved, as {@link #reserve(RunContext)}. */
    static boolean reserve(RunContext run, int calls) {
        if (run.unit.reserved > 0) {
            return true; // reserved when the unit began (its opening call included)
        }
        if (!run.store.work().reserve(run.runId, calls)) {
            return false;
        }
        run.unit.reserved = calls;
        return true;
    }

    /**
     * Right before a unit's batch is written: the unit is still this worker's, and its lease runs a whole lease
     * from now. A worker that stalled past its lease (a long pause) stops here instead of writing what the
     * unit's new claimer writes too.
     */
    static void holdBeforeWrite(RunContext run) {
        if (run.unit == null || run.mode != RunContext.Mode.RUN) {
            return;
        }
        if (!run.store.work().renew(run.unit.unit.id(), run.unit.unit.token(), run.unit.lease)) {
            run.stop("FAILED", run.unit.unit.label() + " was claimed by another worker (this one's lease ran out)");
        }
    }

    static boolean setAside(RecordWork w) {
        return w.outcome() != null && w.outcome().action() == Action.PENDING && SET_ASIDE.equals(w.outcome().reason());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the run's units", e);
        }
    }

    static Consumer<String> quiet() {
        return s -> { };
    }

    /** The look ahead found more than one batch: stop reading. */
    private static final class EnoughToShare extends RuntimeException {
        EnoughToShare() {
            super(null, null, false, false);
        }
    }
}
