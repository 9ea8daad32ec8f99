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

import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.sync.SalesforceWriter.Kind;
import io.sfsync.sync.SalesforceWriter.Op;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;

/**
 * Writes a batch's accounts (decided by the accounts step) and people (Leads and Contacts) through
 * {@link SalesforceWriter}, company first: the accounts lead the first Composite call, the people that
 * do not wait for a new account fill it, and the Contacts of the new accounts follow once they are
 * answered. Creates go as upserts on the job's external ID where they carry it,
 * updates by Id, and settles each row from Salesforce's answer. Before anything is created, the rows
 * about to be are written to sync_intent, so a run that finds them later counts them created. Dry runs
 * and plans settle what each row would become without writing; a run that stopped leaves its rows PENDING.
 */
public final class WriteStep {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStep.class);
    private static final int COLLECTIONS_PER_COMPOSITE = SalesforceWriter.COLLECTIONS_PER_COMPOSITE;

    private final SalesforceWriter writer;

    WriteStep(SalesforceWriter writer) {
        this.writer = writer;
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
        SharedWork.setAsideContested(run, batch);
        SharedWork.holdBeforeWrite(run);
        if (run.stopReason != null) {
            pendAll(batch, run.stopReason);
            return;
        }
        // company first: the accounts lead the batch's first call; the Contacts that wait for a new account
        // go once it is answered, with the people that did not fit beside the accounts
        List<Op> accounts = AccountStep.ops(run, batch);
        List<Op> ops = ops(run, batch.open().filter(w -> accounts.isEmpty() || w.accountKey == null));
        List<Op> waited = new ArrayList<>();
        recordIntents(run, ops);
        writer.sendCompanyFirst(run, accounts, ops, () -> {
            if (accounts.isEmpty()) {
                return List.of();
            }
            AccountStep.answered(run, batch, accounts);
            AccountStep.associateCreated(batch);
            if (run.stopReason == null) {
                waited.addAll(ops(run, batch.open().filter(w -> w.accountKey != null)));
                recordIntents(run, waited);
            }
            return waited;
        });
        ops.addAll(waited);
        for (Op op : ops) {
            settle(run, batch, op);
        }
        if (run.stopReason != null) {
            pendAll(batch, run.stopReason); // what was not sent once the run stopped
        }
        readCreatorsOfFoundRecords(run, ops);
    }

    /** The rows' creates (upserts on the external ID where they carry it) and updates; rows with nothing to send settled. */
    private static List<Op> ops(RunContext run, java.util.stream.Stream<RecordWork> rows) {
        List<Op> ops = new ArrayList<>();
        rows.forEach(w -> {
            if (w.operation == RecordWork.Operation.CREATE) {
                Map<String, Object> fields = new LinkedHashMap<>(w.payload);
                ops.add(new Op(w.targetObject, SalesforceWriter.upsertable(run, w.targetObject, fields) ? Kind.UPSERT
                        : Kind.CREATE, fields, w.autoAssign, w, null));
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
        return ops;
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

    private void settle(RunContext run, Batch batch, Op op) {
        RecordWork w = op.work;
        w.createResent = op.resent;
        // a create answered with a refusal: Salesforce made no record for this send
        w.createRefused = (op.kind == Kind.CREATE || op.kind == Kind.UPSERT) && op.failure == null && op.result != null
                && !op.result.path("success").asBoolean();
        if (op.failure != null) {
            FailurePolicy.Decision d = op.failureDecision;
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), d.outcome(), d.reason(),
                    (d.outcome() == Action.PENDING ? "will be retried on the next run: " : "row " + w.key() + ": ")
                            + op.failure, null));
            return;
        }
        JsonNode r = op.result;
        if (r == null && run.stopReason != null) {
            w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "STOPPED",
                    "not written: " + run.stopReason, null));
            return;
        }
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
        FailurePolicy.Decision d = FailurePolicy.forRecordError(code);
        w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), d.outcome(), d.reason(),
                (d.outcome() == Action.PENDING ? "will be retried on the next run: " : "") + message, fields));
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

    private static String joinFields(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(f -> out.add(f.asText()));
        return out.isEmpty() ? null : String.join(",", out);
    }
}
