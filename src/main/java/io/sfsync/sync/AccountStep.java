package io.sfsync.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.accounts.AccountIndex;
import io.sfsync.config.AccountsConfig;
import io.sfsync.config.FieldRule;
import io.sfsync.matching.MatchIndex;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.synclog.Action;
import io.sfsync.synclog.Outcome;

/**
 * Accounts and association, company first: a Contact's account is matched by website
 * domain, then by name; a missing one is created (once per batch, whatever number of people work
 * there) and an existing one updated when the toggles say so; the Contact gets AccountId unless it
 * already has an account and overrideExistingAssociation is off. Leads carry Company instead.
 * This step decides; the write step sends the batch's new and changed accounts first, in the same
 * Composite calls as the people that do not wait for them ({@link #ops}, {@link #answered}).
 */
public final class AccountStep {

    private static final Logger LOG = LoggerFactory.getLogger(AccountStep.class);
    public void apply(RunContext run, Batch batch) {
        AccountsConfig cfg = run.job.accounts();
        if (cfg.enabled()) {
            decide(run, batch, cfg, batch.lookedUp);
        }
    }

    /**
     * Company first: the Contacts of an account created in this batch get its Id; those whose account
     * could not be created for a reason that may pass wait for the next run (PENDING).
     */
    static void associateCreated(Batch batch) {
        batch.open().filter(w -> w.accountKey != null).forEach(w -> {
            String id = batch.createdAccounts.get(w.accountKey);
            if (id != null) {
                w.accountId = id;
                w.payload.put("AccountId", id);
                w.diff.put("AccountId", new Object[] {null, id});
            } else if (batch.accountsToRetry.contains(w.accountKey)) {
                w.settle(new Outcome(w.key(), w.targetObject, w.currentId(), Action.PENDING, "ACCOUNT_NOT_CREATED",
                        "will be retried on the next run: its account could not be created ("
                                + batch.failedAccounts.get(w.accountKey) + ")", null));
            }
        });
    }

    /** The batch's accounts to send: the new ones (upserts where they carry the external ID) and the changes. */
    static List<SalesforceWriter.Op> ops(RunContext run, Batch batch) {
        List<SalesforceWriter.Op> ops = new ArrayList<>();
        batch.newAccounts.forEach((key, fields) -> ops.add(new SalesforceWriter.Op("Account",
                SalesforceWriter.upsertable(run, "Account", fields) ? SalesforceWriter.Kind.UPSERT : SalesforceWriter.Kind.CREATE, fields, false, null, key)));
        batch.accountUpdates.forEach((id, fields) -> {
            Map<String, Object> f = new LinkedHashMap<>(fields);
            f.put("Id", id);
            ops.add(new SalesforceWriter.Op("Account", SalesforceWriter.Kind.UPDATE, f, false, null, null));
        });
        return ops;
    }

    /** Takes Salesforce's answers for the accounts: created Ids by key, and why the others failed. */
    static void answered(RunContext run, Batch batch, List<SalesforceWriter.Op> ops) {
        for (SalesforceWriter.Op op : ops) {
            if (op.result != null && op.result.path("success").asBoolean() && op.accountKey != null) {
                batch.createdAccounts.put(op.accountKey, op.result.path("id").asText());
            } else if (op.result == null || !op.result.path("success").asBoolean()) {
                String why = op.failure != null ? op.failure : SalesforceWriter.firstError(op.result);
                if (op.accountKey != null) {
                    batch.failedAccounts.put(op.accountKey, why);
                    // a failure that may pass (PENDING by the failure policy) leaves the Contacts to the next run
                    boolean mayPass = op.failure != null ? op.failureDecision.outcome() == Action.PENDING
                            : SalesforceWriter.transientRecordError(op.result);
                    if (mayPass) {
                        batch.accountsToRetry.add(op.accountKey);
                    }
                }
                LOG.warn("Account {} for job {} not written: {}", op.accountKey != null ? op.accountKey : op.fields.get("Id"),
                        run.job.name(), why);
            }
        }
    }


    /** Matches each Contact's account among the looked-up ones, or plans its creation or update. */
    private static void decide(RunContext run, Batch batch, AccountsConfig cfg, MatchIndex index) {
        AccountIndex accounts = new AccountIndex(index.all("Account"));
        batch.open().filter(w -> "Contact".equals(w.targetObject) && w.operation != RecordWork.Operation.NONE)
                .forEach(w -> associate(run, batch, w, cfg, accounts));
    }

    private static void associate(RunContext run, Batch batch, RecordWork w, AccountsConfig cfg, AccountIndex accounts) {
        Map<String, Object> account = accounts.find(cfg.matchBy(), w.mapped.accountDomain(), w.mapped.accountName());
        String accountId = null;
        if (account != null) {
            accountId = (String) account.get("Id");
            if (cfg.update()) {
                Map<String, Object> changes = accountChanges(run, w, account);
                if (!changes.isEmpty()) {
                    batch.accountUpdates.computeIfAbsent(accountId, k -> new LinkedHashMap<>()).putAll(changes);
                }
            }
        } else if (cfg.create() && AccountIndex.newAccountKey(w.mapped.accountDomain(), w.mapped.accountName()) != null) {
            String key = AccountIndex.newAccountKey(w.mapped.accountDomain(), w.mapped.accountName());
            batch.newAccounts.computeIfAbsent(key, k -> AccountIndex.newAccountValues(w.mapped.valuesOf("Account"),
                    w.mapped.accountDomain(), w.mapped.accountName(), w.ownerId));
            w.accountKey = key;
        }
        Object currentAccount = w.current == null ? null : w.current.get("AccountId");
        if (!cfg.associateContacts()) {
            w.accountKey = null; // the account is made, the Contact is not tied to it (nor does it wait for it)
            return;
        }
        boolean mayAssociate = w.operation == RecordWork.Operation.CREATE || currentAccount == null
                || cfg.overrideExistingAssociation();
        if (!mayAssociate) {
            w.accountKey = null;
            return;
        }
        if (accountId != null && !accountId.equals(currentAccount)) {
            w.accountId = accountId;
            w.payload.put("AccountId", accountId);
            w.diff.put("AccountId", new Object[] {currentAccount, accountId});
        }
    }

    private static Map<String, Object> accountChanges(RunContext run, RecordWork w, Map<String, Object> account) {
        ObjectInfo info = run.org.describe.get("Account");
        Map<String, Object> values = w.mapped.valuesOf("Account");
        Map<String, Object> changes = new LinkedHashMap<>();
        for (FieldRule rule : run.job.fieldsOf("Account")) {
            Object value = values.get(rule.field());
            FieldInfo f = info == null ? null : info.field(rule.field());
            if (value == null || f == null || !f.updateable() || !account.containsKey(f.name())) {
                continue;
            }
            Object current = account.get(f.name());
            if (OverwriteStep.permits(rule, info, current, account) && !OverwriteStep.same(f, current, value)) {
                changes.put(f.name(), value);
            }
        }
        return changes;
    }
}
