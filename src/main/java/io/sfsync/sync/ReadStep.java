package io.sfsync.sync;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.sfsync.source.SourceRow;
import io.sfsync.synclog.Watermark;

/**
 * Reads the next batch of changed rows after the run's watermark from one streamed, ordered query
 * (or, for a retry, the rows with the given keys, once). While a batch is with Salesforce, the next
 * two are read and mapped on a reading thread — reading and mapping never depend on what Salesforce
 * answers — and the next one is looked up on a lookup thread as soon as this one's decisions allow,
 * so the run's time is mostly the Salesforce calls.
 */
public final class ReadStep {
    /** Batch sizes up to which two batches are read ahead (one above it). */
    static final int TWO_AHEAD_UP_TO = 2_000;
    private final MapStep map;
    private final MatchStep match;

    public ReadStep(MapStep map, MatchStep match) {
        this.map = map;
        this.match = match;
    }

    public Batch read(RunContext run) {
        if (!run.more) {
            return new Batch(run.batches, List.of());
        }
        if (!run.budgetAllowsAnotherBatch()) {
            run.stop("PAUSED", "the run reached its share of the daily API budget (" + run.apiCallsThisRun() + " of "
                    + run.apiAllowance + " calls); the rest waits for the next run");
            return new Batch(run.batches, List.of());
        }
        Batch batch;
        if (run.onlyKeys != null) {
            batch = load(run, run.reader.byKeys(run.onlyKeys, run.segmentPredicate()));
            run.more = false;
        } else {
            int size = run.job.batchSize();
            if (run.source == null) {
                run.source = run.reader.open(run.cursor, run.segmentPredicate(), size);
                run.prefetcher = daemon("sfsync-read-" + run.job.name());
                run.lookups = daemon("sfsync-lookup-" + run.job.name());
            }
            batch = run.prefetched != null ? await(run) : next(run, size);
            run.more = !batch.sourceDone;
            if (run.more) {
                // read ahead: the next batch (looked up once this one's decisions are made) and, on the
                // reading thread meanwhile, the one after it — unless batches are big (Bulk API loads),
                // where a third batch in memory costs more heap than it saves time
                run.prefetched = run.readAhead != null ? run.readAhead
                        : CompletableFuture.supplyAsync(() -> next(run, size), run.prefetcher);
                run.readAhead = size > TWO_AHEAD_UP_TO ? null : run.prefetched.thenApplyAsync(next -> next.sourceDone
                        ? new Batch(0, List.of(), true) : next(run, size), run.prefetcher);
            } else {
                run.prefetched = null;
                run.readAhead = null;
            }
        }
        for (int i = batch.works().size() - 1; i >= 0; i--) {
            SourceRow last = batch.works().get(i).row;
            if (!last.isInvalid()) {
                run.cursor = new Watermark(last.changedAt(), last.key());
                break;
            }
        }
        run.batches++;
        run.batchStarted();
        Batch numbered = new Batch(run.batches, batch);
        run.inFlight = numbered.isEmpty() ? null : numbered;
        return numbered;
    }

    /**
     * The next batch from the source stream: up to {@code size} rows to sync, reading on past the
     * overlap window's rows that are set aside, so a batch stays full (one lookup, one write call).
     */
    private Batch next(RunContext run, int size) {
        List<RecordWork> kept = new java.util.ArrayList<>();
        boolean done = false;
        while (kept.size() < size && !done) {
            int want = size - kept.size();
            List<SourceRow> rows = run.source.next(want);
            done = rows.size() < want;
            Batch chunk = new Batch(0, rows);
            map.prepare(run, chunk);
            kept.addAll(withoutInvalidAlreadyReported(run, withoutReplaysAlreadySettled(run, chunk.works())));
        }
        Batch b = Batch.ofPrepared(kept, done);
        map.apply(run, b);
        return b;
    }

    private Batch load(RunContext run, List<SourceRow> rows) {
        return prepared(run, new Batch(0, rows));
    }

    private Batch prepared(RunContext run, Batch b) {
        map.prepare(run, b);
        map.apply(run, b);
        return b;
    }

    /**
     * The overlap window brings back rows at or before the watermark. One is set aside (no log row, no
     * API call) only when this version of it is known to be settled: Salesforce has exactly its payload
     * (its link's hash), or a real run already settled this version or a later one (sync_log's
     * source_changed_at; PENDING and dry-run entries do not count). Anything else — a row committed
     * late, behind rows already read, or a version still pending — is synced now.
     */
    private static List<RecordWork> withoutReplaysAlreadySettled(RunContext run, List<RecordWork> works) {
        List<String> replays = works.stream().filter(w -> w.row.replay()).map(RecordWork::key).toList();
        if (replays.isEmpty()) {
            return works;
        }
        java.util.Map<String, java.time.Instant> settled = run.store.attemptedVersions(run.job.name(), replays);
        return works.stream().filter(w -> {
            if (!w.row.replay()) {
                return true;
            }
            boolean unchanged = w.link != null && w.mapped != null
                    && w.mapped.payloadHash().equals(w.link.payloadHash());
            java.time.Instant version = settled.get(w.key());
            return !unchanged && (version == null || version.isBefore(w.row.changedAt()));
        }).toList();
    }

    /**
     * Rows that cannot be synced (no key, no changedAt) come with every run until the source is fixed:
     * each is logged ERROR/INVALID_SOURCE_ROW once, then set aside while it stays the same.
     */
    private static List<RecordWork> withoutInvalidAlreadyReported(RunContext run, List<RecordWork> works) {
        List<String> invalid = works.stream().filter(w -> w.row.isInvalid()).map(RecordWork::key).toList();
        if (invalid.isEmpty()) {
            return works;
        }
        java.util.Set<String> reported = run.store.alreadyReportedInvalid(run.job.name(), invalid);
        return reported.isEmpty() ? works
                : works.stream().filter(w -> !w.row.isInvalid() || !reported.contains(w.key())).toList();
    }

    /**
     * Once a batch's decisions are made, the next batch may look up while this one writes — unless
     * it shares an email, external ID or account with what this one is about to write, whose lookup
     * must then see those writes.
     */
    public void lookUpNextWhileWriting(RunContext run, Batch current) {
        if (run.prefetched == null || run.prefetcher == null) {
            return;
        }
        java.util.Set<String> writing = current.writeKeys(run.job.accounts().enabled());
        run.prefetched = run.prefetched.thenApplyAsync(next -> {
            if (run.stopReason == null && run.budgetAllowsAnotherBatch()
                    && java.util.Collections.disjoint(writing, next.matchKeys())) {
                next.lookedUp = match.lookup(run, next);
            }
            return next;
        }, run.lookups);
    }

    private static ExecutorService daemon(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static Batch await(RunContext run) {
        try {
            return run.prefetched.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the source", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
