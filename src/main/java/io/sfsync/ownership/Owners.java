package io.sfsync.ownership;

import io.sfsync.config.OwnershipConfig;

/**
 * Who owns a record: a new one is owned by the active User whose email is in the row's owner column;
 * otherwise by the job's fallback — Lead assignment rules (Sforce-Auto-Assign: TRUE), a named user, a
 * queue (Leads only), or nobody in particular (the integration user). An existing record belongs to
 * another user only when a different human User (005…) owns it: a queue (00G…) or the integration user
 * (what sfsync's own creates fall back to) is nobody's.
 */
public final class Owners {
    private Owners() {
    }

    /** The owner a new record is sent with: an OwnerId, or Salesforce's assignment rules, or neither. */
    public record NewOwner(String ownerId, boolean assignmentRules) {
    }

    /**
     * @param userId the active User of the row's owner email, or null
     * @param fallbackOwnerId the fallback user's or queue's Id (ownership.fallback user or queue), or null
     */
    public static NewOwner forNewRecord(OwnershipConfig own, String object, String userId, String fallbackOwnerId) {
        if (userId != null) {
            return new NewOwner(userId, false);
        }
        return switch (own.fallback()) {
            case ASSIGNMENT_RULES -> new NewOwner(null, object.equals("Lead"));
            case USER -> new NewOwner(fallbackOwnerId, false);
            case QUEUE -> new NewOwner(object.equals("Lead") ? fallbackOwnerId : null, false);
            default -> new NewOwner(null, false);
        };
    }

    /**
     * Whether an update must leave the record alone: it is owned by a human User other than the row's
     * owner, and the job does not update regardless of ownership.
     *
     * @param userId the active User of the row's owner email; null: the row names no owner, nothing to protect
     */
    public static boolean ownedByAnotherUser(OwnershipConfig own, String currentOwner, String userId,
            String integrationUserId) {
        if (own.updateRegardlessOfOwnership() || userId == null || currentOwner == null) {
            return false;
        }
        return currentOwner.startsWith("005") && !sameId(currentOwner, userId)
                && (integrationUserId == null || !sameId(currentOwner, integrationUserId));
    }

    /** 15- and 18-character forms of one Id are the same Id. */
    static boolean sameId(String a, String b) {
        return a.regionMatches(0, b, 0, 15);
    }
}
