package io.sfsync.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.JobConfig;
import io.sfsync.mapping.Transforms;
import io.sfsync.matching.LookupQueries;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceReader;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.RunReport;
import io.sfsync.synclog.SyncStore;
import io.sfsync.synclog.InboundStore;
import io.sfsync.inbound.Conflicts;
import io.sfsync.inbound.SourceTables;

/** What the REST API and the console do, independent of HTTP. */
public final class SyncApi {
    private final SyncBackend rt;
    /** Salesforce calls the API's lookup made today (UTC) in this instance; runs count theirs in sync_run. */
    private final DailyCount lookupCalls = new DailyCount();

    /** A count that starts again at 0 each UTC day. */
    private static final class DailyCount {
        private java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        private long count;

        synchronized void record(long n) {
            today();
            count += n;
        }

        synchronized long today() {
            java.time.LocalDate now = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            if (!now.equals(day)) {
                day = now;
                count = 0;
            }
            return count;
        }
    }

    public SyncApi(SyncBackend rt) {
        this.rt = rt;
    }

    /**
     * An API error: HTTP status, message and what names the culprit ({@code field} of the body or
     * {@code parameter} of the path or query, with what is {@code expected}), answered as one JSON object.
     */
    public static final class ApiProblem extends RuntimeException {
        private final int status;
        private final Map<String, Object> details;

        public ApiProblem(int status, String message) {
            this(status, message, Map.of());
        }

        public ApiProblem(int status, String message, Map<String, Object> details) {
            super(message);
            this.status = status;
            this.details = details;
        }

        /** A body field of the wrong type or value: 400. */
        public static ApiProblem badField(String field, String expected, String got) {
            return new ApiProblem(400, "body field " + field + " must be " + expected + (got == null ? "" : ", not " + got),
                    details("field", field, "expected", expected));
        }

        /** A path or query parameter that cannot be read: 400. */
        public static ApiProblem badParameter(String name, String expected, String got) {
            return new ApiProblem(400, "parameter " + name + " must be " + expected + (got == null ? "" : ", not " + got),
                    details("parameter", name, "expected", expected));
        }

        static Map<String, Object> details(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }

        public int status() {
            return status;
        }

        /** The response body: {@code {"error": message, …details}}. */
        public Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", getMessage());
            m.putAll(details);
            return m;
        }
    }

    public List<Map<String, Object>> runs(String job, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SyncStore.Run r : rt.store().recentRuns(limit)) {
            if (job == null || job.isBlank() || job.equals(r.job())) {
                out.add(run(r));
            }
        }
        return out;
    }

    public Map<String, Object> run(long id) {
        SyncStore.Run r = rt.store().run(id).orElseThrow(() -> new ApiProblem(404, "no run " + id,
                ApiProblem.details("parameter", "id", "expected", "the id of a run (GET /api/runs lists them)")));
        Map<String, Object> m = run(r);
        SyncStore.RunDigest digest = rt.store().digest(id, RunReport.EXAMPLES);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (SyncStore.ReportGroup g : digest.groups()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("action", g.action());
            o.put("reason", g.reason());
            o.put("sobject", g.sobject());
            o.put("count", g.count());
            o.put("hint", io.sfsync.synclog.Hints.forReason(g.reason()));
            List<Map<String, Object>> examples = new ArrayList<>();
            for (SyncStore.LogEntry e : digest.examples().getOrDefault(SyncStore.RunDigest.key(g.action(), g.reason()),
                    List.of())) {
                if (java.util.Objects.equals(e.sobject(), g.sobject())) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("sourceKey", e.sourceKey());
                    x.put("sfId", e.sfId());
                    x.put("url", e.sfId() == null ? null : recordUrl(e.sobject(), e.sfId()));
                    x.put("message", e.message());
                    examples.add(x);
                }
            }
            o.put("examples", examples);
            outcomes.add(o);
        }
        m.put("outcomes", outcomes);
        m.put("report", RunReport.render(r, digest));
        return m;
    }

    private static Map<String, Object> run(SyncStore.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("job", r.job());
        m.put("trigger", r.trigger());
        m.put("segment", r.segment());
        m.put("dryRun", r.dryRun());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("status", r.status());
        m.put("attempted", r.counts().attempted());
        m.put("created", r.counts().created());
        m.put("updated", r.counts().updated());
        m.put("skipped", r.counts().skipped());
        m.put("duplicates", r.counts().duplicates());
        m.put("errors", r.counts().errors());
        m.put("pending", r.counts().pending());
        m.put("unlinked", r.counts().unlinked());
        m.put("conflicts", r.counts().conflicts());
        m.put("direction", r.direction());
        m.put("apiCalls", r.apiCalls());
        m.put("summary", r.summary());
        m.put("resync", r.resync());
        return m;
    }

    /** Conflicts of inbound jobs (a record and its row differing when first linked), oldest first. */
    public List<Map<String, Object>> conflicts(String job, String status) {
        if (job != null && !rt.config().jobs().containsKey(job)) {
            String known = String.join(", ", rt.config().jobs().keySet());
            throw new ApiProblem(404, "no job named " + job + " (jobs: " + known + ")",
                    ApiProblem.details("parameter", "job", "expected", "one of " + known));
        }
        String st = status == null || status.isBlank() ? "OPEN" : status.trim().toUpperCase(Locale.ROOT);
        if (!List.of("OPEN", "TOOK_SALESFORCE", "TOOK_SOURCE", "MERGED", "ALL").contains(st)) {
            throw new ApiProblem(400, "parameter status must be one of open, took_salesforce, took_source, merged, all;"
                    + " not " + status, ApiProblem.details("parameter", "status", "expected",
                            "open, took_salesforce, took_source, merged or all"));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (InboundStore.Conflict c : rt.store().inbound().conflicts(job, st.equals("ALL") ? null : st)) {
            out.add(conflict(c));
        }
        return out;
    }

    /** An operator takes Salesforce's or the source's side of a conflict. */
    public Map<String, Object> resolveConflict(long id, String take, String user) {
        Conflicts.Take side;
        try {
            side = Conflicts.take(take);
        } catch (Conflicts.CannotResolve e) {
            throw ApiProblem.badField("take", "\"salesforce\" or \"source\"", take == null ? null : "'" + take + "'");
        }
        if (rt.store().inbound().conflict(id).isEmpty()) {
            throw new ApiProblem(404, "there is no conflict " + id, ApiProblem.details("parameter", "id", "expected",
                    "the id of an open conflict (GET /api/conflicts lists them)"));
        }
        try {
            return conflict(Conflicts.resolve(rt.store(), new SourceTables(rt.source()), rt.config().jobs(), id, side,
                    user == null ? "api" : user));
        } catch (Conflicts.CannotResolve e) {
            throw new ApiProblem(409, e.getMessage(), ApiProblem.details("parameter", "id", "expected",
                    "the id of an open conflict (GET /api/conflicts lists them)"));
        }
    }

    static Map<String, Object> conflict(InboundStore.Conflict c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("job", c.job());
        m.put("runId", c.runId());
        m.put("at", c.at() == null ? null : c.at().toString());
        m.put("sobject", c.sobject());
        m.put("sfId", c.sfId());
        m.put("sourceKey", c.sourceKey());
        try {
            m.put("fields", new com.fasterxml.jackson.databind.ObjectMapper().readValue(c.values(), Map.class));
        } catch (java.io.IOException e) {
            m.put("fields", c.values());
        }
        m.put("status", c.status());
        m.put("resolvedAt", c.resolvedAt() == null ? null : c.resolvedAt().toString());
        m.put("resolvedBy", c.resolvedBy());
        return m;
    }

    /**
     * "Created today vs attempted today": per Salesforce object, how many source rows were attempted and
     * how each ended, between from (default: midnight UTC today) and to (default: now).
     */
    public Map<String, Object> summary(String job, Instant from, Instant to) {
        Instant since = from == null ? Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS) : from;
        if (job != null && !rt.config().jobs().containsKey(job)) {
            String known = String.join(", ", rt.config().jobs().keySet());
            throw new ApiProblem(404, "no job named " + job + " (jobs: " + known + ")",
                    ApiProblem.details("parameter", "job", "expected", "one of " + known));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("from", since.toString());
        m.put("to", to == null ? null : to.toString());
        long attempted = 0;
        Map<String, Long> total = new LinkedHashMap<>();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (SyncStore.ObjectTally t : rt.store().tally(job, since, to)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("sobject", t.sobject());
            o.put("attempted", t.attempted());
            o.put("created", t.byAction().getOrDefault("CREATED", 0L));
            o.put("byAction", t.byAction());
            objects.add(o);
            attempted += t.attempted();
            t.byAction().forEach((action, n) -> total.merge(action, n, Long::sum));
        }
        m.put("attempted", attempted);
        m.put("created", total.getOrDefault("CREATED", 0L));
        m.put("byAction", total);
        m.put("objects", objects);
        return m;
    }

    public Map<String, Object> log(SyncStore.LogFilter filter, int page, int size) {
        SyncStore.LogPage p = rt.store().logPage(filter, page, size);
        List<Map<String, Object>> items = new ArrayList<>();
        for (SyncStore.LogEntry e : p.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("runId", e.runId());
            m.put("at", e.at().toString());
            m.put("job", e.job());
            m.put("direction", e.direction());
            m.put("sourceKey", e.sourceKey());
            m.put("sobject", e.sobject());
            m.put("sfId", e.sfId());
            m.put("action", e.action());
            m.put("reason", e.reason());
            m.put("message", e.message());
            m.put("hint", io.sfsync.synclog.Hints.forReason(e.reason()));
            // the Salesforce fields the outcome concerns (sent, or at fault), as sync_log keeps them comma-separated
            m.put("fields", e.fields() == null || e.fields().isBlank() ? null
                    : java.util.Arrays.stream(e.fields().split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList());
            m.put("url", e.sfId() == null ? null : recordUrl(e.sobject(), e.sfId()));
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("page", p.page());
        out.put("size", p.size());
        out.put("total", p.total());
        return out;
    }

    /** Runs the rows whose last outcome was an error again (only those of a run, or with a reason, when given). */
    public Map<String, Object> retryJob(String job, Long runId, String reason, String trigger) {
        JobConfig j = requireJob(job);
        if (!j.outbound()) {
            throw new ApiProblem(409, "retry sends rows that failed again; job " + job + " is inbound",
                    ApiProblem.details("job", job, "expected", "a job that sends rows to Salesforce (direction outbound or both)"));
        }
        SyncBackend.RetryWork work = rt.retryWork(job, runId, reason);
        if (work.none()) {
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("runId", null);
            none.put("status", "NOTHING_TO_RETRY");
            none.put("summary", "no errors to retry for " + job);
            none.put("stopReason", null);
            none.put("apiCalls", 0);
            return none;
        }
        Map<String, Object> out = runResult(rt.retry(job, trigger, work.keys(), null));
        out.put("retried", Map.of("rows", work.keys().size(), "touchpoints", work.touchpoints()));
        return out;
    }

    /** The cluster: its instances (id, last check-in) and which one holds each job's run lease now. */
    public Map<String, Object> cluster() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clustered", rt.clustered());
        String worker = rt.worker();
        m.put("sharesWork", worker != null);
        m.put("worker", worker);
        List<Map<String, Object>> instances = new ArrayList<>();
        for (var i : rt.clusterInstances()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", i.id());
            x.put("lastCheckin", i.lastCheckin().toString());
            x.put("checkinIntervalMs", i.checkinIntervalMs());
            instances.add(x);
        }
        m.put("instances", instances);
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (JobConfig j : rt.config().jobs().values()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("job", j.name());
            var lease = rt.store().lease(j.name()).filter(l -> l.token() != null);
            x.put("heldBy", lease.map(SyncStore.Lease::holder).orElse(null));
            x.put("runId", lease.map(SyncStore.Lease::runId).orElse(null));
            x.put("since", lease.map(l -> l.since() == null ? null : l.since().toString()).orElse(null));
            x.put("heartbeat", lease.map(l -> l.heartbeat() == null ? null : l.heartbeat().toString()).orElse(null));
            jobs.add(x);
        }
        m.put("jobs", jobs);
        List<Map<String, Object>> units = new ArrayList<>();
        if (worker != null) {
            for (var u : rt.store().work().recent(200)) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", u.id());
                x.put("job", u.job());
                x.put("runId", u.runId());
                x.put("seq", u.seq());
                x.put("part", u.part());
                x.put("kind", u.kind());
                x.put("state", u.state());
                x.put("claimedBy", u.claimedBy());
                x.put("leaseUntil", u.leaseUntil() == null ? null : u.leaseUntil().toString());
                x.put("claims", u.claims());
                x.put("rowsRecorded", u.rowsRecorded());
                x.put("plannedRows", u.plannedRows());
                units.add(x);
            }
        }
        m.put("units", units);
        return m;
    }

    /** What the last look at sync.yaml found. */
    public Map<String, Object> configStatus() {
        return rt.configStatus();
    }

    /** Runs a job now (synchronously: a run is seconds) and returns its summary. */
    public Map<String, Object> trigger(String job, String segment, boolean dryRun, String trigger) {
        JobConfig j = requireJob(job);
        if (segment != null && j.segmentPredicate(segment) == null) {
            String known = String.join(", ", j.segments().keySet());
            throw new ApiProblem(404, "job " + job + " has no segment '" + segment + "' (segments: " + known + ")",
                    ApiProblem.details("field", "segment", "expected", "one of " + known));
        }
        RunContext run = rt.run(job, dryRun ? RunContext.Mode.DRY_RUN : RunContext.Mode.RUN, trigger, segment, null, null);
        return runResult(run);
    }

    /**
     * Reads a job's rows again now: every row, those changed since {@code since}, those with these keys, or
     * those whose last outcome had {@code reason} (at most one of the three).
     */
    public Map<String, Object> resyncJob(String job, String since, List<String> keys, String reason, String trigger) {
        JobConfig j = requireJob(job);
        String problem = j.resyncProblem();
        if (problem != null) {
            throw new ApiProblem(409, problem, ApiProblem.details("job", job, "expected",
                    "a job that sends rows to Salesforce (direction outbound or both, dataSync on)"));
        }
        if ((since != null ? 1 : 0) + (keys != null ? 1 : 0) + (reason != null ? 1 : 0) > 1) {
            throw ApiProblem.badField("since", "at most one of since, keys and reason", "more than one");
        }
        java.time.Instant from = null;
        if (since != null) {
            try {
                from = java.time.Instant.parse(since);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiProblem.badField("since", "an ISO-8601 instant such as 2026-12-01T00:00:00Z", "'" + since + "'");
            }
        }
        if (reason != null) {
            keys = rt.store().keysWithLatestReason(job, reason);
            if (keys.isEmpty()) {
                Map<String, Object> none = new LinkedHashMap<>();
                none.put("runId", null);
                none.put("status", "NOTHING_TO_RESYNC");
                none.put("summary", "no rows of " + job + " whose last outcome was " + reason);
                none.put("stopReason", null);
                none.put("apiCalls", 0);
                return none;
            }
        }
        RunContext run = keys != null ? rt.run(job, RunContext.Mode.RUN, trigger, null, keys, null)
                : rt.resync(job, trigger, from, null);
        Map<String, Object> out = runResult(run);
        out.put("resync", run.resync() != null ? run.resync()
                : keys != null ? run.counts().attempted() + " rows read of the " + keys.size() + " keys asked for" : null);
        return out;
    }

    private Map<String, Object> runResult(RunContext run) {
        if ("BUSY".equals(run.status())) {
            throw new ApiProblem(409, run.stopReason(), ApiProblem.details("job", run.job().name(), "status", "BUSY"));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", run.runId());
        m.put("status", run.status());
        m.put("summary", run.counts().summary());
        m.put("stopReason", run.stopReason());
        m.put("apiCalls", run.apiCalls());
        return m;
    }

    /** Push one row now, creating it as Lead or Contact when Salesforce has no match. */
    public Map<String, Object> push(String job, String key, String as) {
        JobConfig j = requireJob(job);
        if (as != null && !as.equals("Lead") && !as.equals("Contact")) {
            throw ApiProblem.badField("as", "\"Lead\" or \"Contact\"", "'" + as + "'");
        }
        requireSourceRow(j, key);
        RunContext run = rt.run(job, RunContext.Mode.RUN, "api", null, List.of(key), null, as);
        return single(run, key);
    }

    /** Sync one row again now, even if nothing changed. */
    public Map<String, Object> resync(String job, String key) {
        requireSourceRow(requireJob(job), key);
        return single(rt.run(job, RunContext.Mode.RUN, "api", null, List.of(key), null, null), key);
    }

    private Map<String, Object> single(RunContext run, String key) {
        Map<String, Object> m = runResult(run);
        run.outcomes().stream().filter(o -> o.sourceKey().equals(key)).findFirst().ifPresentOrElse(o -> {
            m.put("action", o.action().name());
            m.put("reason", o.reason());
            m.put("message", o.message());
            m.put("sfId", o.sfId());
            m.put("url", o.sfId() == null ? null : recordUrl(o.sobject(), o.sfId()));
        }, () -> {
            throw new ApiProblem(404, "job " + run.job().name() + " has no source row " + key,
                    ApiProblem.details("parameter", "key", "expected", "the key of a row of the job's source query"));
        });
        return m;
    }

    /** Link a row to an existing Salesforce record by Id (the next sync updates it). */
    public Map<String, Object> link(String job, String key, String sfId, String user) {
        JobConfig j = requireJob(job);
        String expected = "the 15- or 18-character Salesforce Id of a Lead (00Q…) or a Contact (003…)";
        if (sfId == null) {
            throw ApiProblem.badField("sfId", expected, null);
        }
        if (!sfId.matches("[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?")) {
            throw ApiProblem.badField("sfId", expected, "'" + sfId + "'");
        }
        String object = sfId.startsWith("00Q") ? "Lead" : sfId.startsWith("003") ? "Contact" : null;
        if (object == null) {
            throw new ApiProblem(400, "body field sfId: " + sfId + " is not a Lead (00Q…) or a Contact (003…)",
                    ApiProblem.details("field", "sfId", "expected", expected));
        }
        requireSourceRow(j, key);
        SalesforceClient sf = rt.salesforce();
        List<JsonNode> r = sf.composite(List.of(sf.subrequest("GET", "sobjects/" + object + "/" + sfId + "?fields=Id,OwnerId",
                "record", null)), Map.of(), true);
        if (r.get(0).path("httpStatusCode").asInt() >= 300) {
            throw new ApiProblem(404, "Salesforce has no " + object + " " + sfId + ": " + r.get(0).path("body"));
        }
        String id = r.get(0).path("body").path("Id").asText();
        Link link = new Link(job, key, object, id, null, r.get(0).path("body").path("OwnerId").asText(null), null,
                Instant.now(), "MANUAL");
        try {
            rt.store().setLink(job, key, link, Outcome.of(key, object, id, Action.LINKED, "MANUAL", "linked by " + user));
        } catch (io.sfsync.synclog.SyncStore.LinkConflictException e) {
            throw new ApiProblem(409, e.getMessage(), ApiProblem.details("field", "sfId", "linkedTo", e.otherKey()));
        }
        return Map.of("job", job, "sourceKey", key, "sobject", object, "sfId", id, "url", recordUrl(object, id));
    }

    public Map<String, Object> unlink(String job, String key, String user) {
        requireJob(job);
        Link existing = rt.store().links(job, List.of(key)).get(key);
        if (existing == null) {
            throw new ApiProblem(404, "row " + key + " of " + job + " is not linked",
                    ApiProblem.details("parameter", "key", "expected", "the key of a linked row"));
        }
        rt.store().setLink(job, key, null, Outcome.of(key, existing.sobject(), existing.sfId(), Action.UNLINKED, "MANUAL",
                "unlinked by " + user));
        return Map.of("job", job, "sourceKey", key, "unlinked", existing.sfId());
    }

    public Map<String, Object> relink(String job, String key, String sfId, String user) {
        requireJob(job);
        if (rt.store().links(job, List.of(key)).containsKey(key)) {
            unlink(job, key, user);
        }
        return link(job, key, sfId, user);
    }

    public Map<String, Object> url(String job, String key) {
        requireJob(job);
        Link link = rt.store().links(job, List.of(key)).get(key);
        if (link == null) {
            throw new ApiProblem(404, "row " + key + " of " + job + " is not linked to a Salesforce record",
                    ApiProblem.details("parameter", "key", "expected", "the key of a linked row"));
        }
        return Map.of("sobject", link.sobject(), "sfId", link.sfId(), "url", recordUrl(link.sobject(), link.sfId()));
    }

    /**
     * Are these emails already Leads or Contacts, these domains Accounts? One Composite call with three
     * queries, whatever the number of emails and domains (up to 500 of each).
     */
    public Map<String, Object> lookup(List<String> emails, List<String> domains) {
        Set<String> e = new LinkedHashSet<>();
        emails.forEach(x -> {
            if (x != null && !x.isBlank()) {
                e.add(x.trim().toLowerCase(Locale.ROOT));
            }
        });
        Set<String> d = new LinkedHashSet<>();
        domains.forEach(x -> {
            String dom = x == null ? null : Transforms.domain(x);
            if (dom != null) {
                d.add(dom);
            }
        });
        if (e.size() > 500 || d.size() > 500) {
            throw new ApiProblem(400, "at most 500 emails and 500 domains per lookup");
        }
        SalesforceClient sf = rt.salesforce();
        List<ObjectNode> subs = new ArrayList<>();
        if (!e.isEmpty()) {
            subs.add(query(sf, LookupQueries.people("Lead", List.of("Id", "Email", "IsConverted"), List.of(), null, List.of(),
                    e), "Lead"));
            subs.add(query(sf, LookupQueries.people("Contact", List.of("Id", "Email", "AccountId"), List.of(), null,
                    List.of(), e), "Contact"));
        }
        if (!d.isEmpty()) {
            subs.add(query(sf, LookupQueries.accounts(List.of("Id", "Name", "Website"), List.of(), d), "Account"));
        }
        Map<String, Map<String, List<String>>> byEmail = new LinkedHashMap<>();
        e.forEach(x -> byEmail.put(x, new LinkedHashMap<>(Map.of("leads", new ArrayList<>(), "contacts", new ArrayList<>()))));
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        d.forEach(x -> byDomain.put(x, new ArrayList<>()));
        if (!subs.isEmpty()) {
            lookupCalls.record(1);
            for (JsonNode r : sf.composite(subs, Map.of(), true)) {
                String object = r.path("referenceId").asText();
                for (JsonNode rec : r.path("body").path("records")) {
                    if (object.equals("Account")) {
                        String dom = Transforms.domain(rec.path("Website").asText(""));
                        if (dom != null && byDomain.containsKey(dom)) {
                            byDomain.get(dom).add(rec.path("Id").asText());
                        }
                    } else {
                        Map<String, List<String>> hit = byEmail.get(rec.path("Email").asText("").toLowerCase(Locale.ROOT));
                        if (hit != null) {
                            hit.get(object.equals("Lead") ? "leads" : "contacts").add(rec.path("Id").asText());
                        }
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("emails", byEmail);
        out.put("domains", byDomain);
        out.put("apiCalls", subs.isEmpty() ? 0 : 1);
        return out;
    }

    private static ObjectNode query(SalesforceClient sf, String soql, String ref) {
        return sf.subrequest("GET", "query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8), ref, null);
    }

    public Map<String, Object> connection() {
        ConnectionMonitor.Status s = rt.connection().status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state().name());
        m.put("reason", s.reason());
        m.put("loginUrl", rt.loginUrl());
        m.put("auth", rt.config().salesforce().auth().name().toLowerCase(Locale.ROOT));
        m.put("authDeprecated", rt.config().salesforce().auth() == io.sfsync.config.SalesforceSettings.AuthType.PASSWORD);
        m.put("checkedAt", s.checkedAt() == null ? null : s.checkedAt().toString());
        io.sfsync.salesforce.ConnectionAdvice advice = io.sfsync.salesforce.ConnectionAdvice.of(s.state(), s.reason(),
                rt.config().salesforce().auth(), rt.loginUrl());
        m.put("advice", advice == null ? null : Map.of("happened", advice.happened(), "todo", advice.todo()));
        m.put("instanceUrl", rt.instanceUrl());
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (JobConfig j : rt.config().jobs().values()) {
            SyncStore.State st = rt.store().state(j.name());
            jobs.add(new LinkedHashMap<>(Map.of("job", j.name(), "paused", st.paused(),
                    "reason", st.brokenReason() == null ? "" : st.brokenReason(),
                    "direction", j.direction().name(), "schedule", j.cron(), "sendsToSalesforce", j.outbound())));
        }
        m.put("jobs", jobs);
        return m;
    }

    public Map<String, Object> usage() {
        ConnectionMonitor.Status s = rt.connection().status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dailyMax", s.apiMax());
        m.put("remaining", s.apiRemaining());
        m.put("budgetPercent", rt.config().salesforce().dailyApiBudgetPercent());
        long runs = rt.store().apiCallsSince(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS));
        long lookups = lookupCalls.today();
        m.put("sfsyncCallsToday", runs + lookups);
        m.put("runCallsToday", runs);
        m.put("lookupCallsToday", lookups);
        return m;
    }

    /** "Fix now": log in again with the current credentials, clear the pause, resume every job from its watermark. */
    public Map<String, Object> reconnect(String user) {
        try {
            rt.relogin();
        } catch (RuntimeException e) {
            rt.connection().broken("reconnect failed: " + io.sfsync.salesforce.ErrorClassifier.describe(e));
            throw new ApiProblem(502, "Salesforce refused the login: " + io.sfsync.salesforce.ErrorClassifier.describe(e));
        }
        rt.connection().repaired();
        List<Map<String, Object>> resumed = new ArrayList<>();
        for (JobConfig j : rt.config().jobs().values()) {
            if (rt.store().state(j.name()).paused()) {
                rt.store().setPaused(j.name(), false, null);
                try {
                    resumed.add(trigger(j.name(), null, false, "api"));
                } catch (ApiProblem busy) {
                    // the job is running elsewhere already: it is resumed, this trigger is not needed
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("job", j.name());
                    b.put("runId", null);
                    b.put("status", busy.status() == 409 ? "BUSY" : "NOT_STARTED");
                    b.put("summary", busy.getMessage());
                    b.put("stopReason", busy.getMessage());
                    resumed.add(b);
                }
            }
        }
        Map<String, Object> m = connection();
        m.put("resumed", resumed);
        m.put("by", user);
        return m;
    }

    private JobConfig requireJob(String job) {
        JobConfig j = rt.config().jobs().get(job);
        if (j == null) {
            String known = String.join(", ", rt.config().jobs().keySet());
            throw new ApiProblem(404, "no job '" + job + "' (jobs: " + known + ")",
                    ApiProblem.details("parameter", "job", "expected", "one of " + known));
        }
        return j;
    }

    /**
     * A per-record action needs the row to exist in the job's source: otherwise it answers 404 before any
     * run starts, so nothing is recorded for a key that is not there.
     */
    private void requireSourceRow(JobConfig job, String key) {
        String column = job.source().key();
        List<io.sfsync.source.SourceRow> rows;
        try {
            rows = new SourceReader(rt.source(), job.source()).byKeys(List.of(key), "1 = 1");
        } catch (SourceReader.SourceException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NumberFormatException) {
                    // the key column is numeric, so no row can have this key
                    throw new ApiProblem(404, "job " + job.name() + " has no source row '" + key + "': its key column "
                            + column + " holds numbers", ApiProblem.details("parameter", "key", "expected",
                            "a number (the value of " + column + ")"));
                }
            }
            throw e;
        }
        if (rows.isEmpty()) {
            throw new ApiProblem(404, "job " + job.name() + " has no source row with " + column + " = '" + key + "'",
                    ApiProblem.details("parameter", "key", "expected", "the " + column + " of a row of the job's source query"));
        }
    }

    private String recordUrl(String object, String sfId) {
        return rt.instanceUrl() + "/lightning/r/" + (object == null ? "sObject" : object) + "/" + sfId + "/view";
    }
}
