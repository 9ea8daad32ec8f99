package io.sfsync.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;

/**
 * Sends records to Salesforce for the accounts and write steps: sObject Collections of up to 200
 * records, packed five to a Composite request (one API call), or Bulk API 2.0 jobs for groups at or
 * above the job's bulkThreshold. Creates that carry the job's external ID go through upsert on it, so
 * a retry after a lost response updates instead of duplicating. Records that fail with a lock or
 * availability error are sent again with backoff, a bounded number of times; the caller settles what
 * still fails.
 */
final class SalesforceWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceWriter.class);
    static final int COLLECTION_SIZE = 200;
    static final int COLLECTIONS_PER_COMPOSITE = 5;

    private final RunLifecycle lifecycle;
    private final long retryBackoffMs;

    SalesforceWriter(RunLifecycle lifecycle, long retryBackoffMs) {
        this.lifecycle = lifecycle;
        this.retryBackoffMs = retryBackoffMs;
    }

    enum Kind { CREATE, UPSERT, UPDATE }

    /** One record to send, and whose result it is. */
    static final class Op {
        final String object;
        final Kind kind;
        final Map<String, Object> fields;
        final boolean autoAssign;
        final RecordWork work;
        final String accountKey;
        JsonNode result;
        String failure;
        /** What the failure policy decided for the failed call this record was in. */
        FailurePolicy.Decision failureDecision;
        /** Sent again after an answer was lost: a "found, not created" answer may be our own first send. */
        boolean resent;

        Op(String object, Kind kind, Map<String, Object> fields, boolean autoAssign, RecordWork work, String accountKey) {
            this.object = object;
            this.kind = kind;
            this.fields = fields;
            this.autoAssign = autoAssign;
            this.work = work;
            this.accountKey = accountKey;
        }
    }

    /** Upsert on the job's external ID when the record carries it: safe to send twice. */
    static boolean upsertable(RunContext run, String object, Map<String, Object> fields) {
        String ext = run.job.externalIdField();
        ObjectInfo info = run.org.describe.get(object);
        return ext != null && info != null && info.field(ext) != null && fields.get(info.field(ext).name()) != null;
    }

    /**
     * Sends the ops — large groups of upserts or updates through Bulk API 2.0, the rest as collections —
     * then resends those that hit a transient per-record error, with backoff.
     */
    void send(RunContext run, List<Op> all) {
        sendCompanyFirst(run, List.of(), all, List::of);
    }

    /**
     * Company first, in as few calls as Salesforce's limits allow: the {@code first} ops (a batch's
     * accounts) lead the first Composite calls and {@code others} fill the room left in them; once
     * {@code first} is answered (its transient failures sent again), {@code then} hands the ops that
     * waited for it (the Contacts to associate with new accounts), and those go with what is left of
     * {@code others}, five collections to a call. A run stopped meanwhile sends no more: what is left
     * stays unanswered (result null).
     */
    void sendCompanyFirst(RunContext run, List<Op> first, List<Op> others, java.util.function.Supplier<List<Op>> then) {
        List<List<Op>> firstChunks = chunks(bulk(run, first));
        List<List<Op>> otherChunks = chunks(bulk(run, others));
        int room = Math.min(otherChunks.size(), (COLLECTIONS_PER_COMPOSITE - firstChunks.size() % COLLECTIONS_PER_COMPOSITE)
                % COLLECTIONS_PER_COMPOSITE);
        List<List<Op>> lead = new ArrayList<>(firstChunks);
        lead.addAll(otherChunks.subList(0, room));
        sendChunks(run, lead);
        resendTransient(run, first);
        List<Op> waited = then.get();
        List<Op> rest = new ArrayList<>();
        otherChunks.subList(room, otherChunks.size()).forEach(rest::addAll);
        if (run.stopReason == null || first.isEmpty()) {
            rest.addAll(bulk(run, waited));
            sendChunks(run, chunks(rest));
        }
        List<Op> people = new ArrayList<>(others);
        people.addAll(waited);
        resendTransient(run, people);
    }

    private void resendTransient(RunContext run, List<Op> ops) {
        for (int attempt = 1; attempt <= FailurePolicy.recordRetries() && run.stopReason == null; attempt++) {
            List<Op> again = ops.stream().filter(op -> op.failure == null && transientRecordError(op.result)).toList();
            if (again.isEmpty()) {
                return;
            }
            sleep(FailurePolicy.backoffMs(retryBackoffMs, attempt));
            again.forEach(op -> op.result = null);
            sendChunks(run, chunks(again));
        }
    }

    /** Writes the groups at or above the job's bulkThreshold through Bulk API 2.0; returns the other ops. */
    private List<Op> bulk(RunContext run, List<Op> ops) {
        Map<String, List<Op>> groups = new LinkedHashMap<>();
        for (Op op : ops) {
            if ((op.kind == Kind.UPSERT || op.kind == Kind.UPDATE) && !op.autoAssign) {
                groups.computeIfAbsent(op.object + "|" + op.kind, k -> new ArrayList<>()).add(op);
            }
        }
        List<Op> rest = new ArrayList<>(ops);
        for (List<Op> group : groups.values()) {
            if (group.size() < run.job.bulkThreshold()) {
                continue;
            }
            rest.removeAll(group);
            Op first = group.get(0);
            String ext = first.kind == Kind.UPSERT ? run.org.describe.get(first.object).field(run.job.externalIdField()).name()
                    : null;
            List<BulkWriter.Row> rows = new ArrayList<>();
            for (Op op : group) {
                rows.add(new BulkWriter.Row() {
                    @Override
                    public Map<String, Object> fields() {
                        return op.fields;
                    }

                    @Override
                    public void result(ObjectNode result) {
                        op.result = result;
                    }
                });
            }
            // a Bulk job carries only upserts on the external ID and updates by Id: when one of its calls
            // fails transiently, the whole job can be sent again without creating anything twice
            for (int attempt = 0; ; attempt++) {
                try {
                    group.forEach(op -> op.result = null);
                    new BulkWriter().write(run, first.object, ext, rows);
                    break;
                } catch (SalesforceClient.SalesforceCallException e) {
                    if (FailurePolicy.isCallRetriable(e, true) && attempt < FailurePolicy.BULK_JOB_RESENDS
                            && run.stopReason == null) {
                        LOG.warn("Bulk API job for {} {} of job {} failed ({}); sending it again", group.size(),
                                first.object, run.job.name(), e.getMessage());
                        group.forEach(op -> op.resent = true);
                        sleep(FailurePolicy.backoffMs(retryBackoffMs, attempt + 1));
                        continue;
                    }
                    group.forEach(op -> {
                        op.failure = e.getMessage();
                        op.failureDecision = e.decision();
                    });
                    if (e.decision().runAction() != FailurePolicy.RunAction.CONTINUE) {
                        lifecycle.stopOnFailure(run, e);
                    }
                    break;
                }
            }
        }
        return rest;
    }

    /**
     * Collections of one object, kind and assignment-rule choice, up to 200 records each: each collection
     * carries its own Sforce-Auto-Assign header, so records for the assignment rules and records with their
     * owner set share a Composite call.
     */
    private static List<List<Op>> chunks(List<Op> ops) {
        Map<String, List<Op>> groups = new LinkedHashMap<>();
        for (Op op : ops) {
            groups.computeIfAbsent(op.object + "|" + op.kind + "|" + op.autoAssign, k -> new ArrayList<>()).add(op);
        }
        List<List<Op>> chunks = new ArrayList<>();
        groups.forEach((k, g) -> {
            for (int i = 0; i < g.size(); i += COLLECTION_SIZE) {
                chunks.add(g.subList(i, Math.min(g.size(), i + COLLECTION_SIZE)));
            }
        });
        return chunks;
    }

    /** The collections, in their order, five to a Composite call. */
    private void sendChunks(RunContext run, List<List<Op>> chunks) {
        for (int i = 0; i < chunks.size(); i += COLLECTIONS_PER_COMPOSITE) {
            sendComposite(run, chunks.subList(i, Math.min(chunks.size(), i + COLLECTIONS_PER_COMPOSITE)));
        }
    }

    private void sendComposite(RunContext run, List<List<Op>> collections) {
        SalesforceClient sf = run.salesforce;
        Map<String, String> headers = new LinkedHashMap<>();
        if (run.job.allowSave()) {
            headers.put("Sforce-Duplicate-Rule-Header", "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true");
        }
        List<ObjectNode> subs = new ArrayList<>();
        boolean idempotent = true;
        for (int i = 0; i < collections.size(); i++) {
            List<Op> c = collections.get(i);
            Op first = c.get(0);
            ObjectNode body = sf.collection(first.object, c.stream().map(op -> op.fields).toList());
            ObjectNode sub = switch (first.kind) {
                case CREATE -> sf.subrequest("POST", "composite/sobjects", "c" + i, body);
                case UPDATE -> sf.subrequest("PATCH", "composite/sobjects", "c" + i, body);
                case UPSERT -> sf.subrequest("PATCH", "composite/sobjects/" + first.object + "/"
                        + run.org.describe.get(first.object).field(run.job.externalIdField()).name(), "c" + i, body);
            };
            ObjectNode h = sub.putObject("httpHeaders");
            headers.forEach(h::put);
            h.put("Sforce-Auto-Assign", first.autoAssign ? "TRUE" : "FALSE");
            idempotent &= first.kind != Kind.CREATE;
            subs.add(sub);
        }
        List<JsonNode> responses;
        try {
            responses = run.composite(subs, headers, idempotent);
        } catch (SalesforceClient.SalesforceCallException e) {
            // a call that carried creates is not sent again as a whole (they may have been made); its upserts and
            // updates are safe to send twice: after a failure that may pass they go again on a call of their own
            java.util.Set<List<Op>> again = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            if (!idempotent && FailurePolicy.isCallRetriable(e, true)) {
                collections.stream().filter(c -> c.get(0).kind != Kind.CREATE).forEach(again::add);
            }
            collections.stream().filter(c -> !again.contains(c)).forEach(c -> c.forEach(op -> {
                op.failure = e.getMessage();
                op.failureDecision = e.decision();
            }));
            if (e.decision().runAction() != FailurePolicy.RunAction.CONTINUE) {
                lifecycle.stopOnFailure(run, e);
            }
            if (!again.isEmpty()) {
                again.forEach(c -> c.forEach(op -> op.resent = true)); // "found, not created" may be this send's own
                if (run.stopReason == null) {
                    sendComposite(run, collections.stream().filter(again::contains).toList());
                } else {
                    again.forEach(c -> c.forEach(op -> {
                        op.failure = e.getMessage();
                        op.failureDecision = e.decision();
                    }));
                }
            }
            return;
        }
        for (int i = 0; i < collections.size(); i++) {
            JsonNode r = responses.get(i);
            List<Op> c = collections.get(i);
            JsonNode body = r.path("body");
            if (r.path("httpStatusCode").asInt() >= 300 || !body.isArray()) {
                String why = body.isArray() && body.size() > 0 ? body.get(0).path("errorCode").asText() + ": "
                        + body.get(0).path("message").asText() : body.toString();
                c.forEach(op -> {
                    op.failure = why;
                    op.failureDecision = FailurePolicy.forFailedSubrequest();
                });
                continue;
            }
            boolean resent = r.path(SalesforceClient.RESENT).asBoolean(false);
            for (int j = 0; j < c.size(); j++) {
                c.get(j).result = body.get(j);
                c.get(j).resent |= resent;
            }
        }
    }

    static boolean transientRecordError(JsonNode result) {
        if (result == null || result.path("success").asBoolean()) {
            return false;
        }
        return FailurePolicy.forRecordError(result.path("errors").path(0).path("statusCode").asText()).recordRetry();
    }

    static String firstError(JsonNode result) {
        if (result == null) {
            return "no result";
        }
        JsonNode e = result.path("errors").path(0);
        return e.path("statusCode").asText() + ": " + e.path("message").asText();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
