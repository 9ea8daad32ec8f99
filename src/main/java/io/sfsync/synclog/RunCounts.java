package io.sfsync.synclog;

import java.util.ArrayList;
import java.util.List;

/**
 * Outcome counts of a run, and the plain-language summary an operator reads first. Records unlinked
 * (deleted in Salesforce) and conflicts (a record and its row disagreeing when first linked) are counted
 * apart: neither is an error.
 */
public record RunCounts(int attempted, int created, int updated, int skipped, int duplicates, int errors, int pending,
        int unlinked, int conflicts) {
    public static final RunCounts ZERO = new RunCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public RunCounts(int attempted, int created, int updated, int skipped, int duplicates, int errors, int pending) {
        this(attempted, created, updated, skipped, duplicates, errors, pending, 0, 0);
    }

    public RunCounts plus(Action action) {
        return new RunCounts(attempted + 1,
                created + (action == Action.CREATED ? 1 : 0),
                updated + (action == Action.UPDATED || action == Action.LINKED ? 1 : 0),
                skipped + (action == Action.SKIPPED ? 1 : 0),
                duplicates + (action == Action.DUPLICATE ? 1 : 0),
                errors + (action == Action.ERROR ? 1 : 0),
                pending + (action == Action.PENDING ? 1 : 0),
                unlinked + (action == Action.UNLINKED ? 1 : 0),
                conflicts + (action == Action.CONFLICT ? 1 : 0));
    }

    public RunCounts plus(RunCounts o) {
        return new RunCounts(attempted + o.attempted, created + o.created, updated + o.updated, skipped + o.skipped,
                duplicates + o.duplicates, errors + o.errors, pending + o.pending, unlinked + o.unlinked,
                conflicts + o.conflicts);
    }

    /** "120 created, 34 updated, 5 skipped, 2 duplicates, 3 errors" (+ pending, unlinked, conflicts when any). */
    public String summary() {
        List<String> parts = new ArrayList<>(List.of(created + " created", updated + " updated", skipped + " skipped",
                duplicates + (duplicates == 1 ? " duplicate" : " duplicates"), errors + (errors == 1 ? " error" : " errors")));
        if (pending > 0) {
            parts.add(pending + " pending");
        }
        if (unlinked > 0) {
            parts.add(unlinked + " unlinked");
        }
        if (conflicts > 0) {
            parts.add(conflicts + (conflicts == 1 ? " conflict" : " conflicts"));
        }
        return String.join(", ", parts);
    }
}
