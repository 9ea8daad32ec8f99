package io.sfsync.inbound;

/** Test access to the engine's Salesforce datetime parsing. */
public final class ChangeQueriesReviewAccess {
    private ChangeQueriesReviewAccess() {
    }

    public static java.time.Instant instant(String salesforceDatetime) {
        return InboundWork.instant(salesforceDatetime);
    }
}
