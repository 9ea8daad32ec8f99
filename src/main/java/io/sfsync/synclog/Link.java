package io.sfsync.synclog;

import java.time.Instant;

/**
 * A sync_link row: this source row is that Salesforce record, last synced with this payload.
 *
 * @param inboundModstamp the SystemModstamp of the record's version last applied to the source (null: none)
 * @param agreedValues for fields synced both ways, the values both sides last agreed on (JSON), or null
 */
public record Link(String job, String sourceKey, String sobject, String sfId, String accountId, String ownerId,
        String payloadHash, Instant syncedAt, String linkedBy, Instant inboundModstamp, String agreedValues) {

    public Link(String job, String sourceKey, String sobject, String sfId, String accountId, String ownerId,
            String payloadHash, Instant syncedAt, String linkedBy, Instant inboundModstamp) {
        this(job, sourceKey, sobject, sfId, accountId, ownerId, payloadHash, syncedAt, linkedBy, inboundModstamp, null);
    }

    public Link(String job, String sourceKey, String sobject, String sfId, String accountId, String ownerId,
            String payloadHash, Instant syncedAt, String linkedBy) {
        this(job, sourceKey, sobject, sfId, accountId, ownerId, payloadHash, syncedAt, linkedBy, null);
    }
}
