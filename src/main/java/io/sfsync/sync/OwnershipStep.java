package io.sfsync.sync;

import io.sfsync.config.OwnershipConfig;
import io.sfsync.synclog.Action;

/**
 * Ownership: a new record is owned by the active User whose email is in the row's owner
 * column (looked up by the batch's match call, cached for the run); otherwise by the fallback —
 * Lead assignment rules (Sforce-Auto-Assign: TRUE), a named user, a queue, or nobody in particular
 * (the integration user). A record that belongs to another user is updated only when
 * updateRegardlessOfOwnership is on; one owned by a queue or by the integration user is not another user's.
 */
public final class OwnershipStep {

    public void apply(RunContext run, Batch batch) {
        OwnershipConfig own = run.job.ownership();
        String integrationUser = run.salesforce.integrationUserId();
        batch.open().forEach(w -> {
            String email = w.mapped.ownerEmail();
            String user = email == null ? null : emptyToNull(run.org.usersByEmail.get(email));
            if (w.operation == RecordWork.Operation.CREATE) {
                if (user != null) {
                    w.ownerId = user;
                } else {
                    switch (own.fallback()) {
                        case ASSIGNMENT_RULES -> w.autoAssign = w.targetObject.equals("Lead");
                        case USER -> w.ownerId = run.org.fallbackOwnerId;
                        case QUEUE -> w.ownerId = w.targetObject.equals("Lead") ? run.org.fallbackOwnerId : null;
                        default -> { }
                    }
                }
                if (w.ownerId != null) {
                    w.payload.put("OwnerId", w.ownerId);
                }
            } else if (w.operation == RecordWork.Operation.UPDATE && !own.updateRegardlessOfOwnership() && user != null) {
                Object currentOwner = w.current.get("OwnerId");
                // a queue (00G) or the integration user itself (what sfsync's own creates fall back to) is not
                // another user: only a different human user's record is theirs to keep
                if (currentOwner != null && currentOwner.toString().startsWith("005") && !sameId(currentOwner.toString(), user)
                        && (integrationUser == null || !sameId(currentOwner.toString(), integrationUser))) {
                    w.settle(Action.SKIPPED, "OWNED_BY_OTHER_USER", w.targetObject + " " + w.currentId()
                            + " is owned by user " + currentOwner + ", not by " + email
                            + " (turn on ownership.updateRegardlessOfOwnership to update it anyway)");
                }
            }
        });
    }

    private static boolean sameId(String a, String b) {
        return a.regionMatches(0, b, 0, 15);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
