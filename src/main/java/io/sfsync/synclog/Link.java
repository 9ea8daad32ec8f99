package io.sfsync.synclog;

import java.time.Instant;

/** A sync_link row: this source row is that Salesforce record, last synced with this payload. */
public record Link(String job, String sourceKey, String sobject, String sfId, String accountId, String ownerId,
        String payloadHash, Instant syncedAt, String linkedBy) {
}
