package io.sfsync.synclog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's view of the creates its job set out to make and whose fate is not known yet (sync_intent):
 * read once when the run starts, grown as the run writes intents, and shrunk as rows get linked. A
 * row found again in Salesforce while it has an open intent was created by sfsync.
 */
public final class CreateIntents {
    /** One sync_intent row: the keys of one batch's creates of one object (or of what is left of them). */
    public record Row(long id, long runId, String sobject, Instant at, Set<String> keys) {
    }

    /** What to write for an intent row once some of its keys are linked: its keys left, or none (delete it). */
    public record Change(long id, Set<String> keysLeft) {
    }

    private final Map<Long, Row> rows = new HashMap<>();
    private final Map<String, List<Row>> byKey = new HashMap<>();

    public CreateIntents(Collection<Row> open) {
        open.forEach(this::add);
    }

    public synchronized void add(Row row) {
        Row copy = new Row(row.id(), row.runId(), row.sobject(), row.at(), new LinkedHashSet<>(row.keys()));
        rows.put(copy.id(), copy);
        copy.keys().forEach(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>(1)).add(copy));
    }

    public synchronized boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The oldest open intent of this key: the create that made the record, if one did. */
    public synchronized Optional<Row> oldest(String key) {
        List<Row> of = byKey.get(key);
        return of == null ? Optional.empty() : of.stream().min(java.util.Comparator.comparing(Row::at));
    }

    public synchronized boolean has(String key) {
        return byKey.containsKey(key);
    }

    /** The writes that end these keys' intents (for the batch's transaction); {@link #ended} applies them after. */
    public synchronized List<Change> changesFor(Collection<String> linkedKeys) {
        Map<Long, Set<String>> left = new HashMap<>();
        for (String k : linkedKeys) {
            for (Row r : byKey.getOrDefault(k, List.of())) {
                left.computeIfAbsent(r.id(), id -> new LinkedHashSet<>(r.keys())).remove(k);
            }
        }
        List<Change> out = new ArrayList<>();
        left.forEach((id, keys) -> out.add(new Change(id, keys)));
        return out;
    }

    /** The changes are committed: forget the ended keys. */
    public synchronized void ended(List<Change> changes) {
        for (Change c : changes) {
            Row r = rows.get(c.id());
            if (r == null) {
                continue;
            }
            for (String k : new ArrayList<>(r.keys())) {
                if (!c.keysLeft().contains(k)) {
                    r.keys().remove(k);
                    List<Row> of = byKey.get(k);
                    if (of != null) {
                        of.remove(r);
                        if (of.isEmpty()) {
                            byKey.remove(k);
                        }
                    }
                }
            }
            if (r.keys().isEmpty()) {
                rows.remove(r.id());
            }
        }
    }
}
