package io.sfsync.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.FieldRule;
import io.sfsync.config.JobConfig;
import io.sfsync.config.OwnershipConfig;
import io.sfsync.mapping.MappingProcessor;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.salesforce.Soql;
import io.sfsync.source.SourceReader;
import io.sfsync.synclog.SyncStore;
import io.sfsync.synclog.Watermark;

/**
 * Starts and finishes runs. The start reads, in ONE Composite call, the org's limits, the describe of
 * every object the job maps and the fallback owner; the finish writes the run's counts and summary.
 */
public final class RunLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(RunLifecycle.class);

    private final SyncServices services;
    /** Jobs with a run in progress in this instance: a second run of the same job would write twice. */
    private final java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * A run lease not renewed for this long belongs to a run that died (kill -9); another may take it.
     * A live run renews it every {@link #HEARTBEAT_EVERY} on its own thread, so a slow Salesforce call
     * or Bulk job never lets it lapse, and a dead holder blocks the job for about a minute at most.
     */
    static final java.time.Duration LEASE_EXPIRY = java.time.Duration.ofSeconds(60);
    static final java.time.Duration HEARTBEAT_EVERY = java.time.Duration.ofSeconds(15);
    /** This process, as a lease holder is named to whoever is refused: host and process id. */
    static final String HOLDER = holderName();

    /** Kept describes as parsed, by object and JSON (a few entries: a new one only when an org's describe changes). */
    private final Map<String, ObjectInfo> parsedDescribes = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ObjectInfo> eldest) {
                    return size() > 32;
                }
            });

    /** The cluster's shared work when this instance takes part in it; null otherwise. */
    private volatile SharedWork shared;

    public RunLifecycle(SyncServices services) {
        this.services = services;
    }

    void share(SharedWork shared) {
        this.shared = shared;
    }

    /**
     * A run of one claimed unit of another run's backlog: it records into that run (its sync_log rows, links,
     * counts) while that run holds the job's lease, reads the unit's range (or keys) only, and holds the unit
     * by a lease of its own. It starts no activities and no resync of its own, and closes nothing but its unit.
     */
    public RunContext join(io.sfsync.synclog.WorkStore.Unit unit, Consumer<String> progress) {
        JobConfig job = services.config().job(unit.job());
        SyncStore store = services.store();
        SyncStore.Run of = store.run(unit.runId()).orElseThrow(() -> new IllegalStateException(
                unit.label() + ": its run is not in sync_run"));
        RunContext run = new RunContext(job, RunContext.Mode.RUN, "cluster", of.segment(), store,
                new SourceReader(services.source(), job.source()), services.salesforce(), unit.part() > 0 ? unit.keys() : null,
                progress == null ? s -> { } : progress, services.metrics());
        run.createAs = job.createAs();
        run.runId = unit.runId();
        run.unit = new SharedWork.UnitRun(unit);
        Duration lease = shared == null ? Duration.ofSeconds(30) : shared.settings().lease();
        run.unit.keepLease(run, lease);
        try {
            String fingerprint = io.sfsync.config.JobFingerprint.of(job, of.segment()).value();
            if (!fingerprint.equals(unit.fingerprint())) {
                // sync.yaml changed since the run planned its units: the job's next run reads these rows again
                run.stop("FAILED", "the settings of job " + job.name() + " changed since run " + unit.runId()
                        + " planned " + unit.label() + "; its rows are left to the job's next run");
                return run;
            }
            var held = store.lease(job.name()).orElse(null);
            if (held == null || held.runId() == null || held.runId() != unit.runId()) {
                run.stop("FAILED", "run " + unit.runId() + " no longer holds job " + job.name() + "; " + unit.label()
                        + " is left to the job's next run");
                return run;
            }
            run.lease.token = held.token(); // checked by each batch's transaction, never renewed or released here
            SyncStore.State state = store.state(job.name());
            run.resyncAsked = state.resyncCompare();
            run.intents = store.openIntents(job.name());
            run.watermark.cursor = unit.after();
            run.watermark.durable = state.watermark();
            if (job.polls() && job.outbound()) {
                run.openConflicts = store.inbound().openConflictKeys(job.name());
            }
            if (unit.inbound()) {
                // a poll page: matched, merged and applied here; nothing of the source is read to send
                run.inbound = io.sfsync.inbound.InboundSync.start(store.inbound(), job);
                run.more = false;
            }
            // the first batch's calls, the unit's opening call among them, reserved before any is made
            if (!(unit.inbound() ? SharedWork.reserve(run, 1) : SharedWork.reserve(run))) {
                run.stop("PAUSED", "the run reached its share of the daily API budget across the cluster's instances;"
                        + " the rest waits for the next run");
                return run;
            }
            if (unit.inbound()) {
                // a page makes no opening call: its run made one and kept the describes for its pages
                Map<String, ObjectInfo> kept = keptDescribes(run);
                if (kept == null) {
                    run.stop("FAILED", unit.label() + " could not start: the describes its run read are not kept"
                            + " (sync_describe); the job's next run reads its records again");
                    return run;
                }
                run.org.describe = kept;
            } else {
                loadMetadata(run);
            }
            run.mapper = new MappingProcessor(job, run.org.describe, services.transforms());
        } catch (SalesforceClient.SalesforceCallException e) {
            stopOnFailure(run, e);
        } catch (RuntimeException e) {
            run.stop("FAILED", unit.label() + " could not start: " + io.sfsync.salesforce.ErrorClassifier.describe(e));
            LOG.error("{} of {} could not start", unit.label(), job.name(), e);
        }
        return run;
    }

    public RunContext start(String jobName, RunContext.Mode mode, String trigger, String segment, List<String> onlyKeys,
            Consumer<String> progress, String createAs) {
        return start(false, jobName, mode, trigger, segment, onlyKeys, progress, createAs, null);
    }

    /**
     * Starts a run. A run of chosen rows ({@code onlyKeys}) leaves the job's activities alone unless
     * {@code waitingActivities} (a retry): then it sends the touchpoints that wait and may go now, and no new ones.
     */
    public RunContext start(boolean waitingActivities, String jobName, RunContext.Mode mode, String trigger,
            String segment, List<String> onlyKeys, Consumer<String> progress, String createAs, String resyncFrom) {
        JobConfig job = services.config().job(jobName);
        String seg = segment == null || segment.isBlank() ? job.segment() : segment;
        if (job.segmentPredicate(seg) == null) {
            throw new IllegalArgumentException("job " + jobName + " has no segment '" + seg + "' (segments: "
                    + String.join(", ", job.segments().keySet()) + ")");
        }
        SyncStore store = services.store();
        RunContext run = new RunContext(job, mode, trigger, seg, store,
                job.source() == null ? null : new SourceReader(services.source(), job.source()), services.salesforce(), onlyKeys,
                progress == null ? s -> { } : progress, services.metrics());
        run.createAs = createAs != null ? createAs : job.createAs();
        run.shared = shared;
        if (!running.add(jobName)) {
            run.busy = true;
            run.stop("BUSY", busyReason(store, jobName, "in this sfsync instance"));
            return run;
        }
        if (mode != RunContext.Mode.PLAN) {
            run.lease.token = java.util.UUID.randomUUID().toString();
            boolean claimed;
            try {
                claimed = store.claim(jobName, run.lease.token, LEASE_EXPIRY, HOLDER)
                        || takeOverFromDeadProcess(store, jobName, run.lease.token);
            } catch (RuntimeException e) {
                running.remove(jobName);
                throw e;
            }
            if (!claimed) {
                running.remove(jobName);
                run.busy = true;
                run.stop("BUSY", busyReason(store, jobName, "in another sfsync instance"));
                LOG.info("A {} trigger of {} is skipped: {}", trigger, jobName, run.stopReason);
                return run;
            }
            try {
                store.abortStaleRuns(jobName); // safe: no other run of this job is in progress here
                run.runId = store.startRun(jobName, trigger, seg, mode == RunContext.Mode.DRY_RUN, job.direction().name());
                store.leaseRun(jobName, run.lease.token, run.runId);
                run.intents = store.openIntents(jobName);
            } catch (RuntimeException e) {
                store.release(jobName, run.lease.token);
                running.remove(jobName);
                throw e;
            }
            keepLease(run);
        }
        try {
            SyncStore.State state = store.state(jobName);
            run.watermark.durable = state.watermark();
            run.watermark.cursor = state.watermark();
            if (state.paused() && mode == RunContext.Mode.RUN) {
                run.stop("PAUSED", "the job is paused" + (state.brokenReason() == null ? "" : ": " + state.brokenReason()));
                return run;
            }
            if (onlyKeys == null && job.outbound() && job.dataSync() && job.source() != null) {
                resyncIfAskedOrChanged(run, state, resyncFrom);
            }
            if (job.polls()) {
                run.inbound = io.sfsync.inbound.InboundSync.start(store.inbound(), job);
            }
            if (job.syncsActivities() && (run.onlyKeys == null || waitingActivities)) {
                run.activities = io.sfsync.activities.ActivitySync.start(store.activities(), job, services.source(),
                        run.onlyKeys != null);
            }
            if (!job.dataSync()) {
                run.more = false; // only the activities go
            }
            if (job.polls() && job.outbound()) {
                run.openConflicts = store.inbound().openConflictKeys(jobName);
            }
            try {
                loadMetadata(run);
            } catch (SalesforceClient.SalesforceCallException e) {
                stopOnFailure(run, e);
                return run;
            } catch (ConfigurationProblem e) {
                run.stop("FAILED", e.getMessage());
                return run;
            }
            run.mapper = new MappingProcessor(job, run.org.describe, services.transforms());
        } catch (RuntimeException e) {
            // the run holds its lease and its heartbeat: it ends here, FAILED, through the flow's finish
            run.stop("FAILED", "the run could not start: " + io.sfsync.salesforce.ErrorClassifier.describe(e));
            LOG.error("Run {} of {} could not start", run.runId, jobName, e);
        }
        return run;
    }

    /**
     * A watermark run re-reads rows already synced when asked to ({@code resyncFrom}: "start" or an
     * instant) or when the job's fingerprint differs from the one its rows were last read with (a mapping,
     * segment or matching change): from the start of the source, rows whose payload is unchanged cost no
     * call. A real run moves the job's watermark back and records the new fingerprint in one statement,
     * so a resync cut short goes on where it got to; a plan or a dry run only reads as if it did. The
     * first fingerprint a job records (its first run, or the first after an upgrade) starts no resync.
     */
    private static void resyncIfAskedOrChanged(RunContext run, SyncStore.State state, String resyncFrom) {
        io.sfsync.config.JobFingerprint fp = io.sfsync.config.JobFingerprint.of(run.job, run.segment);
        boolean changed = state.fingerprint() != null && !state.fingerprint().equals(fp.value());
        List<String> sections = changed ? fp.changedFrom(state.fingerprintSections()) : List.of();
        // compare each row with its record: asked for, a change the payload hash cannot see, or one cut short
        boolean compare = resyncFrom != null || state.resyncCompare()
                || sections.stream().anyMatch(io.sfsync.config.JobFingerprint::beyondThePayload);
        String asked = resyncFrom == null ? null
                : "asked for (" + run.trigger + ")" + ("start".equals(resyncFrom) ? "" : ": the rows changed since " + resyncFrom);
        Watermark from = null;
        String why = null;
        if (changed) {
            // a settings change needs every row, whatever a resync asked for names
            from = Watermark.START;
            why = String.join(", ", sections) + " changed since the job's rows were last read"
                    + (asked == null ? "" : "; " + asked + ", so every row is read");
        } else if (asked != null) {
            from = "start".equals(resyncFrom) ? Watermark.START : new Watermark(java.time.Instant.parse(resyncFrom), null);
            why = asked;
            if (from.changedAt().isAfter(state.watermark().changedAt())) {
                // rows before that instant are not synced yet: they are read too, the watermark never jumps them
                from = state.watermark();
                why += ", and those not synced yet before it";
            }
        } else if (state.resyncCompare()) {
            why = "a resync cut short goes on from where it got to";
        }
        run.resyncAsked = compare && (from != null || state.resyncCompare());
        if (run.resyncAsked) {
            why += " (each row compared with its Salesforce record)";
        }
        if (from != null) {
            run.watermark.cursor = from;
            if (run.mode == RunContext.Mode.RUN) {
                run.store.startResync(run.job.name(), from, fp, run.resyncAsked);
                run.watermark.durable = from;
            }
            LOG.info("Run {} of {} re-reads {}: {}", run.runId, run.job.name(),
                    from == Watermark.START ? "the whole source" : "the rows from " + from.changedAt(), why);
        } else if (run.mode == RunContext.Mode.RUN && !fp.value().equals(state.fingerprint())) {
            run.store.recordFingerprint(run.job.name(), fp);
        }
        run.resync = why;
        if (run.mode != RunContext.Mode.PLAN) {
            run.store.noteRunFingerprint(run.runId, fp.value(), why);
        }
    }

    /** "job people is running in sfsync on host (pid 123) — run 12, since …; its lease runs until … unless renewed" */
    static String busyReason(SyncStore store, String job, String where) {
        StringBuilder sb = new StringBuilder("job " + job + " is already running " + where);
        try {
            store.lease(job).ifPresent(l -> {
                sb.append(": held by ").append(l.holder() == null ? "an sfsync instance" : l.holder());
                if (l.runId() != null) {
                    sb.append(", run ").append(l.runId());
                }
                if (l.since() != null) {
                    sb.append(", since ").append(l.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                }
                if (l.heartbeat() != null) {
                    sb.append("; its lease lasts until ").append(l.heartbeat().plus(LEASE_EXPIRY)
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" unless renewed");
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not read the lease of {}: {}", job, e.getMessage());
        }
        return sb.append(". This trigger is skipped.").toString();
    }

    /**
     * A lease held by a process of this very host (and pid namespace) that no longer exists (killed,
     * crashed) is taken over at once instead of after its expiry: a `run` right after a kill -9 goes
     * ahead. Holders elsewhere cannot be checked and keep their lease until it expires.
     */
    private static boolean takeOverFromDeadProcess(SyncStore store, String job, String token) {
        var lease = store.lease(job).orElse(null);
        if (lease == null || lease.holder() == null) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^sfsync on (.+) \\(pid (\\d+), pid namespace (\\d+)\\)$")
                .matcher(lease.holder());
        // only a process this one can see: same host, same pid namespace (known)
        if (!m.matches() || !HOLDER.equals("sfsync on " + m.group(1) + " (pid " + ProcessHandle.current().pid()
                + ", pid namespace " + m.group(3) + ")")) {
            return false;
        }
        long pid = Long.parseLong(m.group(2));
        if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        boolean taken = store.takeOver(job, lease.token(), token, HOLDER);
        if (taken) {
            LOG.warn("Took over the lease of job {} from {}, which is no longer running (run {} was cut short)", job,
                    lease.holder(), lease.runId());
        }
        return taken;
    }

    /** Renews the run's lease on its own thread; a run whose lease was taken over stops before its next batch. */
    private static void keepLease(RunContext run) {
        run.lease.heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfsync-lease-" + run.job.name());
            t.setDaemon(true);
            return t;
        });
        long every = HEARTBEAT_EVERY.toMillis();
        run.lease.heartbeat.scheduleWithFixedDelay(() -> {
            try {
                if (!run.store.heartbeat(run.job.name(), run.lease.token)) {
                    run.stop("FAILED", "the run lost its lease on job " + run.job.name()
                            + " (not renewed in time, taken over by another run); it stops here");
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not renew the lease of {}: {}", run.job.name(), e.getMessage());
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * "sfsync on HOST (pid N, pid namespace M)". The namespace tells containers that share a host name
     * apart: a pid can only be checked for life inside its own namespace.
     */
    private static String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown host";
        }
        return "sfsync on " + host + " (pid " + ProcessHandle.current().pid() + ", pid namespace " + pidNamespace() + ")";
    }

    private static String pidNamespace() {
        try {
            String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
            return link.replaceAll("\\D", "");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return "unknown";
        }
    }

    /**
     * The run's opening call: the org's limits, the describe of every object the job maps, the fallback
     * owner (and, for jobs that poll or send activities, their first queries). A watermark run of an
     * outbound job that kept the describes of its last run maps its first batch with them, and the
     * opening subrequests ride on that batch's lookup call ({@link RunContext#composite}): a run then
     * costs one call less. When the fresh describes differ from the kept ones, the batches mapped with
     * the kept ones are mapped and looked up again (the match step).
     */
    private void loadMetadata(RunContext run) {
        List<ObjectNode> subs = openingRequests(run);
        Map<String, ObjectInfo> kept = mayRideOnFirstCall(run) ? keptDescribes(run) : null;
        if (kept != null) {
            run.org.describe = kept;
            try {
                checkDescribes(run);
            } catch (ConfigurationProblem e) {
                kept = null; // the kept describes may be old: ask Salesforce now
            }
        }
        if (kept != null) {
            Map<String, ObjectInfo> keptDescribes = kept;
            run.opening.set(new RunContext.Opening(subs, responses -> {
                openingAnswered(run, responses, keptDescribes);
                run.budgetLearned.set(true);
            }));
            return;
        }
        openingAnswered(run, run.composite(subs, Map.of(), true), null);
    }

    /** Outbound jobs' watermark runs (no poll, which has answers of its own to handle first). */
    private static boolean mayRideOnFirstCall(RunContext run) {
        return run.inbound == null && run.onlyKeys == null && run.job.dataSync() && run.job.outbound();
    }

    private Map<String, ObjectInfo> keptDescribes(RunContext run) {
        List<String> objects = new ArrayList<>(run.job.fields().keySet());
        if (run.activities != null) {
            objects.add("Task");
        }
        Map<String, ObjectInfo> kept = new LinkedHashMap<>();
        try {
            services.store().describes().read(objects).forEach((o, json) -> {
                // the units of a shared run each start with the same kept describes: parsed once
                ObjectInfo info = parsedDescribes.computeIfAbsent(o + "\u0000" + json,
                        k -> ObjectInfo.fromJson(run.salesforce.mapper(), json));
                if (info != null) {
                    kept.put(o, info);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not read the kept describes: {}", e.getMessage());
            return null;
        }
        return kept.keySet().containsAll(objects) ? kept : null;
    }

    private List<ObjectNode> openingRequests(RunContext run) {
        SalesforceClient sf = run.salesforce;
        List<ObjectNode> subs = new ArrayList<>();
        subs.add(sf.subrequest("GET", "limits", "limits", null));
        List<String> objects = new ArrayList<>(run.job.fields().keySet());
        for (String o : objects) {
            subs.add(sf.subrequest("GET", "sobjects/" + o + "/describe", "describe" + o, null));
        }
        String fallbackQuery = fallbackOwnerQuery(run.job.ownership());
        if (fallbackQuery != null) {
            subs.add(sf.subrequest("GET", "query?q=" + java.net.URLEncoder.encode(fallbackQuery,
                    java.nio.charset.StandardCharsets.UTF_8), "fallbackOwner", null));
        }
        if (run.inbound != null) {
            // the first poll page rides on this call: a poll that finds nothing costs this one call
            subs.addAll(io.sfsync.inbound.InboundSync.firstPage(sf, run.job, run.inbound));
        }
        if (run.activities != null) {
            // the Task's describe and the backlog's senders ride on this call too
            subs.addAll(io.sfsync.activities.ActivitySync.firstRequests(sf, run.activities));
        }
        return subs;
    }

    /**
     * Takes the opening call's answers. With {@code kept} (the describes the first batches were mapped
     * with), fresh describes that differ replace them and a new mapper maps from then on.
     */
    private void openingAnswered(RunContext run, List<JsonNode> responses, Map<String, ObjectInfo> kept) {
        OwnershipConfig own = run.job.ownership();
        Map<String, ObjectInfo> describe = new LinkedHashMap<>();
        if (run.inbound != null) {
            io.sfsync.inbound.InboundSync.firstAnswers(run.inbound, responses);
        }
        if (run.activities != null) {
            io.sfsync.activities.ActivitySync.firstAnswers(run.activities, responses);
        }
        for (JsonNode r : responses) {
            String ref = r.path("referenceId").asText();
            if (ref.startsWith("poll")) {
                continue; // a refused poll is reported by the poll step, after the describes are checked
            }
            if (r.path("httpStatusCode").asInt() >= 300) {
                throw new ConfigurationProblem("Salesforce refused " + ref + ": " + r.path("body"));
            }
            if (ref.startsWith("describe")) {
                describe.put(ref.substring("describe".length()), ObjectInfo.fromDescribe(r.path("body")));
            } else if (ref.equals("fallbackOwner")) {
                JsonNode records = r.path("body").path("records");
                if (records.isEmpty()) {
                    throw new ConfigurationProblem("ownership.fallback: no active " + own.fallback().name().toLowerCase()
                            + " '" + own.fallbackTarget() + "' in Salesforce");
                }
                run.org.fallbackOwnerId = records.get(0).path("Id").asText();
            } else if (ref.equals("limits")) {
                JsonNode daily = r.path("body").path("DailyApiRequests");
                long max = daily.path("Max").asLong();
                long remaining = daily.path("Remaining").asLong();
                services.connection().limits(max, remaining);
                services.metrics().limits(max, remaining);
                // never use more than the configured share of what the org has left today
                run.tally.apiAllowance = remaining * services.config().salesforce().dailyApiBudgetPercent() / 100;
                LOG.info("Run of {}: {} of {} daily API requests remaining; this run may use {}", run.job.name(),
                        remaining, max, run.tally.apiAllowance);
            }
        }
        if (own.fallback() == OwnershipConfig.Fallback.USER && own.fallbackTarget().matches("005[A-Za-z0-9]{12,15}")) {
            run.org.fallbackOwnerId = own.fallbackTarget();
        }
        if (own.fallback() == OwnershipConfig.Fallback.QUEUE && own.fallbackTarget().matches("00G[A-Za-z0-9]{12,15}")) {
            run.org.fallbackOwnerId = own.fallbackTarget();
        }
        boolean changed = kept == null || describe.entrySet().stream().anyMatch(e -> !e.getValue().sameAs(kept.get(e.getKey())));
        if (changed) {
            run.org.describe = describe;
        }
        checkDescribes(run);
        if (kept != null && changed) {
            LOG.info("Run of {}: the org's describes changed since the last run; its first batches are mapped again",
                    run.job.name());
            run.mapper = new MappingProcessor(run.job, describe, services.transforms());
        }
        // kept for the runs that map with them (a poll or a retry never does), not by a plan, which writes nothing
        if (changed && run.mode != RunContext.Mode.PLAN && mayRideOnFirstCall(run)) {
            keep(services, run, describe);
        }
    }

    private void checkDescribes(RunContext run) {
        checkMappedFields(run);
        if (run.activities != null) {
            String problem = io.sfsync.activities.ActivitySync.taskProblem(run.job, run.org.describe.get("Task"));
            if (problem != null) {
                throw new ConfigurationProblem(problem);
            }
        }
    }

    /**
     * Keeps the describes the run read, for the units of its shared work and the next run's first batch (a
     * failure to keep them costs that run one call); false when they could not be kept.
     */
    static boolean keep(SyncServices services, RunContext run, Map<String, ObjectInfo> describe) {
        Map<String, String> json = new LinkedHashMap<>();
        describe.forEach((o, info) -> json.put(o, info.toJson(run.salesforce.mapper())));
        try {
            services.store().describes().save(json);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not keep the describes of job {} for its next run: {}", run.job.name(), e.getMessage());
            return false;
        }
    }

    private static String fallbackOwnerQuery(OwnershipConfig own) {
        String t = own.fallbackTarget();
        if (own.fallback() == OwnershipConfig.Fallback.USER && t != null && !t.matches("005[A-Za-z0-9]{12,15}")) {
            return "SELECT Id FROM User WHERE IsActive = true AND (Email = " + Soql.quote(t) + " OR Username = "
                    + Soql.quote(t) + ") LIMIT 1";
        }
        if (own.fallback() == OwnershipConfig.Fallback.QUEUE && t != null && !t.matches("00G[A-Za-z0-9]{12,15}")) {
            return "SELECT Id FROM Group WHERE Type = 'Queue' AND (Name = " + Soql.quote(t) + " OR DeveloperName = "
                    + Soql.quote(t) + ") LIMIT 1";
        }
        return null;
    }

    /** Fields the job maps must exist and be writable: a typo fails the run before any row is touched. */
    private static void checkMappedFields(RunContext run) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<FieldRule>> e : run.job.fields().entrySet()) {
            ObjectInfo info = run.org.describe.get(e.getKey());
            for (FieldRule rule : e.getValue()) {
                var f = info.field(rule.field());
                if (f == null) {
                    problems.add("jobs." + run.job.name() + ".fields." + e.getKey() + "." + rule.field()
                            + ": Salesforce has no such field on " + e.getKey());
                } else if (rule.outbound() && !f.createable() && !f.updateable()) {
                    problems.add("jobs." + run.job.name() + ".fields." + e.getKey() + "." + rule.field()
                            + ": the field is not writable for the integration user (a formula or system field can"
                            + " only be direction: from_salesforce)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationProblem(String.join("; ", problems));
        }
    }

    /** A failure that stops the run: classify it, pause the job when the connection is broken. */
    void stopOnFailure(RunContext run, SalesforceClient.SalesforceCallException e) {
        switch (e.decision().runActionOutsideWrites()) {
            case PAUSE_BROKEN -> {
                String reason = "Salesforce login failed: " + e.getMessage();
                services.connection().broken(reason);
                if (run.mode == RunContext.Mode.RUN) {
                    services.store().setPaused(run.job.name(), true, reason);
                }
                run.stop("PAUSED", "connection BROKEN (" + reason + "); the job is paused until reconnected");
            }
            case PAUSE_BUDGET -> run.stop("PAUSED", "the org's daily API requests are spent; the rest waits for the next run");
            default -> run.stop("FAILED", "Salesforce call failed: " + e.getMessage());
        }
    }

    /** Closes the run — its threads, its counts and summary, its lease — unless that was done already. */
    public String finishOnce(RunContext run) {
        synchronized (run) {
            if (run.finishedStatus != null) {
                return run.finishedStatus;
            }
            run.close();
            try {
                run.finishedStatus = finish(run);
            } catch (RuntimeException e) {
                LOG.error("Could not close run {}: {}", run.runId, e.getMessage());
                run.finishedStatus = "FAILED";
            }
            return run.finishedStatus;
        }
    }

    /** Writes the run's outcome; returns its final status. */
    String finish(RunContext run) {
        if (run.busy) {
            return "BUSY";
        }
        if (run.unit != null) {
            return finishUnit(run);
        }
        try {
            return close(run);
        } finally {
            if (run.lease.token != null) {
                try {
                    services.store().release(run.job.name(), run.lease.token);
                } catch (RuntimeException e) {
                    LOG.warn("Could not release the run lease of {} ({}); it expires by itself", run.job.name(),
                            e.getMessage());
                }
            }
            running.remove(run.job.name());
        }
    }

    /** A unit's run ends: a unit not recorded to its end is ended blocked (its rows are read again next run). */
    private String finishUnit(RunContext run) {
        var u = run.unit;
        int unrecorded = run.apiCallsThisRun() - u.callsRecorded;
        if (unrecorded > 0) {
            // calls of a batch (or a page's part) never recorded: spent all the same, in the unit's and the run's counts
            services.store().work().spentUnrecorded(run.runId, u.unit.id(), unrecorded);
            u.callsRecorded += unrecorded;
        }
        if (u.reserved > 0) {
            services.store().work().unreserve(run.runId, u.reserved); // a batch reserved for but never recorded
            u.reserved = 0;
        }
        if ("PAUSED".equals(run.stopStatus)) {
            // the run's budget (or the org's) is spent, or the connection broke: no more units of it start
            services.store().work().abandonOpen(run.runId);
        }
        services.metrics().unit(run.job.name(), u.done, run.tally.counts.attempted(), run.apiCallsThisRun());
        if (u.handedBack) {
            // no longer this worker's: another claim goes on with it
            LOG.debug("{} of {}: handed back, records of it wait for other pages", u.unit.label(), run.job.name());
            return run.stopStatus != null ? run.stopStatus : "SUCCEEDED";
        }
        if (!u.done) {
            String why = run.stopReason != null ? run.stopReason : "its flow ended before the unit's last batch";
            services.store().work().endStopped(u.unit.id(), u.unit.token(),
                    (run.stopStatus != null ? run.stopStatus : "FAILED") + SharedWork.STATUS_SEPARATOR + why);
            LOG.warn("{} of {} stopped: {}", u.unit.label(), run.job.name(), why);
            return run.stopStatus != null ? run.stopStatus : "FAILED";
        }
        LOG.debug("{} of {}: {} ({} API calls)", u.unit.label(), run.job.name(), run.tally.counts.summary(),
                run.apiCallsThisRun());
        return "SUCCEEDED";
    }

    private String close(RunContext run) {
        if (run.stopReason == null && run.opening.get() != null) {
            // a run that looked nothing up still reads the limits and checks the describes
            try {
                run.sendOpening();
            } catch (SalesforceClient.SalesforceCallException e) {
                stopOnFailure(run, e);
            } catch (ConfigurationProblem e) {
                run.stop("FAILED", e.getMessage());
            }
        }
        if (run.sharedUnits + run.sharedPages > 0 && run.mode == RunContext.Mode.RUN) {
            // the units recorded into this run from every instance: its counts are sync_run's, grown batch by batch
            services.store().run(run.runId).ifPresent(r -> run.tally.counts = r.counts());
        }
        String status;
        if (run.stopStatus != null) {
            status = run.stopStatus;
        } else if (run.tally.counts.errors() > 0 || run.tally.counts.pending() > 0 || run.tally.counts.duplicates() > 0) {
            status = "PARTIAL";
        } else {
            status = "SUCCEEDED";
        }
        String summary = run.tally.counts.summary() + (run.stopReason == null ? "" : " — stopped: " + run.stopReason);
        if (run.resyncAsked && run.mode == RunContext.Mode.RUN && run.onlyKeys == null && run.stopStatus == null) {
            // the resync has read to the end: the next run trusts the payload hash again
            services.store().endResyncCompare(run.job.name(), run.lease.token);
        }
        if (run.mode != RunContext.Mode.PLAN) {
            services.store().finishRun(run.runId, status, run.tally.counts, run.apiCallsThisRun() + run.sharedCalls, summary);
        }
        services.metrics().apiCalls(run.job.name(), run.apiCallsThisRun());
        if (run.mode == RunContext.Mode.RUN) {
            var c = services.connection().status();
            services.alerts().runFinished(run.job.name(), run.runId, status, run.tally.counts.errors(), summary, run.stopReason,
                    c.apiMax(), c.apiRemaining());
        }
        services.metrics().run(run.job.name(), status, java.time.Duration.ofNanos(System.nanoTime() - run.tally.startedNanos));
        LOG.info("Run {} of {} {}: {} ({} API calls; {})", run.runId, run.job.name(), status, summary,
                run.apiCallsThisRun() + run.sharedCalls, run.sharedUnits + run.sharedPages > 0 ? shared(run) : run.stepTimes());
        return status;
    }

    /** "12 poll pages and 4 units shared by the cluster's workers". */
    private static String shared(RunContext run) {
        String pages = run.sharedPages == 0 ? "" : run.sharedPages + " poll page" + (run.sharedPages == 1 ? "" : "s");
        String units = run.sharedUnits == 0 ? "" : run.sharedUnits + " unit" + (run.sharedUnits == 1 ? "" : "s");
        return pages + (pages.isEmpty() || units.isEmpty() ? "" : " and ") + units + " shared by the cluster's workers";
    }

    /** Thrown when Salesforce and the configuration disagree (unknown field, missing fallback owner). */
    public static final class ConfigurationProblem extends RuntimeException {
        public ConfigurationProblem(String message) {
            super(message);
        }
    }

}
