package io.sfsync.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.salesforce.ErrorClassifier;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;

/**
 * Writes a batch: accounts first, then people, as sObject Collections of up to 200
 * records, packed five to a Composite request (one API call). Creates that carry the job's external
 * ID go through upsert on it, so a retry after a lost response updates instead of duplicating.
 * Records that fail with a lock or availability error are sent again with backoff, a bounded number
 * of times; what still fails stays PENDING for the next run.
 */
public final class WriteStep {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStep.class);
    static final int COLLECTION_SIZE = 200;
    static final int COLLECTIONS_PER_COMPOSITE = 5;
    private static final int RECORD_RETRIES = 3;
    /** How many times a Bulk API job that failed on a transient error is sent again in the run. */
    private static final int BULK_RETRIES = 4;

    private final RunLifecycle lifecycle;
    private final long retryBackoffMs;

    public WriteStep(RunLifecycle lifecycle, long retryBackoffMs) {
        this.lifecycle = lifecycle;
        this.retryBackoffMs = retryBackoffMs;
    }

    private enum Kind { CREATE, UPSERT, UPDATE }

    /** One record to send, and whose result it is. */
    private static final class Op {
        final String object;
        final Kind kind;
        final Map<String, Object> fields;
        final boolean autoAssign;
        final RecordWork work;
        final String accountKey;
        JsonNode result;
        String failure;
        ErrorClassifier.Kind failureKind;
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

    public void apply(RunContext run, Batch batch) {
        batch.open().filter(w -> w.operation == RecordWork.Operation.UPDATE && w.payload.isEmpty() && w.accountKey == null)
                .forEach(w -> w.settle(Action.SKIPPED, "NO_CHANGE", "Salesforce already has these values"));
        if (run.mode != RunContext.Mode.RUN) {
            wouldDo(run, batch);
            return;
        }
        if (!run.more && run.stopReason != null) {
            pendAll(batch, run.stopReason);
            return;
        }
        writeAccounts(run, batch);
        List<Op> ops = new ArrayList<>();
        batch.open().forEach(w -> {
            if (w.accountKey != null) {
                String id = batch.createdAccounts.get(w.accountKey);
                if (id != null) {
                    w.accountId = id;
                    w.payload.put("AccountId", id);
                    w.diff.put("AccountId", new Object[] {null, id});
                } else if (batch.accountsToRetry.contains(w.accountKey)) {
                    // company first: without its account the Contact waits for the next run
                    w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "ACCOUNT_NOT_CREATED",
                            "will be retried on the next run: its account could not be created ("
                                    + batch.failedAccounts.get(w.accountKey) + ")", null));
                    return;
                }
            }
            if (w.operation == RecordWork.Operation.CREATE) {
                Map<String, Object> fields = new LinkedHashMap<>(w.payload);
                ops.add(new Op(w.targetObject, upsertable(run, w.targetObject, fields) ? Kind.UPSERT : Kind.CREATE, fields,
                        w.autoAssign, w, null));
            } else if (w.operation == RecordWork.Operation.UPDATE) {
                if (w.payload.isEmpty()) {
                    w.settle(Action.SKIPPED, "NO_CHANGE", "Salesforce already has these values");
                    return;
                }
                Map<String, Object> fields = new LinkedHashMap<>(w.payload);
                fields.put("Id", w.currentId());
                ops.add(new Op(w.targetObject, Kind.UPDATE, fields, false, w, null));
            }
        });
        recordIntents(run, ops);
        send(run, ops);
        for (Op op : ops) {
            settle(run, batch, op);
        }
        readCreatorsOfFoundRecords(run, ops);
    }

    /**
     * An upsert of a row that had been sent to be created before (an answer lost, an earlier run's
     * unanswered create) that now answers "found, not created": whether sfsync made that record is told
     * by who created it and when. Those few records are read in one Composite call.
     */
    private static void readCreatorsOfFoundRecords(RunContext run, List<Op> ops) {
        Map<String, List<RecordWork>> byObject = new LinkedHashMap<>();
        for (Op op : ops) {
            RecordWork w = op.work;
            if (w != null && op.kind == Kind.UPSERT && (w.createResent || w.earlierCreateOpen) && w.outcome() != null
                    && w.outcome().action() == Action.UPDATED && w.outcome().sfId() != null) {
                byObject.computeIfAbsent(op.object, o -> new ArrayList<>()).add(w);
            }
        }
        if (byObject.isEmpty()) {
            return;
        }
        List<ObjectNode> subs = new ArrayList<>();
        Map<String, RecordWork> byId = new java.util.HashMap<>();
        byObject.forEach((object, rows) -> {
            for (int from = 0; from < rows.size(); from += MatchStep.LOOKUP_SLICE) {
                List<RecordWork> slice = rows.subList(from, Math.min(rows.size(), from + MatchStep.LOOKUP_SLICE));
                slice.forEach(w -> byId.put(w.outcome().sfId(), w));
                String soql = "SELECT Id, CreatedDate, CreatedById FROM " + object + " WHERE Id IN "
                        + io.sfsync.salesforce.Soql.inList(slice.stream().map(w -> w.outcome().sfId()).toList());
                subs.add(run.salesforce.subrequest("GET", "query?q=" + io.sfsync.salesforce.Soql.urlEncoded(soql),
                        "creators" + subs.size(), null));
            }
        });
        try {
            for (int from = 0; from < subs.size(); from += COLLECTIONS_PER_COMPOSITE) {
                for (JsonNode r : run.composite(subs.subList(from, Math.min(subs.size(), from + COLLECTIONS_PER_COMPOSITE)),
                        Map.of(), true)) {
                    r.path("body").path("records").forEach(rec -> {
                        RecordWork w = byId.get(rec.path("Id").asText());
                        if (w != null) {
                            w.current = Map.of("Id", rec.path("Id").asText(), "CreatedDate", rec.path("CreatedDate").asText(),
                                    "CreatedById", rec.path("CreatedById").asText());
                        }
                    });
                }
            }
        } catch (SalesforceClient.SalesforceCallException e) {
            // unknown creators: those rows are not counted as created by sfsync (an undercount, never a lie)
            byId.values().forEach(w -> w.createResent = w.earlierCreateOpen = false);
            LOG.warn("Could not read who created {} records found by upsert for job {}: {}", byId.size(), run.job.name(),
                    e.getMessage());
        }
    }

    /** Before anything is created, which rows are about to be: a later run that finds them logs them CREATED. */
    private static void recordIntents(RunContext run, List<Op> ops) {
        Map<String, List<String>> keysByObject = new LinkedHashMap<>();
        for (Op op : ops) {
            if (op.work != null && (op.kind == Kind.CREATE || op.kind == Kind.UPSERT)) {
                op.work.earlierCreateOpen = run.intents.has(op.work.key());
                keysByObject.computeIfAbsent(op.object, o -> new ArrayList<>()).add(op.work.key());
            }
        }
        keysByObject.forEach((object, keys) -> run.store.recordIntents(run.runId, run.job.name(), object, keys)
                .forEach(run.intents::add));
    }

    private void writeAccounts(RunContext run, Batch batch) {
        List<Op> ops = new ArrayList<>();
        batch.newAccounts.forEach((key, fields) -> ops.add(new Op("Account",
                upsertable(run, "Account", fields) ? Kind.UPSERT : Kind.CREATE, fields, false, null, key)));
        batch.accountUpdates.forEach((id, fields) -> {
            Map<String, Object> f = new LinkedHashMap<>(fields);
            f.put("Id", id);
            ops.add(new Op("Account", Kind.UPDATE, f, false, null, null));
        });
        if (ops.isEmpty()) {
            return;
        }
        send(run, ops);
        for (Op op : ops) {
            if (op.result != null && op.result.path("success").asBoolean() && op.accountKey != null) {
                batch.createdAccounts.put(op.accountKey, op.result.path("id").asText());
            } else if (op.result == null || !op.result.path("success").asBoolean()) {
                String why = op.failure != null ? op.failure : firstError(op.result);
                if (op.accountKey != null) {
                    batch.failedAccounts.put(op.accountKey, why);
                    boolean mayPass = op.failure != null ? op.failureKind != ErrorClassifier.Kind.PERMANENT
                            : transientRecordError(op.result);
                    if (mayPass) {
                        batch.accountsToRetry.add(op.accountKey);
                    }
                }
                LOG.warn("Account {} for job {} not written: {}", op.accountKey != null ? op.accountKey : op.fields.get("Id"),
                        run.job.name(), why);
            }
        }
    }

    /** Upsert on the job's external ID when the record carries it: safe to send twice. */
    private static boolean upsertable(RunContext run, String object, Map<String, Object> fields) {
        String ext = run.job.externalIdField();
        ObjectInfo info = run.describe.get(object);
        return ext != null && info != null && info.field(ext) != null && fields.get(info.field(ext).name()) != null;
    }

    /**
     * Sends the ops — large groups of upserts or updates through Bulk API 2.0, the rest as collections —
     * then resends those that hit a transient per-record error, with backoff.
     */
    private void send(RunContext run, List<Op> all) {
        List<Op> collections = bulk(run, all);
        if (!collections.isEmpty()) {
            sendOnce(run, collections);
        }
        for (int attempt = 1; attempt <= RECORD_RETRIES && run.stopReason == null; attempt++) {
            List<Op> again = all.stream().filter(op -> op.failure == null && transientRecordError(op.result)).toList();
            if (again.isEmpty()) {
                return;
            }
            sleep(retryBackoffMs << (attempt - 1));
            again.forEach(op -> op.result = null);
            sendOnce(run, again);
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
            String ext = first.kind == Kind.UPSERT ? run.describe.get(first.object).field(run.job.externalIdField()).name()
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
                    if (e.kind() == ErrorClassifier.Kind.TRANSIENT && attempt < BULK_RETRIES && run.stopReason == null) {
                        LOG.warn("Bulk API job for {} {} of job {} failed ({}); sending it again", group.size(),
                                first.object, run.job.name(), e.getMessage());
                        group.forEach(op -> op.resent = true);
                        sleep(retryBackoffMs << attempt);
                        continue;
                    }
                    group.forEach(op -> {
                        op.failure = e.getMessage();
                        op.failureKind = e.kind();
                    });
                    if (e.kind() != ErrorClassifier.Kind.TRANSIENT && e.kind() != ErrorClassifier.Kind.PERMANENT) {
                        lifecycle.stopOnFailure(run, e);
                    }
                    break;
                }
            }
        }
        return rest;
    }

    private void sendOnce(RunContext run, List<Op> ops) {
        Map<String, List<Op>> groups = new LinkedHashMap<>();
        for (Op op : ops) {
            groups.computeIfAbsent(op.object + "|" + op.kind + "|" + op.autoAssign, k -> new ArrayList<>()).add(op);
        }
        for (Boolean autoAssign : List.of(false, true)) {
            List<List<Op>> chunks = new ArrayList<>();
            groups.forEach((k, g) -> {
                if (k.endsWith("|" + autoAssign)) {
                    for (int i = 0; i < g.size(); i += COLLECTION_SIZE) {
                        chunks.add(g.subList(i, Math.min(g.size(), i + COLLECTION_SIZE)));
                    }
                }
            });
            for (int i = 0; i < chunks.size(); i += COLLECTIONS_PER_COMPOSITE) {
                List<List<Op>> composite = chunks.subList(i, Math.min(chunks.size(), i + COLLECTIONS_PER_COMPOSITE));
                sendComposite(run, composite, autoAssign);
            }
        }
    }

    private void sendComposite(RunContext run, List<List<Op>> collections, boolean autoAssign) {
        SalesforceClient sf = run.salesforce;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Sforce-Auto-Assign", autoAssign ? "TRUE" : "FALSE");
        if (run.job.allowSave()) {
            headers.put("Sforce-Duplicate-Rule-Header", "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true");
        }
        List<ObjectNode> subs = new ArrayList<>();
        boolean idempotent = true;
        for (int i = 0; i < collections.size(); i++) {
            List<Op> c = collections.get(i);
            Op first = c.get(0);
            ObjectNode body = sf.mapper().createObjectNode();
            body.put("allOrNone", false);
            ArrayNode records = body.putArray("records");
            for (Op op : c) {
                ObjectNode r = records.addObject();
                r.putObject("attributes").put("type", op.object);
                op.fields.forEach((k, v) -> r.set(k, sf.mapper().valueToTree(v)));
            }
            ObjectNode sub = switch (first.kind) {
                case CREATE -> sf.subrequest("POST", "composite/sobjects", "c" + i, body);
                case UPDATE -> sf.subrequest("PATCH", "composite/sobjects", "c" + i, body);
                case UPSERT -> sf.subrequest("PATCH", "composite/sobjects/" + first.object + "/"
                        + run.describe.get(first.object).field(run.job.externalIdField()).name(), "c" + i, body);
            };
            ObjectNode h = sub.putObject("httpHeaders");
            headers.forEach(h::put);
            idempotent &= first.kind != Kind.CREATE;
            subs.add(sub);
        }
        List<JsonNode> responses;
        try {
            responses = run.composite(subs, headers, idempotent);
        } catch (SalesforceClient.SalesforceCallException e) {
            collections.forEach(c -> c.forEach(op -> {
                op.failure = e.getMessage();
                op.failureKind = e.kind();
            }));
            if (e.kind() != ErrorClassifier.Kind.TRANSIENT && e.kind() != ErrorClassifier.Kind.PERMANENT) {
                lifecycle.stopOnFailure(run, e);
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
                    op.failureKind = ErrorClassifier.Kind.PERMANENT;
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

    private void settle(RunContext run, Batch batch, Op op) {
        RecordWork w = op.work;
        w.createResent = op.resent;
        // a create answered with a refusal: Salesforce made no record for this send
        w.createRefused = (op.kind == Kind.CREATE || op.kind == Kind.UPSERT) && op.failure == null && op.result != null
                && !op.result.path("success").asBoolean();
        if (op.failure != null) {
            if (op.failureKind == ErrorClassifier.Kind.PERMANENT) {
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.ERROR, "SALESFORCE_ERROR",
                        "row " + w.key() + ": " + op.failure, null));
            } else {
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, op.failureKind.name(),
                        "will be retried on the next run: " + op.failure, null));
            }
            return;
        }
        JsonNode r = op.result;
        if (r == null) {
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "NO_RESULT",
                    "Salesforce returned no result for this row; it is sent again on the next run", null));
            return;
        }
        if (r.path("success").asBoolean()) {
            String id = r.path("id").asText();
            Action action = op.kind == Kind.UPDATE || (op.kind == Kind.UPSERT && !r.path("created").asBoolean(true))
                    ? Action.UPDATED : Action.CREATED;
            String message = action == Action.UPDATED && op.kind == Kind.UPSERT
                    ? "already in Salesforce by " + run.job.externalIdField() + "; updated" : null;
            String account = w.accountKey != null && w.accountId == null ? batch.failedAccounts.getOrDefault(w.accountKey, "not written") : null;
            if (account != null) {
                message = (message == null ? "" : message + "; ") + "account not created: " + account;
            }
            w.settle(new Outcome(w.key(), w.targetObject, id, action, null, message,
                    String.join(",", w.payload.keySet())));
            w.current = w.current == null ? Map.of("Id", id) : w.current;
            return;
        }
        JsonNode err = r.path("errors").path(0);
        String code = err.path("statusCode").asText(err.path("errorCode").asText("UNKNOWN"));
        String fields = joinFields(err.path("fields"));
        String message = "row " + w.key() + ": " + w.targetObject + ": " + err.path("message").asText();
        if (ErrorClassifier.TRANSIENT_RECORD_CODES.contains(code)) {
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, code,
                    "will be retried on the next run: " + message, fields));
        } else if (code.equals("DUPLICATES_DETECTED")) {
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.DUPLICATE, code, message, fields));
        } else {
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.ERROR, code, message, fields));
        }
    }

    private static boolean transientRecordError(JsonNode result) {
        if (result == null || result.path("success").asBoolean()) {
            return false;
        }
        return ErrorClassifier.TRANSIENT_RECORD_CODES.contains(result.path("errors").path(0).path("statusCode").asText());
    }

    private static String firstError(JsonNode result) {
        if (result == null) {
            return "no result";
        }
        JsonNode e = result.path("errors").path(0);
        return e.path("statusCode").asText() + ": " + e.path("message").asText();
    }

    /** Dry runs and plans: what each row would become, without writing. */
    private static void wouldDo(RunContext run, Batch batch) {
        batch.open().forEach(w -> {
            if (w.operation == RecordWork.Operation.CREATE) {
                w.settle(new Outcome(w.key(), w.targetObject, null, Action.CREATED, "DRY_RUN", "would create "
                        + w.targetObject + (w.accountKey != null ? " and its account " + w.accountKey.substring(2) : ""),
                        String.join(",", w.payload.keySet())));
            } else if (w.operation == RecordWork.Operation.UPDATE) {
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.UPDATED, "DRY_RUN", "would update "
                        + w.diff.keySet().stream().collect(Collectors.joining(", ")), String.join(",", w.payload.keySet())));
            }
        });
    }

    private static void pendAll(Batch batch, String reason) {
        batch.open().forEach(w -> w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "STOPPED",
                "not written: " + reason, null)));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String joinFields(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(f -> out.add(f.asText()));
        return out.isEmpty() ? null : String.join(",", out);
    }
}
