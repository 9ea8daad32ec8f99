package io.sfsync.activities;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.ActivitiesConfig;
import io.sfsync.config.JobConfig;
import io.sfsync.mapping.PayloadHasher;
import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.salesforce.Soql;
import io.sfsync.source.SourceReader;
import io.sfsync.source.SourceRow;
import io.sfsync.synclog.ActivityStore;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;
import io.sfsync.synclog.Watermark;

/**
 * Touchpoints → completed Tasks, a batch at a time: read (after the activities' watermark, and the
 * touchpoints that waited for their person), resolve (WhoId and WhatId from the person's sync_link — no
 * Salesforce query —, OwnerId from the sender's User, the Task's fields), write (sObject Collections
 * upserts on the Task's external ID, five to a Composite call, so a touchpoint is one Task however often
 * it is sent) and record (sync_log, sync_activity, the watermark, in one transaction).
 */
public final class ActivitySync {
    private static final Logger LOG = LoggerFactory.getLogger(ActivitySync.class);
    static final int COLLECTION_SIZE = 200;
    static final int COLLECTIONS_PER_COMPOSITE = 5;
    /** Sender emails looked up in one query (a GET with a SOQL IN list stays well below URL limits). */
    static final int EMAILS_PER_QUERY = 100;
    private static final String SUBTYPE = "TaskSubtype";

    private ActivitySync() {
    }

    /** The run as the activities engine sees it. */
    public interface Context {
        JobConfig job();

        long runId();

        /** Whether Salesforce and the sync tables are written (a real run), or only the log (a dry run). */
        boolean writes();

        /** Whether anything is recorded at all (false for a plan). */
        boolean logs();

        /** One Composite call on behalf of the run (one API call). */
        List<JsonNode> composite(List<ObjectNode> subrequests);

        SalesforceClient salesforce();

        ActivityStore store();

        /** The job's sync_link rows of these people, by source key. */
        Map<String, Link> personLinks(Collection<String> personKeys);

        /** The job's source rows of these people (with whether each is in the run's segment), by key. */
        Map<String, SourceRow> people(Collection<String> personKeys);

        /** The run's segment, for the reason a touchpoint of a person outside it is skipped. */
        String segment();

        /** The job's fallback user (ownership.fallback user:…), or null. */
        String fallbackOwnerId();

        /** Counts the batch's outcomes in the run's tally (once recorded). */
        void counted(List<Outcome> outcomes);

        /**
         * A dry run or plan: the object this run decided the person becomes (created or updated, not linked
         * since nothing is written), or null.
         */
        String plannedPerson(String personKey);

        /** A dry run or plan: the keys of the people it decided to create or update (empty otherwise). */
        Set<String> plannedPeople();

        String leaseToken();

        int apiCallsSoFar();

        /** Whether the run has been told to stop (broken login, budget, a lost lease). */
        boolean stopped();

        /** A call failed in a way that stops the run (a broken login pauses the job). */
        void stopOnFailure(SalesforceClient.SalesforceCallException e);

        long retryBackoffMs();
    }

    /** Where a run's activities stand. */
    public static final class State {
        final ActivitiesConfig config;
        final SourceReader reader;
        Watermark durable;
        SourceReader.Cursor cursor;
        boolean streamDone;
        /**
         * Touchpoints that waited PENDING and may go now: read again by key before the stream (asked at the
         * first batch, after the run's people are linked).
         */
        List<String> ready;
        /** Sender email (lower case) → active User Id, or "" when Salesforce has none: asked once per run. */
        final Map<String, String> owners = new HashMap<>();
        /** The senders of the backlog, asked on the run's opening call. */
        List<String> prefetch = List.of();
        /** The versions (changedAt) of the touchpoints this run read by key: the stream sets them aside. */
        final Map<String, Instant> readByKey = new HashMap<>();
        int batches;

        State(ActivitiesConfig config, SourceReader reader, Watermark durable, boolean readyOnly) {
            this.config = config;
            this.reader = reader;
            this.durable = durable;
            this.streamDone = readyOnly;
        }

        /** Whether another batch may bring touchpoints. */
        public boolean more() {
            return ready == null || !ready.isEmpty() || !streamDone;
        }

        public Watermark watermark() {
            return durable;
        }

        public void close() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }

    /**
     * A run's start: the watermark and the senders of the backlog (read with one SQL query), so the opening
     * call can look their Users up. A run of chosen rows (a retry, a push) sends only the touchpoints that
     * waited and may go now ({@code readyOnly}), never new ones. Null when the job has no activities.
     */
    public static State start(ActivityStore store, JobConfig job, DataSource source, boolean readyOnly) {
        if (!job.syncsActivities()) {
            return null;
        }
        ActivitiesConfig a = job.activities();
        String written = store.externalIdPrefix(job.name());
        if (written != null && !written.equals(a.externalIdPrefix())) {
            throw new IllegalStateException("jobs." + job.name() + ".activities.externalIdPrefix is '" + a.externalIdPrefix()
                    + "', but the job's Tasks were written with '" + written + "': with another prefix every touchpoint"
                    + " read again would get a second Task. Set it back to '" + written + "'");
        }
        State s = new State(a, new SourceReader(source, a.source()), store.watermark(job.name()), readyOnly);
        if (a.senderColumn() != null && !readyOnly) {
            s.prefetch = backlogSenders(source, a, s.durable);
        }
        return s;
    }

    /** The distinct senders of the touchpoints after the watermark (at most one query's worth). */
    private static List<String> backlogSenders(DataSource source, ActivitiesConfig a, Watermark after) {
        String sql = "SELECT DISTINCT src." + a.senderColumn() + " FROM (" + a.source().query() + ") src WHERE src."
                + a.source().changedAt() + " >= ? AND src." + a.senderColumn() + " IS NOT NULL";
        List<String> out = new ArrayList<>();
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, after.changedAt().atOffset(ZoneOffset.UTC));
            ps.setMaxRows(EMAILS_PER_QUERY);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String e = rs.getString(1);
                    if (e != null && !e.isBlank()) {
                        out.add(e.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (SQLException e) {
            // the senders are looked up batch by batch instead
            LOG.debug("Could not read the senders of the touchpoints ahead: {}", e.getMessage());
        }
        return out;
    }

    /** What the run's opening call asks for the activities: the Task's describe and the backlog's senders. */
    public static List<ObjectNode> firstRequests(SalesforceClient sf, State s) {
        List<ObjectNode> subs = new ArrayList<>();
        subs.add(sf.subrequest("GET", "sobjects/Task/describe", "describeTask", null));
        if (!s.prefetch.isEmpty()) {
            subs.add(sf.subrequest("GET", "query?q=" + Soql.urlEncoded(ownersQuery(s.prefetch)), "activityOwners", null));
        }
        return subs;
    }

    /** Takes the senders' Users from the opening call's answers. */
    public static void firstAnswers(State s, List<JsonNode> responses) {
        for (JsonNode r : responses) {
            if (r.path("referenceId").asText().equals("activityOwners") && r.path("httpStatusCode").asInt() < 300) {
                s.prefetch.forEach(e -> s.owners.put(e, ""));
                owners(s, r.path("body").path("records"));
            }
        }
    }

    /** The problem with the org's Task for these activities (its external ID field), or null. */
    public static String taskProblem(JobConfig job, ObjectInfo task) {
        String ext = job.activities().externalIdField();
        String path = "jobs." + job.name() + ".activities.externalIdField";
        if (task == null) {
            return path + ": Salesforce did not describe Task";
        }
        var f = task.field(ext);
        return f == null ? path + ": Task has no field " + ext + " (create it: Text(64), External ID, Unique)" : null;
    }

    // --- read ---------------------------------------------------------------------------------------

    /** A batch of nothing: what the read step hands a loop that asks once more than there is. */
    public static ActivityBatch emptyBatch() {
        return new ActivityBatch(0, List.of(), null);
    }

    /** The next batch: touchpoints ready to go again first, then the stream after the watermark. */
    public static ActivityBatch read(Context ctx, State s, int size) {
        s.batches++;
        if (s.ready == null) {
            s.ready = new ArrayList<>(ctx.store().ready(ctx.job().name(), 100_000));
            if (!ctx.writes() && !ctx.plannedPeople().isEmpty()) {
                // a dry run or plan links nobody: the waiting touchpoints of the people it would create go too
                for (String k : ctx.store().waitingFor(ctx.job().name(), ctx.plannedPeople())) {
                    if (!s.ready.contains(k)) {
                        s.ready.add(k);
                    }
                }
            }
        }
        List<SourceRow> rows = new ArrayList<>();
        Watermark reached = null;
        List<ActivityWork> gone = new ArrayList<>();
        boolean fromStream = false;
        if (!s.ready.isEmpty()) {
            List<String> keys = new ArrayList<>(s.ready.subList(0, Math.min(size, s.ready.size())));
            s.ready.subList(0, keys.size()).clear();
            rows.addAll(s.reader.byKeys(keys, "1 = 1"));
            Set<String> found = new HashSet<>();
            rows.forEach(r -> {
                found.add(r.key());
                if (r.changedAt() != null) {
                    s.readByKey.put(r.key(), r.changedAt());
                }
            });
            for (String k : keys) {
                if (!found.contains(k)) {
                    ActivityWork w = new ActivityWork(new SourceRow(k, null, Map.of(), true));
                    w.settle(new Outcome(k, "Task", null, Action.SKIPPED, "SOURCE_ROW_GONE", "touchpoint " + k
                            + " waited for its person but is no longer in the activities query; no Task is made", null));
                    gone.add(w);
                }
            }
        } else if (!s.streamDone) {
            fromStream = true;
            if (s.cursor == null) {
                s.cursor = s.reader.open(s.durable, "1 = 1", Math.min(size, 1000));
            }
            rows = s.cursor.next(size);
            if (rows.size() < size) {
                s.streamDone = true;
            }
            for (SourceRow r : rows) {
                if (!r.isInvalid() && !r.replay()) {
                    reached = new Watermark(r.changedAt(), r.key());
                }
            }
        }
        List<String> keys = new ArrayList<>();
        rows.forEach(r -> keys.add(r.key()));
        gone.forEach(w -> keys.add(w.key()));
        Map<String, ActivityStore.Activity> known = ctx.store().activities(ctx.job().name(), keys);
        List<ActivityWork> works = new ArrayList<>();
        for (ActivityWork w : gone) {
            ActivityWork k = new ActivityWork(w.row);
            k.known = known.get(w.key());
            k.settle(new Outcome(w.key(), "Task", known(k), w.outcome().action(), w.outcome().reason(),
                    w.outcome().message(), null));
            works.add(k);
        }
        Set<String> seen = new HashSet<>();
        for (SourceRow r : rows) {
            ActivityStore.Activity k = known.get(r.key());
            // set aside: a touchpoint the overlap window brings back that was settled, an invalid row reported already
            if (r.replay() && k != null && !"PENDING".equals(k.state()) && k.sourceChangedAt() != null
                    && !r.changedAt().isAfter(k.sourceChangedAt())) {
                continue;
            }
            if (r.isInvalid() && k != null && "INVALID_SOURCE_ROW".equals(k.reason())) {
                continue;
            }
            if (fromStream && r.changedAt() != null && r.changedAt().equals(s.readByKey.get(r.key()))) {
                continue; // this very version went earlier in the run, read by key
            }
            ActivityWork w = new ActivityWork(r);
            w.known = k;
            if (!seen.add(r.key())) {
                w.settle(new Outcome(r.key(), "Task", null, Action.DUPLICATE, "DUPLICATE_IN_SOURCE", "touchpoint "
                        + r.key() + " comes more than once from the activities query; only its first row is synced", null));
            }
            works.add(w);
        }
        return new ActivityBatch(s.batches, works, reached);
    }

    // --- resolve ------------------------------------------------------------------------------------

    /** Who, what and whose each touchpoint's Task is, and its fields; settles what cannot go yet or at all. */
    public static void resolve(Context ctx, State s, ActivityBatch batch) {
        ActivitiesConfig a = s.config;
        Set<String> personKeys = new LinkedHashSet<>();
        Set<String> senders = new LinkedHashSet<>();
        for (ActivityWork w : batch.works) {
            if (w.settled()) {
                continue;
            }
            String problem = rowProblem(a, w);
            if (problem != null) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.ERROR, "INVALID_SOURCE_ROW", problem, null));
                continue;
            }
            personKeys.add(w.personKey);
            String sender = a.senderColumn() == null ? null : w.row.text(a.senderColumn());
            if (sender != null && !s.owners.containsKey(sender.toLowerCase(Locale.ROOT))) {
                senders.add(sender.toLowerCase(Locale.ROOT));
            }
        }
        if (personKeys.isEmpty()) {
            return;
        }
        Map<String, Link> links = ctx.personLinks(personKeys);
        Map<String, SourceRow> people = ctx.people(personKeys);
        lookUpOwners(ctx, s, senders);
        String dnc = ctx.job().doNotContactColumn();
        for (ActivityWork w : batch.works) {
            if (w.settled()) {
                continue;
            }
            SourceRow person = people.get(w.personKey);
            Link link = links.get(w.personKey);
            if (person != null && !person.inSegment()) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.SKIPPED, "PERSON_NOT_IN_SEGMENT", "person "
                        + w.personKey + " is not in segment " + ctx.segment() + ": the job logs no activities for them",
                        null));
            } else if (person != null && dnc != null && person.flag(dnc)) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.SKIPPED, "DO_NOT_CONTACT", "person "
                        + w.personKey + " is do-not-contact (" + dnc + " is set): no activity is logged", null));
            } else if ((link == null || link.sfId() == null) && ctx.plannedPerson(w.personKey) != null) {
                // a dry run or plan: a real run links the person first, then makes this Task
                w.whoId = "(the person's " + ctx.plannedPerson(w.personKey) + ")";
                payload(a, w);
            } else if (link == null || link.sfId() == null) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.PENDING, ActivityStore.PERSON_NOT_LINKED, "person "
                        + w.personKey + " is not linked to a Salesforce record yet; the Task goes in the run after it is"
                        + (ctx.job().dataSync() ? "" : " (dataSync is off: link the person, or turn dataSync on)"), null));
            } else {
                w.whoId = link.sfId();
                w.whatId = "Contact".equals(link.sobject()) ? link.accountId() : null;
                String sender = a.senderColumn() == null ? null : w.row.text(a.senderColumn());
                String owner = sender == null ? null : s.owners.get(sender.toLowerCase(Locale.ROOT));
                w.ownerId = owner != null && !owner.isEmpty() ? owner : ctx.fallbackOwnerId();
                payload(a, w);
                if (w.known != null && "SYNCED".equals(w.known.state()) && w.payloadHash.equals(w.known.payloadHash())) {
                    w.taskId = w.known.sfId();
                    w.settle(new Outcome(w.key(), "Task", w.known.sfId(), Action.SKIPPED, "NO_CHANGE",
                            "the Task is up to date", null));
                }
            }
        }
    }

    /** Why a touchpoint row cannot become a Task (naming the column), or null; sets its person's key. */
    private static String rowProblem(ActivitiesConfig a, ActivityWork w) {
        if (w.row.isInvalid()) {
            return "touchpoint " + w.key() + ": " + w.row.invalid();
        }
        w.personKey = w.row.text(a.personColumn());
        if (w.personKey == null) {
            return "touchpoint " + w.key() + ": " + a.personColumn() + " (the person) is empty";
        }
        String kind = w.row.text(a.kindColumn());
        if (kind == null || !a.kinds().containsKey(kind)) {
            return "touchpoint " + w.key() + ": " + a.kindColumn() + " " + (kind == null ? "is empty" : "'" + kind + "'")
                    + (kind == null ? "" : " is not one of " + String.join("|", a.kinds().keySet()))
                    + " (map it under activities.kinds)";
        }
        Object at = w.row.get(a.occurredAtColumn());
        if (at == null) {
            return "touchpoint " + w.key() + ": " + a.occurredAtColumn() + " (when it happened) is empty";
        }
        if (dateOf(at) == null) {
            return "touchpoint " + w.key() + ": " + a.occurredAtColumn() + " '" + at + "' is not a date or time";
        }
        return null;
    }

    /** The Task's fields; TaskSubtype only while no Task exists (Salesforce sets it on create only). */
    private static void payload(ActivitiesConfig a, ActivityWork w) {
        ActivitiesConfig.Kind kind = a.kinds().get(w.row.text(a.kindColumn()));
        Map<String, Object> p = w.payload;
        p.clear();
        String subject = w.row.text(a.subjectColumn());
        p.put("Subject", truncate(subject != null ? subject : kind.subject(), 255));
        p.put("ActivityDate", dateOf(w.row.get(a.occurredAtColumn())).toString());
        p.put("Status", "Completed");
        if (kind.type() != null) {
            p.put("Type", kind.type());
        }
        p.put("WhoId", w.whoId);
        if (w.whatId != null) {
            p.put("WhatId", w.whatId);
        }
        if (w.ownerId != null) {
            p.put("OwnerId", w.ownerId);
        }
        boolean taskExists = w.known != null && w.known.sfId() != null;
        String body = w.row.text(a.bodyColumn());
        // contents go only with includeContent, and never onto a Task written without them
        if (a.includeContent() && body != null && (!taskExists || w.known.contentSent())) {
            p.put("Description", truncate(body, 32_000));
        }
        p.put(a.externalIdField(), a.externalIdPrefix() + w.key());
        w.payloadHash = PayloadHasher.hash(p);
        if (!taskExists && kind.subtype() != null) {
            p.put(SUBTYPE, kind.subtype());
        }
        w.contentSent = p.containsKey("Description") || taskExists && w.known.contentSent();
    }

    private static void lookUpOwners(Context ctx, State s, Set<String> emails) {
        if (emails.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>(emails);
        List<ObjectNode> subs = new ArrayList<>();
        for (int i = 0; i < all.size(); i += EMAILS_PER_QUERY) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + EMAILS_PER_QUERY));
            subs.add(ctx.salesforce().subrequest("GET", "query?q=" + Soql.urlEncoded(ownersQuery(chunk)), "owners" + i,
                    null));
        }
        for (int i = 0; i < subs.size(); i += 25) {
            List<JsonNode> answers = ctx.composite(subs.subList(i, Math.min(subs.size(), i + 25)));
            for (JsonNode r : answers) {
                if (r.path("httpStatusCode").asInt() >= 300) {
                    throw new IllegalStateException("Salesforce refused the lookup of the touchpoints' senders: "
                            + r.path("body"));
                }
                owners(s, r.path("body").path("records"));
            }
        }
        all.forEach(e -> s.owners.putIfAbsent(e, ""));
    }

    private static String ownersQuery(Collection<String> emails) {
        return "SELECT Id, Email FROM User WHERE IsActive = true AND Email IN " + Soql.inList(emails);
    }

    private static void owners(State s, JsonNode records) {
        for (JsonNode u : records) {
            s.owners.put(u.path("Email").asText().toLowerCase(Locale.ROOT), u.path("Id").asText());
        }
    }

    // --- write --------------------------------------------------------------------------------------

    /**
     * Upserts the batch's Tasks on their external ID. A Task found already (an earlier attempt's answer was
     * lost) is sent again without TaskSubtype; a converted Lead's touchpoints go to its Contact (one query
     * for the batch's converted Leads, only when there are any); locked rows are sent again with backoff.
     */
    public static void write(Context ctx, State s, ActivityBatch batch) {
        List<ActivityWork> open = new ArrayList<>();
        for (ActivityWork w : batch.works) {
            if (!w.settled() && !w.payload.isEmpty()) {
                open.add(w);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        if (!ctx.writes()) {
            for (ActivityWork w : open) {
                boolean exists = w.known != null && w.known.sfId() != null;
                w.settle(new Outcome(w.key(), "Task", known(w), exists ? Action.UPDATED : Action.CREATED, "DRY_RUN",
                        (exists ? "would update the Task" : "would create a completed Task") + " on " + w.whoId,
                        String.join(",", w.payload.keySet())));
            }
            return;
        }
        List<ActivityWork> sending = open;
        Map<ActivityWork, String> lastError = new HashMap<>();
        for (int attempt = 0; !sending.isEmpty() && !ctx.stopped(); attempt++) {
            upsert(ctx, sending);
            List<ActivityWork> again = new ArrayList<>();
            List<ActivityWork> converted = new ArrayList<>();
            boolean backoff = false;
            for (ActivityWork w : sending) {
                JsonNode r = w.result;
                if (w.settled() || r == null) {
                    continue;
                }
                if (r.path("success").asBoolean()) {
                    written(w, r);
                    continue;
                }
                JsonNode err = r.path("errors").path(0);
                String code = err.path("statusCode").asText();
                lastError.put(w, code + ": " + err.path("message").asText());
                if (code.equals("INVALID_FIELD_FOR_INSERT_UPDATE") && w.payload.containsKey(SUBTYPE)
                        && err.path("fields").toString().contains(SUBTYPE)) {
                    w.payload.remove(SUBTYPE); // the Task exists: an earlier send made it
                    again.add(w);
                } else if (code.equals("CANNOT_UPDATE_CONVERTED_LEAD") && w.whoId != null && w.whoId.startsWith("00Q")
                        && !w.followedConversion) {
                    converted.add(w);
                } else {
                    FailurePolicy.Decision d = FailurePolicy.forRecordError(code);
                    if (d.recordRetry() && attempt < FailurePolicy.recordRetries()) {
                        again.add(w);
                        backoff = true;
                    } else {
                        w.settle(new Outcome(w.key(), "Task", known(w), d.outcome(), d.reason(), "touchpoint " + w.key()
                                + ": Task: " + (d.outcome() == Action.PENDING ? "will be retried on the next run: " : "")
                                + err.path("message").asText(), joinFields(err.path("fields"))));
                    }
                }
            }
            if (!converted.isEmpty()) {
                again.addAll(followConversions(ctx, batch, converted));
            }
            if (backoff) {
                sleep(FailurePolicy.backoffMs(ctx.retryBackoffMs(), attempt + 1));
            }
            if (attempt > FailurePolicy.recordRetries() + 2) {
                break; // a record that keeps coming back is left PENDING below
            }
            sending = again;
        }
        for (ActivityWork w : open) {
            if (!w.settled()) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.PENDING, ctx.stopped() ? "STOPPED" : "NOT_WRITTEN",
                        "touchpoint " + w.key() + ": not written, retried next run"
                                + (lastError.containsKey(w) ? ": " + lastError.get(w) : ""), null));
            }
        }
    }

    private static void written(ActivityWork w, JsonNode r) {
        w.taskId = r.path("id").asText(null);
        boolean knewTask = w.known != null && w.known.sfId() != null;
        String fields = String.join(",", w.payload.keySet());
        if (r.path("created").asBoolean(false)) {
            w.settle(new Outcome(w.key(), "Task", w.taskId, Action.CREATED, null, "completed Task on " + w.whoId, fields));
        } else if (!knewTask) {
            // nothing but this job's upserts carries the touchpoint's key: an earlier send made this Task
            w.settle(new Outcome(w.key(), "Task", w.taskId, Action.CREATED, "CREATE_CONFIRMED", "completed Task on "
                    + w.whoId + ", created by an earlier attempt whose answer was lost; found again by its external ID",
                    fields));
        } else {
            w.settle(new Outcome(w.key(), "Task", w.taskId, Action.UPDATED, null, "Task updated on " + w.whoId, fields));
        }
    }

    /**
     * The Leads some Tasks were refused for were converted: their Contacts (and Accounts) in ONE query, the
     * people relinked to them (recorded with the batch), the Tasks readied to go to the Contacts.
     */
    private static List<ActivityWork> followConversions(Context ctx, ActivityBatch batch, List<ActivityWork> works) {
        Set<String> leads = new LinkedHashSet<>();
        works.forEach(w -> leads.add(w.whoId));
        String q = "SELECT Id, IsConverted, ConvertedContactId, ConvertedAccountId FROM Lead WHERE Id IN " + Soql.inList(leads);
        List<JsonNode> answers = ctx.composite(List.of(ctx.salesforce().subrequest("GET", "query?q=" + Soql.urlEncoded(q),
                "converted", null)));
        if (answers.get(0).path("httpStatusCode").asInt() >= 300) {
            // nothing is known of the Leads: the touchpoints stay unsettled and wait PENDING for the next run
            LOG.warn("Salesforce refused the query of converted Leads: {}", answers.get(0).path("body"));
            return List.of();
        }
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode rec : answers.get(0).path("body").path("records")) {
            byId.put(rec.path("Id").asText().substring(0, 15), rec);
        }
        Map<String, Link> links = ctx.personLinks(works.stream().map(w -> w.personKey).toList());
        List<ActivityWork> again = new ArrayList<>();
        for (ActivityWork w : works) {
            JsonNode lead = byId.get(w.whoId.substring(0, Math.min(15, w.whoId.length())));
            String contact = lead == null ? null : lead.path("ConvertedContactId").asText(null);
            if (contact == null || contact.isBlank()) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.ERROR, "CANNOT_UPDATE_CONVERTED_LEAD",
                        "touchpoint " + w.key() + ": person " + w.personKey + "'s Lead " + w.whoId
                                + " is converted, and Salesforce names no Contact for it", "WhoId"));
                continue;
            }
            String account = lead.path("ConvertedAccountId").asText(null);
            Link old = links.get(w.personKey);
            if (old != null && batch.relinked.stream().noneMatch(l -> l.sourceKey().equals(w.personKey))) {
                // the person is the Contact now (as a run of the people would find by following the conversion);
                // the payload hash goes, so the person's next change is compared with the Contact in full
                batch.relinked.add(new Link(old.job(), old.sourceKey(), "Contact", contact, account, old.ownerId(), null,
                        Instant.now(), old.linkedBy(), null, null));
            }
            w.whoId = contact;
            w.whatId = account;
            w.followedConversion = true;
            w.payload.put("WhoId", contact);
            if (account != null) {
                w.payload.put("WhatId", account);
            }
            Object subtype = w.payload.remove(SUBTYPE);
            w.payloadHash = PayloadHasher.hash(w.payload);
            if (subtype != null) {
                w.payload.put(SUBTYPE, subtype);
            }
            again.add(w);
        }
        return again;
    }

    /** One Composite call per five collections of 200; a failed call settles its touchpoints by the failure policy. */
    private static void upsert(Context ctx, List<ActivityWork> works) {
        SalesforceClient sf = ctx.salesforce();
        String ext = ctx.job().activities().externalIdField();
        works.forEach(w -> w.result = null);
        List<List<ActivityWork>> collections = new ArrayList<>();
        for (int i = 0; i < works.size(); i += COLLECTION_SIZE) {
            collections.add(works.subList(i, Math.min(works.size(), i + COLLECTION_SIZE)));
        }
        for (int i = 0; i < collections.size(); i += COLLECTIONS_PER_COMPOSITE) {
            List<List<ActivityWork>> call = collections.subList(i, Math.min(collections.size(), i + COLLECTIONS_PER_COMPOSITE));
            List<ObjectNode> subs = new ArrayList<>();
            for (int c = 0; c < call.size(); c++) {
                ObjectNode body = sf.collection("Task", call.get(c).stream().map(w -> w.payload).toList());
                subs.add(sf.subrequest("PATCH", "composite/sobjects/Task/" + ext, "tasks" + c, body));
            }
            List<JsonNode> answers;
            try {
                answers = ctx.composite(subs);
            } catch (SalesforceClient.SalesforceCallException e) {
                FailurePolicy.Decision d = e.decision();
                for (List<ActivityWork> c : call) {
                    for (ActivityWork w : c) {
                        w.settle(new Outcome(w.key(), "Task", known(w), Action.PENDING, d.reason(), "touchpoint " + w.key()
                                + ": not written, retried next run: " + e.getMessage(), null));
                    }
                }
                if (d.runAction() != FailurePolicy.RunAction.CONTINUE) {
                    ctx.stopOnFailure(e);
                }
                continue;
            }
            for (int c = 0; c < call.size(); c++) {
                JsonNode r = answers.get(c);
                JsonNode body = r.path("body");
                if (r.path("httpStatusCode").asInt() >= 300 || !body.isArray()) {
                    String why = body.isArray() && body.size() > 0 ? body.get(0).path("errorCode").asText() + ": "
                            + body.get(0).path("message").asText() : body.toString();
                    for (ActivityWork w : call.get(c)) {
                        w.settle(new Outcome(w.key(), "Task", known(w), Action.ERROR, "REFUSED", "touchpoint " + w.key()
                                + ": Salesforce refused the Tasks' upsert: " + why, null));
                    }
                    continue;
                }
                for (int j = 0; j < call.get(c).size(); j++) {
                    call.get(c).get(j).result = body.get(j);
                }
            }
        }
    }

    // --- record -------------------------------------------------------------------------------------

    /**
     * Records the batch in one transaction: a sync_log row for every touchpoint, its sync_activity row, the
     * relinked people and the watermark (a real run); the log only (a dry run); nothing (a plan).
     */
    public static List<Outcome> record(Context ctx, State s, ActivityBatch batch) {
        if (batch.recorded) {
            return List.of();
        }
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Instant> versions = new HashMap<>();
        List<ActivityStore.Activity> activities = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (ActivityWork w : batch.works) {
            if (!w.settled()) {
                w.settle(new Outcome(w.key(), "Task", known(w), Action.PENDING, "UNSETTLED",
                        "no step decided this touchpoint; it is read again next run", null));
            }
            Outcome o = w.outcome();
            outcomes.add(o);
            if (o.action() == Action.DUPLICATE || !keys.add(w.key())) {
                continue;
            }
            if (w.row.changedAt() != null) {
                versions.put(w.key(), w.row.changedAt());
            }
            ActivityStore.Activity a = activityAfter(w, o);
            if (a != null) {
                activities.add(a);
            }
        }
        if (ctx.logs()) {
            boolean real = ctx.writes();
            ctx.store().record(new ActivityStore.BatchWrite(ctx.runId(), ctx.job().name(), outcomes, versions,
                    real ? activities : List.of(), real ? batch.relinked : List.of(), real ? batch.reachedWatermark : null,
                    ctx.apiCallsSoFar(), ctx.leaseToken(), ctx.job().activities().externalIdPrefix()));
            if (real && batch.reachedWatermark != null) {
                s.durable = batch.reachedWatermark;
            }
        }
        batch.recorded = true;
        ctx.counted(outcomes);
        return outcomes;
    }

    /** What sync_activity holds of a touchpoint after this outcome (null: it stays as it was). */
    private static ActivityStore.Activity activityAfter(ActivityWork w, Outcome o) {
        ActivityStore.Activity k = w.known;
        Instant now = Instant.now();
        Instant version = w.row.changedAt();
        return switch (o.action()) {
            case CREATED, UPDATED -> new ActivityStore.Activity(w.key(), w.personKey, "SYNCED", null, w.taskId, w.whoId,
                    w.payloadHash, w.contentSent, now, version);
            case SKIPPED -> "NO_CHANGE".equals(o.reason()) && k != null ? k.at(version) : new ActivityStore.Activity(w.key(),
                    w.personKey, "SKIPPED", o.reason(), k == null ? null : k.sfId(), k == null ? null : k.whoId(),
                    k == null ? null : k.payloadHash(), k != null && k.contentSent(), now, version);
            case PENDING, ERROR -> new ActivityStore.Activity(w.key(), w.personKey, o.action().name(), o.reason(),
                    k == null ? null : k.sfId(), k == null ? null : k.whoId(), k == null ? null : k.payloadHash(),
                    k != null && k.contentSent(), k == null ? null : k.syncedAt(), version);
            default -> null;
        };
    }

    /**
     * A step failed with the batch in flight: its touchpoints no step had settled wait PENDING with this
     * reason (read again next run); those written keep their outcome.
     */
    public static void failed(Context ctx, State s, ActivityBatch batch, Action action, String reason, String message) {
        for (ActivityWork w : batch.works) {
            if (!w.settled() && w.result != null && w.result.path("success").asBoolean()) {
                written(w, w.result); // Salesforce has this Task: it is logged as what it is
            }
            if (!w.settled()) {
                w.settle(new Outcome(w.key(), "Task", known(w), action, reason, "touchpoint " + w.key()
                        + ": not synced, retried next run: " + message, null));
            }
        }
        record(ctx, s, batch);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static String known(ActivityWork w) {
        return w.known == null ? null : w.known.sfId();
    }

    /**
     * The calendar date (UTC) of a touchpoint's time: the source reader hands times as Instants and dates as
     * LocalDates; a text column is parsed. Null when it is neither.
     */
    static LocalDate dateOf(Object v) {
        if (v instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC).toLocalDate();
        }
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof CharSequence cs) {
            String t = cs.toString().trim();
            try {
                return OffsetDateTime.parse(t).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
            } catch (java.time.format.DateTimeParseException e) {
                try {
                    return LocalDate.parse(t.length() >= 10 ? t.substring(0, 10) : t);
                } catch (java.time.format.DateTimeParseException e2) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static String joinFields(JsonNode fields) {
        List<String> out = new ArrayList<>();
        fields.forEach(f -> out.add(f.asText()));
        return out.isEmpty() ? null : String.join(",", out);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
