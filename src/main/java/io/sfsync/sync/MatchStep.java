package io.sfsync.sync;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.FieldRule;
import io.sfsync.config.JobConfig;
import io.sfsync.matching.MatchDecider;
import io.sfsync.matching.MatchIndex;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.synclog.Action;

/**
 * Matching and deduplication: ONE Composite call per batch looks up, for every open
 * row at once, the linked records, external IDs and emails in each matchIn object, the owners'
 * Users and the candidate Accounts. Each row then finds its record in memory: link, then external
 * ID, then email; Contact before Lead; converted Leads followed to their Contact; two matches in
 * one object are ambiguous.
 */
public final class MatchStep {
    static final String ACCOUNTS = "accounts";
    /** Rows per lookup query: 1,000 emails and external IDs make a SOQL statement of about 60,000 characters. */
    static final int LOOKUP_SLICE = 1000;

    /**
     * The lookup step of the prepare-batch route: makes the batch's lookup ahead of time, on the reading
     * thread, once the batch before it has decided — unless the two share an email, external ID or
     * account, or the run is stopping; then the match step makes it, after the batch before is recorded.
     */
    public void lookupAhead(RunContext run, Batch batch) {
        if (batch.lookedUp != null || batch.lookingUp != null || run.stopReason != null) {
            return;
        }
        if (run.readAhead == null) {
            if (run.budgetAllowsAnotherBatch()) {
                batch.lookedUp = lookup(run, batch);
            }
            return;
        }
        // on the lookup thread, so the reading thread goes on to the next batch meanwhile
        ReadAhead ahead = run.readAhead;
        batch.lookingUp = ahead.onLookupThread(() -> {
            if (!ahead.mayLookUp(batch) || run.stopReason != null || !run.budgetAllowsAnotherBatch()) {
                return null;
            }
            MatchIndex[] index = new MatchIndex[1];
            run.timed("lookup ahead", () -> index[0] = lookup(run, batch));
            return index[0];
        });
    }

    /**
     * Decides every open row of the batch — what it becomes (create, update, nothing) and in which
     * object — looking its candidates up first unless the prepare-batch route already did. Then the
     * next batch's lookup may start.
     */
    public void apply(RunContext run, Batch batch) {
        RuntimeException[] failed = new RuntimeException[1];
        if (batch.lookedUp == null && batch.lookingUp != null) {
            run.timed("wait for lookup", () -> {
                try {
                    batch.lookedUp = awaitLookup(batch);
                } catch (RuntimeException e) {
                    failed[0] = e;
                }
            });
        }
        if (batch.lookedUp == null && failed[0] == null) {
            try {
                batch.lookedUp = lookup(run, batch);
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        }
        // a unit of a shared run with nothing left to decide skips its opening call: its run made one already
        boolean unitWithNothingOpen = run.unit != null && batch.open().findAny().isEmpty();
        if (failed[0] == null && run.opening.get() != null && !unitWithNothingOpen) {
            // the lookup made no call (no open rows, or none with a key to look up): the opening call goes alone
            // now, so the batch is judged (unchanged payloads), owned (the fallback owner) and written with
            // what it tells
            run.sendOpening();
        }
        if (batch.mappedWith != null && batch.mappedWith != run.mapper) {
            // mapped with the describes kept from the last run, which the opening call found changed (a lookup
            // made from them may have named a field the org no longer has): map and look up again
            new MapStep().again(run, batch);
            batch.lookedUp = lookup(run, batch);
        } else if (failed[0] != null) {
            throw failed[0];
        }
        if (run.budgetLearned.getAndSet(false) && !run.budgetAllowsAnotherBatch()) {
            // the opening call's limits came with this batch's lookup: the write step leaves the batch PENDING
            run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                    + run.tally.apiAllowance + " calls); the rest waits for the next run");
        }
        MatchIndex index = batch.lookedUp;
        batch.open().toList().forEach(w -> decide(run, w, index));
        if (run.readAhead != null) {
            run.readAhead.decided(batch.number(), batch.writeKeys(run.job.accounts().enabled()));
        }
    }

    private static MatchIndex awaitLookup(Batch batch) {
        try {
            return batch.lookingUp.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking up batch " + batch.number(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            batch.lookingUp = null;
        }
    }

    /**
     * The batch's ONE Composite lookup: no decisions, no writes, so the next batch can look up while
     * this one writes — when the two share no email, external ID or account (see {@link Batch#matchKeys()}).
     */
    public MatchIndex lookup(RunContext run, Batch batch) {
        JobConfig job = run.job;
        List<RecordWork> open = batch.open().toList();
        MatchIndex index = new MatchIndex(job.externalIdField());
        if (open.isEmpty()) {
            return index;
        }
        if (run.unit != null) {
            batch.lookupTicket = run.store.work().ticket(); // before Salesforce is asked: see SharedWork
        }
        List<ObjectNode> subs = new ArrayList<>();
        // at most LOOKUP_SLICE rows per query keep each SOQL statement far below Salesforce's 100,000 characters
        for (int from = 0; from < open.size(); from += LOOKUP_SLICE) {
            List<RecordWork> slice = open.subList(from, Math.min(open.size(), from + LOOKUP_SLICE));
            for (String object : job.matchIn()) {
                String soql = personQuery(run, object, slice);
                if (soql != null) {
                    subs.add(query(run, soql, object + "#" + subs.size()));
                }
            }
            String accountQuery = accountQuery(run, slice);
            if (accountQuery != null) {
                subs.add(query(run, accountQuery, ACCOUNTS + "#" + subs.size()));
            }
        }
        Set<String> owners = open.stream().map(w -> w.mapped.ownerEmail()).filter(e -> e != null
                && !run.org.usersByEmail.containsKey(e)).collect(Collectors.toCollection(LinkedHashSet::new));
        if (!owners.isEmpty()) {
            subs.add(query(run, io.sfsync.matching.LookupQueries.activeUsers(owners), "users"));
        }
        fetch(run, subs, index);
        owners.forEach(e -> run.org.usersByEmail.putIfAbsent(e, ""));
        followConvertedLeads(run, open, index);
        return index;
    }

    private static ObjectNode query(RunContext run, String soql, String ref) {
        return run.salesforce.subrequest("GET", "query?q=" + io.sfsync.salesforce.Soql.urlEncoded(soql), ref, null);
    }

    /** Runs the queries (and their queryMore pages) and indexes what comes back. */
    private static void fetch(RunContext run, List<ObjectNode> subs, MatchIndex index) {
        List<ObjectNode> pending = subs;
        while (!pending.isEmpty()) {
            List<ObjectNode> next = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += 5) {
                List<JsonNode> responses = run.composite(pending.subList(from, Math.min(pending.size(), from + 5)),
                        Map.of(), true);
                for (JsonNode r : responses) {
                    String ref = r.path("referenceId").asText();
                    if (r.path("httpStatusCode").asInt() >= 300) {
                        throw new RunLifecycle.ConfigurationProblem("the " + ref + " lookup failed: " + r.path("body"));
                    }
                    JsonNode body = r.path("body");
                    String object = ref.replaceAll("#\\d+$", "");
                    if (object.equals("users")) {
                        body.path("records").forEach(u -> run.org.usersByEmail.put(u.path("Email").asText().toLowerCase(),
                                u.path("Id").asText()));
                    } else {
                        index.add(object.equals(ACCOUNTS) ? "Account" : object, body.path("records"));
                    }
                    if (!body.path("done").asBoolean(true)) {
                        ObjectNode more = run.salesforce.mapper().createObjectNode();
                        more.put("method", "GET");
                        more.put("url", body.path("nextRecordsUrl").asText());
                        more.put("referenceId", object + "#" + next.size());
                        next.add(more);
                    }
                }
            }
            pending = next;
        }
    }

    private static String personQuery(RunContext run, String object, List<RecordWork> open) {
        JobConfig job = run.job;
        ObjectInfo info = run.org.describe.get(object);
        Set<String> ids = new LinkedHashSet<>();
        Set<String> ext = new LinkedHashSet<>();
        Set<String> emails = new LinkedHashSet<>();
        boolean hasExt = job.externalIdField() != null && info != null && info.field(job.externalIdField()) != null;
        for (RecordWork w : open) {
            if (w.link != null && w.link.sobject().equals(object) && job.matchBy().contains(JobConfig.MatchKey.LINK)) {
                ids.add(w.link.sfId());
            }
            if (hasExt && w.mapped.externalId() != null && job.matchBy().contains(JobConfig.MatchKey.EXTERNALID)) {
                ext.add(w.mapped.externalId());
            }
            if (w.mapped.email() != null && job.matchBy().contains(JobConfig.MatchKey.EMAIL)) {
                emails.add(w.mapped.email());
            }
        }
        return io.sfsync.matching.LookupQueries.people(object, selectFields(run, object), ids,
                hasExt ? job.externalIdField() : null, ext, emails);
    }

    /** What deciding, overwrite rules and the diff need from the current record. */
    static Set<String> selectFields(RunContext run, String object) {
        ObjectInfo info = run.org.describe.get(object);
        // CreatedDate, CreatedById: whether a record found again is one an earlier, unanswered create of this job made
        Set<String> fields = new LinkedHashSet<>(List.of("Id", "OwnerId", "CreatedDate", "CreatedById", "LastModifiedDate"));
        if (!object.equals("Account")) {
            fields.add("Email");
        }
        if (object.equals("Lead")) {
            fields.addAll(List.of("IsConverted", "ConvertedContactId", "ConvertedAccountId"));
        }
        if (object.equals("Contact")) {
            fields.add("AccountId");
        }
        if (object.equals("Account")) {
            fields.addAll(List.of("Name", "Website"));
        }
        if (run.job.externalIdField() != null && info != null && info.field(run.job.externalIdField()) != null) {
            fields.add(run.job.externalIdField());
        }
        for (FieldRule rule : run.job.fieldsOf(object)) {
            if (info != null && info.field(rule.field()) != null) {
                fields.add(info.field(rule.field()).name());
            }
            if (rule.when() != null && info != null && info.field(rule.when().field()) != null) {
                fields.add(info.field(rule.when().field()).name());
            }
        }
        return fields;
    }

    private static String accountQuery(RunContext run, List<RecordWork> open) {
        if (!run.job.accounts().enabled() || !(run.job.matchIn().contains("Contact") || run.createAs.equals("Contact"))) {
            return null;
        }
        Set<String> domains = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (RecordWork w : open) {
            if (run.job.accounts().matchBy().contains("domain") && w.mapped.accountDomain() != null) {
                domains.add(w.mapped.accountDomain());
            }
            if (run.job.accounts().matchBy().contains("name") && w.mapped.accountName() != null) {
                names.add(w.mapped.accountName());
            }
        }
        return io.sfsync.matching.LookupQueries.accounts(selectFields(run, "Account"), names, domains);
    }

    /** Converted Leads are never updated: fetch the Contacts they became when the batch lookup missed them. */
    private static void followConvertedLeads(RunContext run, List<RecordWork> open, MatchIndex index) {
        if (!run.job.matchIn().contains("Lead")) {
            return;
        }
        Set<String> missing = new LinkedHashSet<>();
        for (Map<String, Object> lead : index.all("Lead")) {
            Object contact = lead.get("ConvertedContactId");
            if (Boolean.TRUE.equals(lead.get("IsConverted")) && contact != null && index.byId("Contact", contact.toString()) == null) {
                missing.add(contact.toString());
            }
        }
        if (missing.isEmpty() || !run.org.describe.containsKey("Contact")) {
            return;
        }
        fetch(run, List.of(query(run, io.sfsync.matching.LookupQueries.people("Contact", selectFields(run, "Contact"),
                missing, null, List.of(), List.of()), "Contact")), index);
    }

    /** Applies the match decider's verdict to the row. */
    private static void decide(RunContext run, RecordWork w, MatchIndex index) {
        MatchDecider.Decision d = MatchDecider.decide(run.job, run.createAs, index, new MatchDecider.Row(
                w.link == null ? null : w.link.sobject(), w.link == null ? null : w.link.sfId(),
                w.mapped.externalId(), w.mapped.email()));
        w.targetObject = d.object();
        switch (d.kind()) {
            case CREATE -> {
                w.current = null;
                w.operation = RecordWork.Operation.CREATE;
            }
            case UPDATE -> {
                w.current = d.current();
                w.operation = RecordWork.Operation.UPDATE;
            }
            case DUPLICATE -> w.settle(Action.DUPLICATE, d.reason(), d.message());
            case SKIPPED -> {
                if (d.current() != null) {
                    w.current = d.current();
                }
                w.settle(Action.SKIPPED, d.reason(), d.message());
            }
        }
    }
}
