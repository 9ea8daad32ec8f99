package io.sfsync.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sfsync.config.AccountsConfig;
import io.sfsync.config.FieldRule;
import io.sfsync.mapping.Transforms;
import io.sfsync.matching.MatchIndex;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;

/**
 * Accounts and association, company first: a Contact's account is matched by website
 * domain, then by name; a missing one is created (once per batch, whatever number of people work
 * there) and an existing one updated when the toggles say so; the Contact gets AccountId unless it
 * already has an account and overrideExistingAssociation is off. Leads carry Company instead.
 */
public final class AccountStep {

    public void apply(RunContext run, Batch batch, MatchIndex index) {
        AccountsConfig cfg = run.job.accounts();
        if (!cfg.enabled()) {
            return;
        }
        Map<String, List<Map<String, Object>>> byDomain = new HashMap<>();
        Map<String, List<Map<String, Object>>> byName = new HashMap<>();
        for (Map<String, Object> a : index.all("Account")) {
            Object website = a.get("Website");
            String d = website == null ? null : Transforms.domain(website.toString());
            if (d != null) {
                byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(a);
            }
            Object name = a.get("Name");
            if (name != null) {
                byName.computeIfAbsent(name.toString().trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(a);
            }
        }
        batch.open().filter(w -> "Contact".equals(w.targetObject) && w.operation != RecordWork.Operation.NONE)
                .forEach(w -> associate(run, batch, w, cfg, byDomain, byName));
    }

    private static void associate(RunContext run, Batch batch, RecordWork w, AccountsConfig cfg,
            Map<String, List<Map<String, Object>>> byDomain, Map<String, List<Map<String, Object>>> byName) {
        Map<String, Object> account = null;
        for (String by : cfg.matchBy()) {
            List<Map<String, Object>> hits = by.equals("domain")
                    ? (w.mapped.accountDomain() == null ? List.of() : byDomain.getOrDefault(w.mapped.accountDomain(), List.of()))
                    : (w.mapped.accountName() == null ? List.of()
                            : byName.getOrDefault(w.mapped.accountName().trim().toLowerCase(Locale.ROOT), List.of()));
            if (!hits.isEmpty()) {
                account = hits.get(0); // the oldest: Salesforce returns them in creation order
                break;
            }
        }
        String accountId = null;
        if (account != null) {
            accountId = (String) account.get("Id");
            if (cfg.update()) {
                Map<String, Object> changes = accountChanges(run, w, account);
                if (!changes.isEmpty()) {
                    batch.accountUpdates.computeIfAbsent(accountId, k -> new LinkedHashMap<>()).putAll(changes);
                }
            }
        } else if (cfg.create() && (w.mapped.accountDomain() != null || w.mapped.accountName() != null)) {
            String key = w.mapped.accountDomain() != null ? "d:" + w.mapped.accountDomain()
                    : "n:" + w.mapped.accountName().trim().toLowerCase(Locale.ROOT);
            batch.newAccounts.computeIfAbsent(key, k -> newAccount(run, w));
            w.accountKey = key;
        }
        Object currentAccount = w.current == null ? null : w.current.get("AccountId");
        if (!cfg.associateContacts()) {
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

    private static Map<String, Object> newAccount(RunContext run, RecordWork w) {
        Map<String, Object> values = new LinkedHashMap<>(w.mapped.valuesOf("Account"));
        if (!values.containsKey("Name") && w.mapped.accountName() != null) {
            values.put("Name", w.mapped.accountName());
        }
        if (!values.containsKey("Name")) {
            values.put("Name", w.mapped.accountDomain());
        }
        if (!values.containsKey("Website") && w.mapped.accountDomain() != null) {
            values.put("Website", w.mapped.accountDomain());
        }
        if (w.ownerId != null && w.ownerId.startsWith("005")) {
            values.put("OwnerId", w.ownerId);
        }
        return values;
    }

    private static Map<String, Object> accountChanges(RunContext run, RecordWork w, Map<String, Object> account) {
        ObjectInfo info = run.describe.get("Account");
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
