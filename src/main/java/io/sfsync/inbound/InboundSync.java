package io.sfsync.inbound;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.FieldRule;
import io.sfsync.config.InboundConfig;
import io.sfsync.config.JobConfig;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.InboundStore;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.Outcome;

/**
 * Salesforce → source, one poll page at a time: poll (every object's next page in one Composite call),
 * match (each record's row: linked, relinked after a conversion or a merge, found by a matchOn column,
 * or new), merge (the columns each record changes, by the fields' directions and merge rules; conflicts
 * on first links; deletes), and apply (the rows, their sync_log rows, links, conflicts and the cursors in
 * one transaction). Every record the page brings ends in exactly one sync_log row, or is set aside
 * without one when that version was recorded before (read again by Id, or after a failed page) or it concerns no row (a
 * deleted record that was never linked).
 */
public final class InboundSync {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INCOMPLETE_PARTS = List.of("Street", "City", "State", "PostalCode");

    /** What a poll needs from its run. */
    public interface Context {
        JobConfig job();

        long runId();

        /** Whether the source and the sync tables are written (a real run), or only the log (a dry run). */
        boolean writes();

        /** Whether anything is recorded at all (false for a plan). */
        boolean logs();

        List<JsonNode> composite(List<ObjectNode> subrequests);

        SalesforceClient salesforce();

        InboundStore store();

        SourceTables tables();

        Map<String, ObjectInfo> describe();

        int apiCallsSoFar();

        /** Counts one settled record in the run's tally. */
        void tally(Outcome outcome);

        /** A Bulk API 2.0 call on behalf of the run (one API call), with the answer's headers. */
        SalesforceClient.Answer bulk(String operation, Object body, Map<String, Object> headers);

        /**
         * For a job that also sends: the outbound payload hash of these rows as they are now (key → hash),
         * read through {@code connection} when it is not null (inside the page's transaction).
         */
        Map<String, String> outboundHashes(java.sql.Connection connection, Collection<String> keys);

        /**
         * Whether the Accounts of the page's Contacts that no row is linked to may be read by Id now; false while
         * pages polled before this one are still being applied (they may bring those Accounts): the Contacts
         * then wait for them.
         */
        default boolean readsMissingAccounts() {
            return true;
        }

        /** The unit of shared work this page is a part of, when one of the cluster's workers applies it; else null. */
        default InboundStore.UnitPage unitPage() {
            return null;
        }
    }

    /** Where a run's polls stand. */
    public static final class State {
        final Map<String, ChangeQueries.Cursor> durable = new HashMap<>();
        final Map<String, ChangeQueries.Cursor> position = new HashMap<>();
        final Set<String> done = new HashSet<>();
        /** The answers to the first page's queries, made in the run's opening Composite call. */
        Map<String, JsonNode> firstAnswers;
        int pages;
        Boolean leadLinks;
        /**
         * Each page is asked for only when it is wanted, none ahead: a run handing its pages to the cluster
         * spends its calls one poll at a time, each reserved against its share before it is made.
         */
        volatile boolean noneAhead;
        /** This run's window ends here: changes after it are left to the next poll. */
        Instant upTo;
        /** The next page's answers, asked for while this page is matched, merged and applied. */
        java.util.concurrent.CompletableFuture<Map<String, JsonNode>> next;

        /** Objects whose first load goes on through a Bulk API 2.0 query job. */
        final Map<String, BulkFirstLoad> bulk = new java.util.concurrent.ConcurrentHashMap<>();

        /** Drops a page asked for ahead that no step will take (the run stopped). */
        public void close() {
            if (next != null) {
                next.cancel(true);
                next = null;
            }
            bulk.values().forEach(b -> {
                if (b.ahead != null) {
                    b.ahead.cancel(true);
                }
            });
        }

        public boolean more(JobConfig job) {
            return !done.containsAll(job.inbound().objects());
        }
    }

    /** The cursors of the job's objects, where this run's polls start, and the end of its window. */
    public static State start(InboundStore store, JobConfig job) {
        State s = new State();
        store.cursors(job.name()).forEach((o, c) -> s.durable.put(o, new ChangeQueries.Cursor(c.modstamp(), c.lastId())));
        for (String o : job.inbound().objects()) {
            s.position.put(o, s.durable.getOrDefault(o, ChangeQueries.Cursor.START));
        }
        s.upTo = Instant.now().minusSeconds(job.inbound().settleSeconds()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return s;
    }

    /** The first page's queries, to go in the run's opening Composite call (at most five objects). */
    public static List<ObjectNode> firstPage(SalesforceClient sf, JobConfig job, State s) {
        List<ObjectNode> subs = new ArrayList<>();
        for (String o : job.inbound().objects()) {
            if (subs.size() < 5) {
                subs.add(query(sf, job, s, o, null));
            }
        }
        return subs;
    }

    private static ObjectNode query(SalesforceClient sf, JobConfig job, State s, String object, ObjectInfo info) {
        String soql = ChangeQueries.page(object, ChangeQueries.fields(job, object, info), s.position.get(object), s.upTo,
                job.inbound().pageSize());
        return soql(sf, "queryAll", soql, "poll" + object);
    }

    /** Keeps the answers of the first page's queries, made by the opening call. */
    public static void firstAnswers(State s, List<JsonNode> answers) {
        Map<String, JsonNode> m = new HashMap<>();
        for (JsonNode a : answers) {
            String ref = a.path("referenceId").asText();
            if (ref.startsWith("poll")) {
                m.put(ref.substring(4), a);
            }
        }
        s.firstAnswers = m.isEmpty() ? null : m;
    }

    // --- poll -----------------------------------------------------------------------------------------

    private static final java.util.concurrent.ExecutorService AHEAD = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sfsync-poll-ahead");
        t.setDaemon(true);
        return t;
    });

    /**
     * The next page: every object not done yet, five to a Composite call (the first from the opening call).
     * While the steps after this one work on it, the page after it is already asked for.
     */
    public static InboundPage poll(Context ctx, State s) {
        JobConfig job = ctx.job();
        Map<String, JsonNode> answers = new HashMap<>();
        if (s.firstAnswers != null) {
            answers.putAll(s.firstAnswers);
            s.firstAnswers = null;
        } else if (s.next != null) {
            try {
                answers.putAll(s.next.join());
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            } finally {
                s.next = null;
            }
        } else {
            answers.putAll(fetch(ctx, s));
        }
        Map<String, List<JsonNode>> byObject = new HashMap<>();
        for (String o : order(job)) {
            JsonNode a = answers.get(o);
            if (a == null) {
                continue;
            }
            if (a.path("httpStatusCode").asInt() >= 300) {
                throw new PollRefused("Salesforce refused the poll of " + o + ": " + a.path("body"));
            }
            List<JsonNode> records = new ArrayList<>();
            a.path("body").path("records").forEach(records::add);
            byObject.put(o, records);
            boolean firstLoad = !s.durable.containsKey(o);
            if (records.size() < job.inbound().pageSize()) {
                s.done.add(o);
            } else if (firstLoad && job.inbound().bulkFirstLoad()) {
                // more than a page and nothing loaded yet: the rest comes through one Bulk API 2.0 query job
                s.bulk.put(o, new BulkFirstLoad(o, job.inbound().pageSize()));
            }
            moveTo(s, o, records);
        }
        for (String o : order(job)) {
            BulkFirstLoad load = s.bulk.get(o);
            if (load == null || byObject.containsKey(o)) {
                continue;
            }
            BulkFirstLoad.Calls calls = (op, body, headers) -> ctx.bulk(op, body, headers);
            String soql = BulkFirstLoad.soql(o, ChangeQueries.fields(job, o, ctx.describe().get(o)), s.position.get(o), s.upTo);
            ObjectInfo info = ctx.describe().get(o);
            List<JsonNode> set;
            if (load.ahead != null) {
                try {
                    set = load.ahead.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                } finally {
                    load.ahead = null;
                }
            } else {
                set = load.next(calls, soql, info);
            }
            byObject.put(o, set);
            moveTo(s, o, set);
            if (load.finished()) {
                s.bulk.remove(o);
                s.done.add(o);
            } else if (!s.noneAhead) {
                // the next result set is read while this one is applied
                load.ahead = java.util.concurrent.CompletableFuture.supplyAsync(() -> load.next(calls, soql, info), AHEAD);
            }
            break; // one result set a page
        }
        List<InboundWork> works = new ArrayList<>();
        if (s.pages == 0) {
            works.addAll(failedBefore(ctx, byObject));
        }
        for (String o : order(job)) {
            for (JsonNode r : byObject.getOrDefault(o, List.of())) {
                works.add(new InboundWork(o, job.inbound().targets().get(o), r, false));
            }
        }
        s.pages++;
        if (!s.noneAhead && s.more(job)
                && job.inbound().objects().stream().anyMatch(o -> !s.done.contains(o) && !s.bulk.containsKey(o))) {
            s.next = java.util.concurrent.CompletableFuture.supplyAsync(() -> fetch(ctx, s), AHEAD);
        }
        return new InboundPage(s.pages, works, Map.of());
    }

    /** Records read again per run until they go through: at most this many. */
    static final int RETRIES_PER_RUN = 200;

    /**
     * The first page of a run also reads again, by Id, the records whose last outcome was an ERROR (in ONE
     * more call, only when there are any): once the cause is fixed they go through. They do not move the
     * cursor; one the page already holds is not read twice.
     */
    private static List<InboundWork> failedBefore(Context ctx, Map<String, List<JsonNode>> page) {
        JobConfig job = ctx.job();
        Map<String, List<String>> failed = ctx.store().failedRecords(job.name(), RETRIES_PER_RUN);
        List<ObjectNode> subs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : failed.entrySet()) {
            if (!job.inbound().targets().containsKey(e.getKey()) || subs.size() >= 5) {
                continue;
            }
            Set<String> inPage = new HashSet<>();
            page.getOrDefault(e.getKey(), List.of()).forEach(r -> inPage.add(r.path("Id").asText()));
            List<String> ids = e.getValue().stream().filter(id -> !inPage.contains(id)).toList();
            if (!ids.isEmpty()) {
                String soql = ChangeQueries.byIds(e.getKey(), ChangeQueries.fields(job, e.getKey(),
                        ctx.describe().get(e.getKey())), ids);
                subs.add(soql(ctx.salesforce(), "queryAll", soql, "retry" + e.getKey()));
            }
        }
        List<InboundWork> out = new ArrayList<>();
        if (subs.isEmpty()) {
            return out;
        }
        for (JsonNode a : ctx.composite(subs)) {
            if (a.path("httpStatusCode").asInt() >= 300) {
                throw new PollRefused("Salesforce refused reading failed records again: " + a.path("body"));
            }
            String object = a.path("referenceId").asText().substring("retry".length());
            for (JsonNode r : a.path("body").path("records")) {
                out.add(new InboundWork(object, job.inbound().targets().get(object), r, true));
            }
        }
        return out;
    }

    private static void moveTo(State s, String object, List<JsonNode> records) {
        if (!records.isEmpty()) {
            JsonNode last = records.get(records.size() - 1);
            s.position.put(object, new ChangeQueries.Cursor(InboundWork.instant(last.path("SystemModstamp").asText()),
                    last.path("Id").asText()));
        }
    }

    /** One Composite call for the next page of every object not done yet (at most five). */
    private static Map<String, JsonNode> fetch(Context ctx, State s) {
        JobConfig job = ctx.job();
        Map<String, JsonNode> answers = new HashMap<>();
        List<ObjectNode> subs = new ArrayList<>();
        for (String o : job.inbound().objects()) {
            if (!s.done.contains(o) && !s.bulk.containsKey(o) && subs.size() < 5) {
                subs.add(query(ctx.salesforce(), job, s, o, ctx.describe().get(o)));
            }
        }
        if (!subs.isEmpty()) {
            for (JsonNode a : ctx.composite(subs)) {
                answers.put(a.path("referenceId").asText().substring(4), a);
            }
        }
        return answers;
    }

    /** Accounts first (a Contact's company row must exist), then Leads (conversions relink), then Contacts, then the rest. */
    static List<String> order(JobConfig job) {
        List<String> objects = new ArrayList<>(job.inbound().objects());
        List<String> rank = List.of("Account", "Lead", "Contact");
        objects.sort(java.util.Comparator.comparingInt(o -> rank.contains(o) ? rank.indexOf(o) : rank.size()));
        return objects;
    }

    /** Salesforce answered a poll with an error (a field the org lacks, a lost session the client could not renew). */
    public static final class PollRefused extends RuntimeException {
        public PollRefused(String message) {
            super(message);
        }
    }

    // --- shared pages --------------------------------------------------------------------------------

    /**
     * A page's records as a unit of shared work carries them (object, read out of band or not, the record),
     * with what the run knew when it began that a page applied later must not learn anew: whether the job had
     * people linked to Leads (whose conversions an unlinked Contact is looked up for).
     */
    public static String payload(List<InboundWork> works, State s) {
        ObjectNode out = JSON.createObjectNode();
        if (s.leadLinks != null) {
            out.put("leadLinks", s.leadLinks);
        }
        com.fasterxml.jackson.databind.node.ArrayNode records = out.putArray("records");
        for (InboundWork w : works) {
            ObjectNode n = records.addObject();
            n.put("object", w.object);
            n.put("outOfBand", w.outOfBand);
            n.set("record", w.record);
        }
        return out.toString();
    }

    /** The records of a unit's payload, as the poll read them; {@code s} learns what the run knew. */
    public static List<InboundWork> fromPayload(JobConfig job, String payload, State s) {
        List<InboundWork> out = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(payload);
            if (root.has("leadLinks")) {
                s.leadLinks = root.path("leadLinks").asBoolean();
            }
            for (JsonNode n : root.path("records")) {
                String object = n.path("object").asText();
                InboundConfig.Target target = job.inbound().targets().get(object);
                if (target == null) {
                    throw new IllegalStateException("a shared page holds " + object + " records, which job " + job.name()
                            + " no longer polls");
                }
                out.add(new InboundWork(object, target, n.path("record"), n.path("outOfBand").asBoolean()));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a shared page's records are unreadable: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Before a run hands its pages to the cluster: what its pages must know of the job as it began; and from
     * now on no page is asked for ahead (a page asked for already is taken as it comes).
     */
    public static void beforeSharing(Context ctx, State s) {
        s.noneAhead = true;
        JobConfig job = ctx.job();
        if (s.leadLinks == null && job.inbound().targets().containsKey("Lead") && job.inbound().targets().containsKey("Contact")) {
            s.leadLinks = ctx.store().hasPeopleLinks(job.name(), "Lead");
        }
    }

    /** Where each object's cursor stands once the page is applied, as JSON (object → modstamp, lastId). */
    public static String cursorsJson(InboundPage page) {
        ObjectNode out = JSON.createObjectNode();
        cursorsOf(page).forEach((o, c) -> {
            if (c.modstamp() != null) {
                ObjectNode n = out.putObject(o);
                n.put("modstamp", c.modstamp().toString());
                n.put("lastId", c.lastId());
            }
        });
        return out.toString();
    }

    /**
     * What a record of a shared page could depend on in an earlier page, or an earlier page's record on it: its
     * Id, the Ids it names (a converted Lead's Contact, a merge's survivor) and its matchOn values; asked for
     * ({@code asking}) also its Account (a Contact's company row comes from the page that brings the Account).
     */
    public static Set<String> refs(JobConfig job, InboundWork w, boolean asking) {
        Set<String> out = idKeys(w);
        Object account = asking && w.object.equals("Contact") ? w.value("AccountId") : null;
        if (account != null) {
            out.add("i:" + account);
        }
        for (Map.Entry<String, String> m : w.target.matchOn().entrySet()) {
            Object v = w.value(m.getKey());
            if (v != null && !v.toString().isBlank()) {
                String value = m.getKey().equalsIgnoreCase("Email") ? v.toString().toLowerCase(Locale.ROOT) : v.toString();
                String ref = "m:" + w.target.table().toLowerCase(Locale.ROOT) + "|" + m.getValue().toLowerCase(Locale.ROOT)
                        + "|" + value;
                out.add(ref.length() > 300 ? ref.substring(0, 300) : ref);
            }
        }
        return out;
    }

    /** A record's own Id and the Ids it names (a merge's survivor, a converted Lead's Contact), as keys. */
    private static Set<String> idKeys(InboundWork w) {
        Set<String> out = new LinkedHashSet<>();
        out.add("i:" + w.sfId);
        if (w.masterId != null) {
            out.add("i:" + w.masterId);
        }
        Object converted = w.object.equals("Lead") ? w.value("ConvertedContactId") : null;
        if (converted != null) {
            out.add("i:" + converted);
        }
        return out;
    }

    /** Records of a page that are applied together or not at all, and the keys they claim. */
    public record KeyGroup(List<InboundWork> works, Set<String> keys) {
    }

    /**
     * The keys by which the page's records could collide with another page applied at the same time: each
     * record's own Id and the Ids it relinks to (a merge's survivor, a converted Lead's Contact), the source
     * row it writes or links, and a Contact's Account when the page holds that Account (it is inserted or
     * read with the page). Records that share a key form one group: a conversion, a merge, an Account with
     * its Contacts go through together.
     */
    public static List<KeyGroup> keyGroups(InboundPage page) {
        Set<String> accounts = new HashSet<>();
        page.works().forEach(w -> {
            if (w.object.equals("Account")) {
                accounts.add(w.sfId);
            }
        });
        // union-find over the page's records by their keys
        List<InboundWork> works = page.works();
        int[] parent = new int[works.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstHolder = new HashMap<>();
        List<Set<String>> keysOf = new ArrayList<>();
        for (int i = 0; i < works.size(); i++) {
            InboundWork w = works.get(i);
            Set<String> keys = idKeys(w);
            if (w.relinkTo != null) {
                keys.add("i:" + w.relinkTo);
            }
            if (w.sourceKey != null) {
                keys.add("r:" + w.target.table().toLowerCase(Locale.ROOT) + "|" + w.sourceKey);
            }
            Object account = w.object.equals("Contact") ? w.value("AccountId") : null;
            if (account != null && accounts.contains(account.toString())) {
                keys.add("i:" + account);
            }
            keysOf.add(keys);
            for (String k : keys) {
                Integer j = firstHolder.putIfAbsent(k, i);
                if (j != null) {
                    parent[find(parent, i)] = find(parent, j);
                }
            }
        }
        Map<Integer, KeyGroup> groups = new LinkedHashMap<>();
        for (int i = 0; i < works.size(); i++) {
            KeyGroup g = groups.computeIfAbsent(find(parent, i), r -> new KeyGroup(new ArrayList<>(), new java.util.TreeSet<>()));
            g.works().add(works.get(i));
            g.keys().addAll(keysOf.get(i));
        }
        return new ArrayList<>(groups.values());
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    // --- match ----------------------------------------------------------------------------------------

    /** Each record's row; records whose version was recorded before, or that concern no row, are set aside. */
    public static InboundPage match(Context ctx, State s, InboundPage page) {
        JobConfig job = ctx.job();
        InboundStore store = ctx.store();
        Set<String> peopleIds = new HashSet<>();
        Map<String, Set<String>> recordIds = new HashMap<>();
        for (InboundWork w : page.works()) {
            Set<String> ids = w.target.isPerson() ? peopleIds : recordIds.computeIfAbsent(w.object, k -> new HashSet<>());
            ids.add(w.sfId);
            if (w.masterId != null) {
                ids.add(w.masterId);
            }
            Object converted = w.object.equals("Lead") ? w.value("ConvertedContactId") : null;
            if (converted != null) {
                peopleIds.add(converted.toString());
            }
        }
        Map<String, Link> people = store.peopleLinks(job.name(), peopleIds);
        Map<String, Map<String, InboundStore.RecordLink>> records = new HashMap<>();
        recordIds.forEach((o, ids) -> records.put(o, new HashMap<>(store.recordLinks(job.name(), o, ids))));
        List<InboundWork> kept = setAsideReplays(ctx, page.works(), people, records);

        Map<String, String> relinked = new HashMap<>(); // a converted Lead's Contact → the person's key
        // a merge's survivor linked to no row takes the row of the loser it absorbed (the loser is relinked to it)
        Map<String, String> survivorRow = new HashMap<>();
        for (InboundWork w : kept) {
            if (w.deleted && w.masterId != null) {
                String loserKey = linkedKey(w.object, w.target, w.sfId, people, records);
                if (loserKey != null && linkedKey(w.object, w.target, w.masterId, people, records) == null) {
                    survivorRow.putIfAbsent(w.object + "|" + w.masterId, loserKey);
                }
            }
        }
        List<InboundWork> unlinkedContacts = new ArrayList<>();
        for (InboundWork w : kept) {
            if (w.target.isPerson()) {
                w.link = people.get(w.sfId);
                w.sourceKey = w.link == null ? null : w.link.sourceKey();
            } else {
                InboundStore.RecordLink l = records.getOrDefault(w.object, Map.of()).get(w.sfId);
                w.recordKey = l == null ? null : l.sourceKey();
                w.sourceKey = w.recordKey;
            }
            if (w.deleted) {
                continue;
            }
            String absorbed = w.sourceKey == null ? survivorRow.get(w.object + "|" + w.sfId) : null;
            if (absorbed != null) {
                w.sourceKey = absorbed;
                if (w.target.isPerson()) {
                    w.link = relinked(job, absorbed, w.object, w.sfId, people);
                } else {
                    w.recordKey = absorbed;
                }
                continue;
            }
            if (w.object.equals("Lead") && Boolean.TRUE.equals(w.value("IsConverted")) && w.value("ConvertedContactId") != null) {
                String contact = w.value("ConvertedContactId").toString();
                if (w.link != null) {
                    Link contactLink = people.get(contact);
                    if (contactLink != null && !contactLink.sourceKey().equals(w.link.sourceKey())) {
                        w.settle(Action.SKIPPED, "CONTACT_LINKED_ELSEWHERE", "Lead " + w.sfId + " was converted to Contact "
                                + contact + ", which is already linked to row " + contactLink.sourceKey()
                                + "; row " + w.link.sourceKey() + " keeps its link to the Lead");
                        continue;
                    }
                    w.relinkTo = contact;
                    w.relinkObject = "Contact";
                    w.accountSfId = w.value("ConvertedAccountId") == null ? null : w.value("ConvertedAccountId").toString();
                    relinked.put(contact, w.link.sourceKey());
                } else {
                    w.settle(Action.SKIPPED, "LEAD_CONVERTED", "Lead " + w.sfId + " was converted to Contact " + contact
                            + " and is linked to no row: the Contact is synced instead");
                }
                continue;
            }
            if (w.object.equals("Contact") && w.sourceKey == null) {
                String key = relinked.get(w.sfId);
                if (key != null) {
                    w.sourceKey = key;
                    w.link = linkAsContact(job, key, w.sfId, people);
                } else {
                    unlinkedContacts.add(w);
                }
            }
        }
        List<InboundWork> parents = relinkConvertedAndFetchAccounts(ctx, s, kept, unlinkedContacts, records, people);
        if (!parents.isEmpty()) {
            List<InboundWork> all = new ArrayList<>(parents);
            all.addAll(kept);
            kept = all;
        }
        findRows(ctx, kept, people, records);
        for (InboundWork w : kept) {
            if (w.isSettled()) {
                continue;
            }
            if (w.deleted) {
                deleted(job, w, people, records);
            } else if (w.sourceKey == null) {
                if (w.target.newRows() == InboundConfig.NewRows.SKIP) {
                    w.settle(Action.SKIPPED, "NOT_LINKED", w.object + " " + w.sfId + " is linked to no row of "
                            + w.target.table() + " and the job inserts none (newRows: skip)");
                } else {
                    w.insert = true;
                }
            }
        }
        // a deleted record that was never linked concerns no row
        kept = kept.stream().filter(w -> !(w.deleted && w.sourceKey == null && !w.isSettled())).toList();
        return new InboundPage(page.number(), kept, cursorsOf(page));
    }

    /** The key of the row linked to this record when the page was read, or null. */
    private static String linkedKey(String object, InboundConfig.Target target, String sfId, Map<String, Link> people,
            Map<String, Map<String, InboundStore.RecordLink>> records) {
        if (target.isPerson()) {
            Link l = people.get(sfId);
            return l == null ? null : l.sourceKey();
        }
        InboundStore.RecordLink l = records.getOrDefault(object, Map.of()).get(sfId);
        return l == null ? null : l.sourceKey();
    }

    private static Map<String, ChangeQueries.Cursor> cursorsOf(InboundPage page) {
        Map<String, ChangeQueries.Cursor> out = new HashMap<>(page.cursors());
        for (InboundWork w : page.works()) {
            if (!w.outOfBand && w.modstamp != null) {
                ChangeQueries.Cursor c = out.get(w.object);
                if (c == null || !c.isAfter(w.modstamp, w.sfId)) {
                    out.put(w.object, new ChangeQueries.Cursor(w.modstamp, w.sfId));
                }
            }
        }
        return out;
    }

    /** The link a converted Lead's person gets: the same row, now the Contact. */
    private static Link linkAsContact(JobConfig job, String key, String contactId, Map<String, Link> people) {
        return relinked(job, key, "Contact", contactId, people);
    }

    /** The row's link (among {@code people}) moved to another record, keeping what it knew of the row. */
    private static Link relinked(JobConfig job, String key, String object, String sfId, Map<String, Link> people) {
        Link old = people.values().stream().filter(l -> l.sourceKey().equals(key)).findFirst().orElse(null);
        return new Link(job.name(), key, object, sfId, old == null ? null : old.accountId(),
                old == null ? null : old.ownerId(), old == null ? null : old.payloadHash(), null,
                old == null ? "AUTO" : old.linkedBy(), old == null ? null : old.inboundModstamp());
    }

    /**
     * A record read again at a version already recorded (or a later one) — by Id for a retry, after a failed
     * page, as a Contact's Account read out of band — is set
     * aside, with no log row. Known versions: the link's (people, other objects), else the newest logged.
     */
    private static List<InboundWork> setAsideReplays(Context ctx, List<InboundWork> works, Map<String, Link> people,
            Map<String, Map<String, InboundStore.RecordLink>> records) {
        List<String> unknown = new ArrayList<>();
        for (InboundWork w : works) {
            if (known(w, people, records) == null) {
                unknown.add(w.sfId);
            }
        }
        Map<String, Instant> logged = ctx.store().settledVersions(ctx.job().name(), unknown);
        List<InboundWork> kept = new ArrayList<>();
        for (InboundWork w : works) {
            Instant k = known(w, people, records);
            if (k == null) {
                k = logged.get(w.sfId);
            }
            if (k == null || w.modstamp == null || w.modstamp.isAfter(k)) {
                kept.add(w);
            }
        }
        return kept;
    }

    private static Instant known(InboundWork w, Map<String, Link> people, Map<String, Map<String, InboundStore.RecordLink>> records) {
        if (w.target.isPerson()) {
            Link l = people.get(w.sfId);
            return l == null ? null : l.inboundModstamp();
        }
        InboundStore.RecordLink l = records.getOrDefault(w.object, Map.of()).get(w.sfId);
        return l == null ? null : l.sfModstamp();
    }

    /**
     * One Composite call, only when a page needs it: the converted Leads whose Contacts came unlinked (the
     * Lead's person is that Contact), and the Accounts of the page's Contacts that have no company row yet
     * (read by Id, applied before the Contacts; they do not move the Account cursor).
     */
    private static List<InboundWork> relinkConvertedAndFetchAccounts(Context ctx, State s, List<InboundWork> works,
            List<InboundWork> unlinkedContacts, Map<String, Map<String, InboundStore.RecordLink>> records,
            Map<String, Link> people) {
        JobConfig job = ctx.job();
        List<ObjectNode> subs = new ArrayList<>();
        List<String> contactIds = unlinkedContacts.stream().map(w -> w.sfId).toList();
        if (!contactIds.isEmpty() && job.inbound().targets().containsKey("Lead")) {
            if (s.leadLinks == null) {
                s.leadLinks = ctx.store().hasPeopleLinks(job.name(), "Lead");
            }
            if (s.leadLinks) {
                subs.add(soql(ctx, ChangeQueries.convertedInto(contactIds), "converted"));
            }
        }
        InboundConfig.Target contact = job.inbound().targets().get("Contact");
        Set<String> missingAccounts = new LinkedHashSet<>();
        if (contact != null && contact.accountColumn() != null) {
            Set<String> inPage = new HashSet<>();
            works.stream().filter(w -> w.object.equals("Account")).forEach(w -> inPage.add(w.sfId));
            Set<String> wanted = new LinkedHashSet<>();
            for (InboundWork w : works) {
                Object acc = w.object.equals("Contact") && !w.deleted ? w.value("AccountId") : null;
                if (acc != null && !inPage.contains(acc.toString())) {
                    wanted.add(acc.toString());
                }
            }
            Map<String, InboundStore.RecordLink> known = ctx.store().recordLinks(job.name(), "Account", wanted);
            records.computeIfAbsent("Account", k -> new HashMap<>()).putAll(known);
            wanted.removeAll(known.keySet());
            missingAccounts.addAll(wanted);
            if (!missingAccounts.isEmpty() && !ctx.readsMissingAccounts()) {
                for (InboundWork w : works) {
                    Object acc = w.object.equals("Contact") && !w.deleted ? w.value("AccountId") : null;
                    if (acc != null && missingAccounts.contains(acc.toString())) {
                        w.waitsForAccount = true;
                    }
                }
                missingAccounts.clear();
            }
            if (!missingAccounts.isEmpty()) {
                subs.add(soql(ctx, ChangeQueries.byIds("Account", ChangeQueries.fields(job, "Account",
                        ctx.describe().get("Account")), missingAccounts), "accounts"));
            }
        }
        if (subs.isEmpty()) {
            return List.of();
        }
        List<InboundWork> parents = new ArrayList<>();
        for (JsonNode a : ctx.composite(subs)) {
            if (a.path("httpStatusCode").asInt() >= 300) {
                throw new PollRefused("Salesforce refused a lookup of the poll: " + a.path("body"));
            }
            String ref = a.path("referenceId").asText();
            if (ref.equals("converted")) {
                Map<String, String> leadOf = new HashMap<>();
                for (JsonNode r : a.path("body").path("records")) {
                    leadOf.put(r.path("ConvertedContactId").asText(), r.path("Id").asText());
                }
                Map<String, Link> leads = ctx.store().peopleLinks(job.name(), leadOf.values());
                for (InboundWork w : unlinkedContacts) {
                    Link lead = leads.get(leadOf.get(w.sfId));
                    if (lead != null && lead.sobject().equals("Lead")) {
                        people.put(lead.sfId(), lead);
                        w.sourceKey = lead.sourceKey();
                        w.link = linkAsContact(job, lead.sourceKey(), w.sfId, Map.of(lead.sfId(), lead));
                        w.relinkObject = null;
                    }
                }
            } else {
                for (JsonNode r : a.path("body").path("records")) {
                    parents.add(new InboundWork("Account", job.inbound().targets().get("Account"), r, true));
                }
            }
        }
        return parents;
    }

    private static ObjectNode soql(Context ctx, String soql, String ref) {
        return soql(ctx.salesforce(), "query", soql, ref);
    }

    /** A Composite subrequest running {@code soql} through query or queryAll (deleted records too). */
    private static ObjectNode soql(SalesforceClient sf, String resource, String soql, String ref) {
        return sf.subrequest("GET", resource + "?q=" + java.net.URLEncoder.encode(soql, java.nio.charset.StandardCharsets.UTF_8),
                ref, null);
    }

    /** Records not linked yet look for their row by the object's matchOn columns, in order; exactly one must match. */
    private static void findRows(Context ctx, List<InboundWork> works, Map<String, Link> people,
            Map<String, Map<String, InboundStore.RecordLink>> records) {
        JobConfig job = ctx.job();
        Map<String, List<InboundWork>> byObject = new LinkedHashMap<>();
        for (InboundWork w : works) {
            if (!w.isSettled() && !w.deleted && w.sourceKey == null) {
                byObject.computeIfAbsent(w.object, k -> new ArrayList<>()).add(w);
            }
        }
        Set<String> taken = new HashSet<>();
        for (Map.Entry<String, List<InboundWork>> e : byObject.entrySet()) {
            InboundConfig.Target t = job.inbound().targets().get(e.getKey());
            for (Map.Entry<String, String> m : t.matchOn().entrySet()) {
                List<InboundWork> open = e.getValue().stream().filter(w -> w.sourceKey == null).toList();
                Map<String, InboundWork> byValue = new HashMap<>();
                boolean email = m.getKey().equalsIgnoreCase("Email");
                for (InboundWork w : open) {
                    Object v = w.value(m.getKey());
                    if (v != null && !v.toString().isBlank()) {
                        byValue.put(email ? v.toString().toLowerCase(Locale.ROOT) : v.toString(), w);
                    }
                }
                if (byValue.isEmpty()) {
                    continue;
                }
                Map<String, List<String>> found = ctx.tables().findBy(t, m.getValue(), byValue.keySet(), email);
                Set<String> candidates = new HashSet<>();
                found.values().forEach(candidates::addAll);
                Set<String> linkedElsewhere = new HashSet<>();
                if (t.isPerson()) {
                    ctx.store().peopleLinksByKey(job.name(), candidates).keySet().forEach(linkedElsewhere::add);
                } else {
                    linkedElsewhere.addAll(ctx.store().recordLinksByKey(job.name(), t.object(), candidates).keySet());
                }
                for (Map.Entry<String, List<String>> f : found.entrySet()) {
                    InboundWork w = byValue.get(email ? f.getKey().toLowerCase(Locale.ROOT) : f.getKey());
                    if (w == null) {
                        continue;
                    }
                    List<String> keys = f.getValue().stream().filter(k -> !linkedElsewhere.contains(k)).toList();
                    if (keys.size() == 1 && taken.add(t.table() + "|" + keys.get(0))) {
                        w.sourceKey = keys.get(0);
                        w.foundBy = m.getKey();
                    } else if (keys.size() > 1) {
                        w.settle(Action.DUPLICATE, "AMBIGUOUS_MATCH", w.object + " " + w.sfId + ": " + keys.size()
                                + " rows of " + t.table() + " have " + m.getValue() + " = '" + f.getKey() + "' (rows "
                                + String.join(", ", keys.subList(0, Math.min(5, keys.size()))) + "); none is linked");
                    }
                }
            }
        }
    }

    private static void deleted(JobConfig job, InboundWork w, Map<String, Link> people,
            Map<String, Map<String, InboundStore.RecordLink>> records) {
        if (w.sourceKey == null) {
            return;
        }
        if (w.masterId != null) {
            String masterKey = w.target.isPerson() ? (people.get(w.masterId) == null ? null : people.get(w.masterId).sourceKey())
                    : (records.getOrDefault(w.object, Map.of()).get(w.masterId) == null ? null
                            : records.get(w.object).get(w.masterId).sourceKey());
            if (masterKey != null && !masterKey.equals(w.sourceKey)) {
                w.unlink = true;
                w.settle(Action.UNLINKED, "MERGED", w.object + " " + w.sfId + " was merged into " + w.masterId
                        + ", which is linked to row " + masterKey + "; row " + w.sourceKey + " is no longer linked");
            } else {
                w.relinkTo = w.masterId;
                w.relinkObject = w.object;
                w.settle(Action.LINKED, "MERGED", w.object + " " + w.sfId + " was merged into " + w.masterId
                        + ": row " + w.sourceKey + " is now linked to the surviving record");
            }
            return;
        }
        w.unlink = true;
        switch (job.inbound().onDelete()) {
            case FLAG -> w.changes.put(job.inbound().deletedFlag(), Boolean.TRUE);
            case DELETE -> w.deleteRow = true;
            case IGNORE -> { }
        }
        w.settle(Action.UNLINKED, "DELETED_IN_SALESFORCE", w.object + " " + w.sfId + " was deleted in Salesforce: row "
                + w.sourceKey + " is unlinked" + switch (job.inbound().onDelete()) {
                    case FLAG -> " and flagged (" + job.inbound().deletedFlag() + " = true)";
                    case DELETE -> " and deleted";
                    case IGNORE -> " and left as it is";
                });
    }

    // --- merge ----------------------------------------------------------------------------------------

    /** The columns each record changes; conflicts on first links; the keys of new rows. */
    public static InboundPage merge(Context ctx, State s, InboundPage page) {
        JobConfig job = ctx.job();
        Map<String, Map<String, Map<String, Object>>> currentByTable = new HashMap<>();
        Map<InboundConfig.Target, Set<String>> wanted = new LinkedHashMap<>();
        for (InboundWork w : page.works()) {
            if (w.sourceKey != null && !w.insert) {
                wanted.computeIfAbsent(w.target, k -> new HashSet<>()).add(w.sourceKey);
            }
        }
        wanted.forEach((t, keys) -> currentByTable.computeIfAbsent(t.table(), k -> new HashMap<>()).putAll(ctx.tables().read(t, keys)));
        Set<String> sfIds = new HashSet<>();
        page.works().forEach(w -> sfIds.add(w.sfId));
        Map<String, InboundStore.Conflict> open = ctx.store().openConflicts(job.name(), sfIds);
        // company rows by Account Id: linked before, or linked or inserted in this page
        Map<String, String> companyOf = new HashMap<>();
        InboundConfig.Target contact = job.inbound().targets().get("Contact");
        if (contact != null && contact.accountColumn() != null) {
            Set<String> accounts = new HashSet<>();
            page.works().forEach(w -> {
                Object a = w.object.equals("Contact") ? w.value("AccountId") : null;
                if (a != null) {
                    accounts.add(a.toString());
                }
            });
            ctx.store().recordLinks(job.name(), "Account", accounts).forEach((id, l) -> companyOf.put(id, l.sourceKey()));
        }
        for (String object : order(job)) {
            List<InboundWork> of = page.works().stream().filter(w -> w.object.equals(object)).toList();
            newKeys(ctx, of);
            for (InboundWork w : of) {
                if (w.object.equals("Account") && w.sourceKey != null && !w.deleted) {
                    companyOf.put(w.sfId, w.sourceKey);
                }
                if (w.isSettled() || w.deleted) {
                    continue;
                }
                if (w.relinkTo != null && w.object.equals("Lead")) {
                    w.settle(Action.LINKED, "LEAD_CONVERTED", "Lead " + w.sfId + " was converted: row " + w.sourceKey
                            + " is now Contact " + w.relinkTo + " and takes the Contact's values from now on");
                    continue;
                }
                w.current = w.insert ? null : currentByTable.getOrDefault(w.target.table(), Map.of()).get(w.sourceKey);
                if (!w.insert && w.current == null) {
                    w.settle(Action.SKIPPED, "SOURCE_ROW_MISSING", w.object + " " + w.sfId + " is linked to row "
                            + w.sourceKey + ", which " + w.target.table() + " no longer has");
                    continue;
                }
                InboundStore.Conflict held = open.get(w.sfId);
                values(job, w, companyOf);
                if (held != null) {
                    w.conflict = new InboundStore.Conflict(held.id(), job.name(), ctx.runId(), held.at(), w.object, w.sfId,
                            held.sourceKey(), conflictValues(job, w), w.modstamp, "OPEN", null, null);
                    w.changes.clear();
                    w.changedFields.clear();
                    w.settle(Action.SKIPPED, "CONFLICT_OPEN", w.object + " " + w.sfId + " and row " + held.sourceKey()
                            + " wait for an operator (conflict " + held.id() + "): nothing is written either way");
                    continue;
                }
                boolean firstLink = w.foundBy != null || (w.link != null && "MANUAL".equals(w.link.linkedBy())
                        && w.link.inboundModstamp() == null);
                String differing = firstLink ? conflictValues(job, w) : null;
                if (differing != null) {
                    if (job.inbound().onConflict() == InboundConfig.ConflictPolicy.ASK) {
                        w.conflict = new InboundStore.Conflict(0, job.name(), ctx.runId(), null, w.object, w.sfId,
                                w.sourceKey, differing, w.modstamp, "OPEN", null, null);
                        w.changes.clear();
                        w.changedFields.clear();
                        w.settle(Action.CONFLICT, "FIRST_LINK_DIFFERS", w.object + " " + w.sfId + " and row " + w.sourceKey
                                + " differ (" + differing + "); held until an operator takes one side (sfsync conflicts "
                                + job.name() + ")");
                        continue;
                    }
                    w.conflict = new InboundStore.Conflict(0, job.name(), ctx.runId(), null, w.object, w.sfId,
                            w.sourceKey, differing, w.modstamp, "MERGED", null, null);
                }
                if (w.target.changedAt() != null && !w.changes.isEmpty()) {
                    w.changes.put(w.target.changedAt(), Instant.now());
                }
                String reason = w.addressIncomplete ? "ADDRESS_INCOMPLETE" : null;
                if (w.conflict != null) {
                    w.settle(Action.CONFLICT, "MERGED", w.object + " " + w.sfId + " and row " + w.sourceKey + " differed ("
                            + differing + "); the fields' merge rules decided");
                } else if (w.insert) {
                    w.settle(Action.CREATED, reason, null);
                } else if (w.changes.isEmpty()) {
                    w.settle(w.foundBy != null ? Action.LINKED : Action.SKIPPED,
                            w.foundBy != null ? "MATCHED_BY_" + w.foundBy.toUpperCase(Locale.ROOT) : "NO_CHANGE",
                            w.foundBy != null ? w.object + " " + w.sfId + " found row " + w.sourceKey + " by " + w.foundBy
                                    : null);
                } else {
                    w.settle(Action.UPDATED, reason != null ? reason
                            : w.link != null && !w.link.sobject().equals(w.object) ? "LEAD_CONVERTED" : null, null);
                }
            }
        }
        return page;
    }

    /** Keys for the rows this page inserts: a sequence's next values, or a field of the record. */
    private static void newKeys(Context ctx, List<InboundWork> works) {
        List<InboundWork> inserts = works.stream().filter(w -> w.insert && !w.isSettled()).toList();
        if (inserts.isEmpty()) {
            return;
        }
        String newKey = inserts.get(0).target.newKey();
        if (newKey != null && newKey.startsWith("sequence:")) {
            List<String> keys = ctx.writes() ? ctx.tables().nextKeys(newKey.substring(9).trim(), inserts.size())
                    : inserts.stream().map(w -> "new:" + w.sfId).toList();
            for (int i = 0; i < inserts.size(); i++) {
                inserts.get(i).sourceKey = keys.get(i);
            }
        } else if (newKey != null && newKey.startsWith("field:")) {
            String field = newKey.substring(6).trim();
            for (InboundWork w : inserts) {
                Object v = w.value(field);
                if (v == null || v.toString().isBlank()) {
                    w.settle(Action.ERROR, "NO_KEY", w.object + " " + w.sfId + " has no " + field + ", the key of a new row of "
                            + w.target.table() + " (inbound.objects." + w.object + ".newKey)");
                } else {
                    w.sourceKey = v.toString();
                }
            }
        } else {
            for (InboundWork w : inserts) {
                w.settle(Action.ERROR, "NO_KEY", w.object + " " + w.sfId + " is linked to no row and the job has no way to"
                        + " key a new one: set inbound.objects." + w.object + ".newKey (sequence:<name> or field:<Field>)"
                        + " or newRows: skip");
            }
        }
    }

    /** The columns the record's values change, by each field's direction and merge rule. */
    private static void values(JobConfig job, InboundWork w, Map<String, String> companyOf) {
        Instant sourceChanged = w.current == null || w.target.changedAt() == null ? null
                : toInstant(w.current.get(w.target.changedAt().toLowerCase(Locale.ROOT)));
        boolean accountAddress = w.object.equals("Contact") && job.inbound().addressFrom() == InboundConfig.AddressFrom.ACCOUNT_FIRST
                && ChangeQueries.ADDRESS_PARTS.stream().anyMatch(p -> !FieldMerge.isBlank(w.value("Account.Billing" + p)));
        Map<String, Object> address = new HashMap<>();
        Map<String, AgreedValues.Pair> agreed = AgreedValues.parse(w.link == null ? null : w.link.agreedValues());
        w.agreed = new LinkedHashMap<>(agreed);
        for (FieldRule rule : job.fieldsOf(w.object)) {
            if (!rule.inbound()) {
                continue;
            }
            Object sf = w.value(rule.field());
            String part = addressPart(w.object, rule.field());
            if (part != null && accountAddress) {
                sf = w.value("Account.Billing" + part);
            }
            if (part != null) {
                address.put(part, sf);
            }
            String column = w.target.column(rule.from()).toLowerCase(Locale.ROOT);
            Object source = w.current == null ? null : w.current.get(column);
            FieldMerge.Winner winner = AgreedValues.takeIn(rule, agreed.get(rule.field()), sf, source, w.lastModified,
                    sourceChanged);
            if (winner == FieldMerge.Winner.SALESFORCE && !same(sf, source)) {
                w.changes.put(column, sf);
                w.changedFields.add(rule.field());
            }
            if (rule.direction() == FieldRule.Direction.BOTH) {
                if (winner == FieldMerge.Winner.SALESFORCE && !FieldMerge.isBlank(sf)) {
                    w.agreed.put(rule.field(), new AgreedValues.Pair(AgreedValues.text(sf), AgreedValues.text(sf)));
                } else if (same(sf, source)) {
                    w.agreed.put(rule.field(), new AgreedValues.Pair(AgreedValues.text(sf), AgreedValues.text(source)));
                } // else the source's own value waits to go out: the last agreement stays
            }
        }
        if (!address.isEmpty() || (w.target.isPerson() && ChangeQueries.mapsAddress(job, w.object))) {
            w.addressIncomplete = INCOMPLETE_PARTS.stream().anyMatch(p -> FieldMerge.isBlank(address.get(p)));
            String flag = job.inbound().addressIncompleteFlag();
            if (flag != null && (w.current == null || !Boolean.valueOf(w.addressIncomplete).equals(w.current.get(flag.toLowerCase(Locale.ROOT))))) {
                w.changes.put(flag, w.addressIncomplete);
            }
        }
        String accountColumn = w.target.accountColumn();
        if (accountColumn != null && w.value("AccountId") != null) {
            String company = companyOf.get(w.value("AccountId").toString());
            Object now = w.current == null ? null : w.current.get(accountColumn.toLowerCase(Locale.ROOT));
            if (company != null && !same(company, now)) {
                w.changes.put(accountColumn, company);
                w.changedFields.add("AccountId");
            }
        }
    }

    /** Street, City, State, PostalCode or Country, when the field is the record's own address part. */
    private static String addressPart(String object, String field) {
        String prefix = object.equals("Contact") ? "Mailing" : object.equals("Lead") ? "" : null;
        if (prefix == null) {
            return null;
        }
        for (String p : ChangeQueries.ADDRESS_PARTS) {
            if (field.equalsIgnoreCase(prefix + p)) {
                return p;
            }
        }
        return null;
    }

    /** The fields where the record and its row both have a value and they differ, as JSON; null when none. */
    private static String conflictValues(JobConfig job, InboundWork w) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode fills = JSON.createObjectNode();
        for (FieldRule rule : job.fieldsOf(w.object)) {
            if (!rule.inbound()) {
                continue;
            }
            String column = w.target.column(rule.from()).toLowerCase(Locale.ROOT);
            Object sf = w.value(rule.field());
            Object source = w.current == null ? null : w.current.get(column);
            if (!FieldMerge.isBlank(sf) && !FieldMerge.isBlank(source) && !same(sf, source)) {
                ObjectNode f = out.putObject(rule.field());
                f.put("column", column);
                f.put("salesforce", sf.toString());
                f.put("source", source.toString());
            } else if (!FieldMerge.isBlank(sf) && FieldMerge.isBlank(source)) {
                // not a difference (a blank never wins), but the row takes it whichever side the operator takes
                ObjectNode f = fills.putObject(rule.field());
                f.put("column", column);
                f.put("salesforce", sf.toString());
                f.putNull("source");
                f.put("fill", true);
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        out.setAll(fills);
        return out.toString();
    }

    /** Whether two values are the same: blanks alike, instants, numbers, booleans by value, text exactly. */
    public static boolean same(Object a, Object b) {
        if (FieldMerge.isBlank(a) && FieldMerge.isBlank(b)) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        Instant ta = toInstant(a);
        Instant tb = toInstant(b);
        if (ta != null || tb != null) {
            // a column's timestamp and Salesforce's text for it (2026-12-02T10:00:00.000+0000): the same instant?
            Instant x = ta != null ? ta : parseInstant(a.toString());
            Instant y = tb != null ? tb : parseInstant(b.toString());
            if (x != null && y != null) {
                return x.equals(y);
            }
        }
        if (a instanceof Number || b instanceof Number) {
            try {
                return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(b.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (a instanceof Boolean || b instanceof Boolean) {
            return Boolean.parseBoolean(a.toString()) == Boolean.parseBoolean(b.toString());
        }
        return a.toString().equals(b.toString());
    }

    private static Instant parseInstant(String s) {
        try {
            return InboundWork.instant(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Instant toInstant(Object v) {
        if (v instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof Instant i) {
            return i;
        }
        return null;
    }

    // --- apply ----------------------------------------------------------------------------------------

    /**
     * The page's rows, log rows, links, conflicts and cursors, in one transaction when the source and the
     * sync tables share a database (otherwise the source's commit comes first: a page cut short between the
     * two is read again and its updates written again, unchanged). A value that does not fit its column is
     * an ERROR naming the record and the column; the rest of the page is written.
     */
    public static void apply(Context ctx, State s, InboundPage page) throws SQLException {
        JobConfig job = ctx.job();
        List<SourceTables.Write> writes = new ArrayList<>();
        Map<SourceTables.Write, InboundWork> owner = new HashMap<>();
        for (InboundWork w : page.works()) {
            SourceTables.Write write = writeOf(w);
            if (write == null) {
                continue;
            }
            try {
                ctx.tables().converted(write);
                writes.add(write);
                owner.put(write, w);
            } catch (SourceTables.BadValue e) {
                fail(w, "SOURCE_VALUE_INVALID", e.getMessage());
            }
        }
        boolean oneDatabase = ctx.tables().dataSource() == ctx.store().dataSource();
        if (ctx.writes()) {
            // with the sync tables in a database of their own, their transaction is written (the run's lease and a
            // shared page's claim checked and held) before the source commits, and commits after it
            try (Connection c = ctx.tables().dataSource().getConnection();
                    Connection sync = oneDatabase ? null : ctx.store().dataSource().getConnection()) {
                c.setAutoCommit(false);
                if (sync != null) {
                    sync.setAutoCommit(false);
                }
                try {
                    Map<String, String> echo = Map.of();
                    Map<String, String> inSyncBefore = rowsInSyncOutbound(ctx, page, c);
                    writeRows(c, ctx.tables(), writes, owner);
                    if (!inSyncBefore.isEmpty()) {
                        // read in this transaction: the rows as written here, not as someone may change them next
                        echo = ctx.outboundHashes(c, inSyncBefore.keySet());
                    }
                    InboundStore.record(sync != null ? sync : c, pageWrite(ctx, page, echo));
                    c.commit();
                    if (sync != null) {
                        sync.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    if (sync != null) {
                        sync.rollback();
                    }
                    throw e;
                }
            }
            page.cursors().forEach((o, cur) -> {
                ChangeQueries.Cursor d = s.durable.get(o);
                if (d == null || !d.isAfter(cur.modstamp(), cur.lastId())) {
                    s.durable.put(o, cur);
                }
            });
        } else if (ctx.logs()) {
            try (Connection c = ctx.store().dataSource().getConnection()) {
                c.setAutoCommit(false);
                InboundStore.PageWrite p = pageWrite(ctx, page, Map.of());
                InboundStore.record(c, new InboundStore.PageWrite(p.runId(), p.job(), p.outcomes(), Map.of(), List.of(),
                        List.of(), List.of(), List.of(), List.of(), List.of(), p.apiCallsSoFar()));
                c.commit();
            }
        }
        page.works().forEach(w -> ctx.tally(w.outcome()));
    }

    private static void fail(InboundWork w, String reason, String message) {
        w.outcome = null;
        w.changes.clear();
        w.conflict = null;
        w.unlink = false;
        w.relinkTo = null;
        w.relinkObject = null;
        w.insert = false;
        w.settle(Action.ERROR, reason, message);
    }

    private static SourceTables.Write writeOf(InboundWork w) {
        Action a = w.outcome().action();
        String record = w.object + " " + w.sfId;
        if (w.deleteRow) {
            return new SourceTables.Write(w.target, SourceTables.Write.Kind.DELETE, w.sourceKey, Map.of(), record);
        }
        if (w.changes.isEmpty() || a == Action.ERROR || a == Action.SKIPPED || a == Action.DUPLICATE
                || (a == Action.CONFLICT && "FIRST_LINK_DIFFERS".equals(w.outcome().reason()))) {
            return null;
        }
        return new SourceTables.Write(w.target, w.insert ? SourceTables.Write.Kind.INSERT : SourceTables.Write.Kind.UPDATE,
                w.sourceKey, new LinkedHashMap<>(w.changes), record);
    }

    /** The writes as batches; when a batch fails, each write on its own, so one bad row fails alone. */
    private static void writeRows(Connection c, SourceTables tables, List<SourceTables.Write> writes,
            Map<SourceTables.Write, InboundWork> owner) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        Savepoint before = c.setSavepoint();
        try {
            tables.apply(c, writes);
            return;
        } catch (SQLException e) {
            if (io.sfsync.db.Databases.isConnectionFailure(e)) {
                throw e;
            }
            c.rollback(before);
        }
        for (SourceTables.Write w : writes) {
            Savepoint one = c.setSavepoint();
            try {
                tables.apply(c, List.of(w));
            } catch (SQLException e) {
                if (io.sfsync.db.Databases.isConnectionFailure(e)) {
                    throw e;
                }
                c.rollback(one);
                fail(owner.get(w), "SOURCE_WRITE_FAILED", w.record() + ": " + w.target().table() + " refused the "
                        + w.kind().name().toLowerCase(Locale.ROOT) + " of row " + w.key() + ": " + e.getMessage());
            }
        }
    }

    /**
     * @param echo for a job that also sends: the payload hash to record on the links of rows that had nothing
     *        waiting to go out, so the outbound pass finds them unchanged (the rest keep their links' hashes)
     */
    private static InboundStore.PageWrite pageWrite(Context ctx, InboundPage page, Map<String, String> echo) {
        JobConfig job = ctx.job();
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Instant> versions = new HashMap<>();
        List<Link> links = new ArrayList<>();
        List<Link> relinks = new ArrayList<>();
        List<String> unlinkPeople = new ArrayList<>();
        List<InboundStore.RecordLink> recordLinks = new ArrayList<>();
        List<InboundStore.RecordLink> unlinkRecords = new ArrayList<>();
        List<InboundStore.Conflict> conflicts = new ArrayList<>();
        for (InboundWork w : page.works()) {
            Outcome o = w.outcome();
            outcomes.add(o);
            if (w.modstamp != null) {
                versions.put(o.sourceKey(), w.modstamp);
            }
            if (w.conflict != null) {
                conflicts.add(w.conflict);
            }
            Action a = o.action();
            boolean held = a == Action.CONFLICT && "FIRST_LINK_DIFFERS".equals(o.reason())
                    || a == Action.SKIPPED && "CONFLICT_OPEN".equals(o.reason());
            if (w.sourceKey == null || a == Action.ERROR || a == Action.DUPLICATE || held
                    || "SOURCE_ROW_MISSING".equals(o.reason()) || "CONTACT_LINKED_ELSEWHERE".equals(o.reason())) {
                continue;
            }
            String object = w.relinkObject != null ? w.relinkObject : w.object;
            String sfId = w.relinkTo != null ? w.relinkTo : w.sfId;
            if (w.target.isPerson()) {
                if (w.unlink) {
                    unlinkPeople.add(w.sourceKey);
                    continue;
                }
                Link old = w.link;
                String account = w.accountSfId != null ? w.accountSfId : w.value("AccountId") != null
                        ? w.value("AccountId").toString() : old == null ? null : old.accountId();
                // a relinked row (converted Lead, merged loser) takes the new record's next version whatever its time
                (w.relinkTo != null ? relinks : links).add(new Link(job.name(), w.sourceKey, object, sfId, account,
                        old == null ? null : old.ownerId(), echo.getOrDefault(w.sourceKey, old == null ? null
                                : old.payloadHash()), Instant.now(),
                        old == null ? "AUTO" : old.linkedBy(), w.relinkTo != null ? null : w.modstamp,
                        w.relinkTo != null ? null : w.agreed == null ? (old == null ? null : old.agreedValues())
                                : AgreedValues.write(w.agreed)));
            } else if (w.unlink) {
                unlinkRecords.add(new InboundStore.RecordLink(w.object, w.sourceKey, w.sfId, null));
            } else {
                recordLinks.add(new InboundStore.RecordLink(w.object, w.sourceKey, sfId, w.relinkTo != null ? null : w.modstamp));
            }
        }
        List<InboundStore.Cursor> cursors = new ArrayList<>();
        if (ctx.unitPage() == null) { // a unit's page moves no cursor itself (see InboundStore.UnitPage)
            page.cursors().forEach((o, c) -> cursors.add(new InboundStore.Cursor(o, c.modstamp(), c.lastId())));
        }
        // one row, one link: a converted Lead and its Contact in one page link the row once, to the Contact
        Map<String, Link> linkByKey = new LinkedHashMap<>();
        links.forEach(l -> linkByKey.put(l.sourceKey(), l));
        relinks.forEach(l -> linkByKey.putIfAbsent(l.sourceKey(), l));
        Map<String, InboundStore.RecordLink> recordByKey = new LinkedHashMap<>();
        recordLinks.forEach(l -> recordByKey.put(l.sobject() + "|" + l.sourceKey(), l));
        // the rows inserted, people apart from the rest: a company's new key may be a person's old one
        Set<String> insertedPeople = new HashSet<>();
        Set<String> insertedRecords = new HashSet<>();
        page.works().forEach(w -> {
            if (w.insert && w.outcome().action() == Action.CREATED) {
                if (w.target.isPerson()) {
                    insertedPeople.add(w.sourceKey);
                } else {
                    insertedRecords.add(w.object + "|" + w.sourceKey);
                }
            }
        });
        return new InboundStore.PageWrite(ctx.runId(), job.name(), outcomes, versions, new ArrayList<>(linkByKey.values()),
                unlinkPeople, new ArrayList<>(recordByKey.values()), unlinkRecords, cursors, conflicts, ctx.apiCallsSoFar(),
                insertedPeople, insertedRecords, ctx.unitPage());
    }

    /**
     * A job that also sends: the people rows this page writes whose outbound payload, before the write, is
     * the one their link says Salesforce has (nothing waits to go out): key → link hash.
     */
    private static Map<String, String> rowsInSyncOutbound(Context ctx, InboundPage page, Connection c) {
        if (!ctx.job().outbound()) {
            return Map.of();
        }
        Map<String, String> linkHash = new HashMap<>();
        for (InboundWork w : page.works()) {
            Action a = w.outcome().action();
            if (w.target.isPerson() && w.sourceKey != null && !w.unlink && !w.insert && !w.changes.isEmpty()
                    && w.link != null && w.link.payloadHash() != null && (a == Action.UPDATED || a == Action.CONFLICT)) {
                linkHash.put(w.sourceKey, w.link.payloadHash());
            }
        }
        if (linkHash.isEmpty()) {
            return Map.of();
        }
        Map<String, String> now = ctx.outboundHashes(c, linkHash.keySet());
        Map<String, String> inSync = new HashMap<>();
        linkHash.forEach((k, h) -> {
            if (h.equals(now.get(k))) {
                inSync.put(k, h);
            }
        });
        return inSync;
    }
}
