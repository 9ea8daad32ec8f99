package io.sfsync.inbound;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.config.InboundConfig;
import io.sfsync.config.JobConfig;
import io.sfsync.synclog.InboundStore;
import io.sfsync.synclog.Link;
import io.sfsync.synclog.SyncStore;

/**
 * An operator's answer to a conflict: take Salesforce's values (written into the row) or the source's
 * (kept; the row's changedAt moves so a job that also sends brings them to Salesforce). Either way the
 * record and the row are linked from then on and the conflict is closed, in one transaction.
 */
public final class Conflicts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Conflicts() {
    }

    public enum Take { SALESFORCE, SOURCE }

    /** A conflict that cannot be resolved as asked (unknown, already resolved, its job gone). */
    public static final class CannotResolve extends RuntimeException {
        public CannotResolve(String message) {
            super(message);
        }
    }

    /** Resolves conflict {@code id}; returns it as it is now. */
    public static InboundStore.Conflict resolve(SyncStore store, SourceTables tables, Map<String, JobConfig> jobs, long id,
            Take take, String by) {
        InboundStore inbound = store.inbound();
        InboundStore.Conflict c = inbound.conflict(id).orElseThrow(() -> new CannotResolve("there is no conflict " + id));
        if (!c.status().equals("OPEN")) {
            throw new CannotResolve("conflict " + id + " is " + c.status() + " already"
                    + (c.resolvedBy() == null ? "" : " (by " + c.resolvedBy() + ")"));
        }
        JobConfig job = jobs.get(c.job());
        if (job == null || !job.polls()) {
            throw new CannotResolve("conflict " + id + " belongs to job " + c.job() + ", which no longer polls Salesforce");
        }
        InboundConfig.Target target = job.inbound().targets().get(c.sobject());
        if (target == null) {
            throw new CannotResolve("job " + c.job() + " no longer polls " + c.sobject());
        }
        Map<String, Object> write = new LinkedHashMap<>();
        try {
            JsonNode values = JSON.readTree(c.values());
            // Salesforce's side: every value; the source's: only the blanks Salesforce fills (a blank never wins)
            values.fields().forEachRemaining(f -> {
                if (take == Take.SALESFORCE || f.getValue().path("fill").asBoolean(false)) {
                    write.put(f.getValue().path("column").asText(), f.getValue().path("salesforce").asText());
                }
            });
        } catch (java.io.IOException e) {
            throw new CannotResolve("conflict " + id + " holds values that cannot be read: " + e.getMessage());
        }
        if (target.changedAt() != null) {
            write.put(target.changedAt(), Instant.now());
        }
        boolean oneDatabase = tables.dataSource() == store.dataSource();
        try (Connection source = tables.dataSource().getConnection()) {
            source.setAutoCommit(false);
            try {
                if (!write.isEmpty()) {
                    SourceTables.Write w = new SourceTables.Write(target, SourceTables.Write.Kind.UPDATE, c.sourceKey(),
                            write, c.sobject() + " " + c.sfId());
                    tables.converted(w);
                    tables.apply(source, List.of(w));
                }
                if (oneDatabase) {
                    link(source, store, job, target, c, take, by);
                }
                source.commit();
            } catch (SQLException | RuntimeException e) {
                source.rollback();
                throw e;
            }
            if (!oneDatabase) {
                try (Connection sync = store.dataSource().getConnection()) {
                    sync.setAutoCommit(false);
                    link(sync, store, job, target, c, take, by);
                    sync.commit();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not resolve conflict " + id + ": " + e.getMessage(), e);
        }
        return inbound.conflict(id).orElseThrow();
    }

    private static void link(Connection c, SyncStore store, JobConfig job, InboundConfig.Target target,
            InboundStore.Conflict k, Take take, String by) throws SQLException {
        if (!InboundStore.resolve(c, k.id(), take == Take.SALESFORCE ? "TOOK_SALESFORCE" : "TOOK_SOURCE", by)) {
            throw new CannotResolve("conflict " + k.id() + " was resolved by someone else meanwhile");
        }
        if (target.isPerson()) {
            Link old = store.links(job.name(), List.of(k.sourceKey())).get(k.sourceKey());
            InboundStore.linkPerson(c, new Link(job.name(), k.sourceKey(), k.sobject(), k.sfId(),
                    old == null ? null : old.accountId(), old == null ? null : old.ownerId(), null, Instant.now(),
                    old == null ? "AUTO" : old.linkedBy(), k.sfModstamp()));
        } else {
            InboundStore.linkRecord(c, job.name(), new InboundStore.RecordLink(k.sobject(), k.sourceKey(), k.sfId(),
                    take == Take.SALESFORCE ? k.sfModstamp() : null));
        }
    }

    /** "salesforce" or "source" as the operator writes it. */
    public static Take take(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "salesforce", "sf" -> Take.SALESFORCE;
            case "source", "local" -> Take.SOURCE;
            default -> throw new CannotResolve("'" + s + "' is not salesforce or source");
        };
    }
}
