package io.sfsync.sync;

import io.sfsync.config.OwnershipConfig;
import io.sfsync.ownership.Owners;
import io.sfsync.synclog.Action;

/**
 * The ownership step: each new record gets its owner and each update of another user's record is
 * skipped, as {@link Owners} decides; the owners' Users come from the batch's lookup, cached for the run.
 */
public final class OwnershipStep {

    public void apply(RunContext run, Batch batch) {
        OwnershipConfig own = run.job.ownership();
        String integrationUser = run.salesforce.integrationUserId();
        batch.open().forEach(w -> {
            String email = w.mapped.ownerEmail();
            String user = email == null ? null : emptyToNull(run.org.usersByEmail.get(email));
            if (w.operation == RecordWork.Operation.CREATE) {
                Owners.NewOwner owner = Owners.forNewRecord(own, w.targetObject, user, run.org.fallbackOwnerId);
                w.ownerId = owner.ownerId();
                w.autoAssign = owner.assignmentRules();
                if (w.ownerId != null) {
                    w.payload.put("OwnerId", w.ownerId);
                }
            } else if (w.operation == RecordWork.Operation.UPDATE) {
                Object currentOwner = w.current.get("OwnerId");
                if (Owners.ownedByAnotherUser(own, currentOwner == null ? null : currentOwner.toString(), user,
                        integrationUser)) {
                    w.settle(Action.SKIPPED, "OWNED_BY_OTHER_USER", w.targetObject + " " + w.currentId()
                            + " is owned by user " + currentOwner + ", not by " + email
                            + " (turn on ownership.updateRegardlessOfOwnership to update it anyway)");
                }
            }
        });
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
