package io.sfsync.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The batches after the one being written, prepared on a reading thread of their own by the
 * prepare-batch route (read, map, lookup — and whatever steps a job's YAML adds there), so that a run's
 * time is mostly its Salesforce calls. It keeps one batch ahead, two while batches are small (up to
 * {@link #TWO_AHEAD_UP_TO} rows: a Bulk API load's big batches would cost more heap than they save time).
 *
 * <p>A batch's lookup runs on a lookup thread of its own, so the reading thread goes on to the batch
 * after it meanwhile. It may only start once the batch before it has decided what it writes (the match
 * step calls {@link #decided}), and is left to the match step when both touch one email, external ID
 * or account: its lookup must then see those writes. Taking a batch tells the one before it is done.
 */
final class ReadAhead implements AutoCloseable {
    static final int TWO_AHEAD_UP_TO = 2_000;
    /** A lookup waits this long at most for the batch before it; past that the match step looks up itself. */
    private static final long DECISION_WAIT_MS = 10 * 60_000L;

    private final ExecutorService thread;
    private final ExecutorService lookups;
    private final IntFunction<Batch> prepare;
    private final boolean twoAhead;
    private final Map<Integer, CompletableFuture<Set<String>>> decisions = new ConcurrentHashMap<>();
    private CompletableFuture<Batch> next;
    private CompletableFuture<Batch> afterNext;
    private int prepared;
    private int taken;
    private volatile boolean closed;
    /** Every batch below this number has decided and is no longer in {@link #decisions}. */
    private volatile int decidedBelow;

    /** @param prepare runs the prepare-batch route for the batch of the given number */
    ReadAhead(String job, int batchSize, IntFunction<Batch> prepare) {
        this.prepare = prepare;
        this.twoAhead = batchSize <= TWO_AHEAD_UP_TO;
        this.thread = daemon("sfsync-prepare-" + job);
        this.lookups = daemon("sfsync-lookup-" + job);
    }

    private static ExecutorService daemon(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a batch's lookup on the lookup thread; the reading thread does not wait for it. */
    <T> CompletableFuture<T> onLookupThread(java.util.function.Supplier<T> lookup) {
        return CompletableFuture.supplyAsync(lookup, lookups);
    }

    /** The next batch, waiting for it if it is not prepared yet; the batches after it are started. */
    Batch take() {
        // the batch before this one is recorded: a lookup waiting for it need not wait any longer
        decided(taken, Set.of());
        if (next == null) {
            next = schedule(null);
        }
        Batch batch = await(next);
        taken = batch.number();
        // only the batch before the next one is still asked about; those below are decided (and recorded)
        decidedBelow = taken - 1;
        decisions.keySet().removeIf(n -> n < decidedBelow);
        if (batch.sourceDone) {
            next = null;
            afterNext = null;
        } else {
            next = afterNext != null ? afterNext : schedule(null);
            afterNext = twoAhead ? schedule(next) : null;
        }
        return batch;
    }

    private CompletableFuture<Batch> schedule(CompletableFuture<Batch> after) {
        if (after == null) {
            return CompletableFuture.supplyAsync(() -> prepare.apply(++prepared), thread);
        }
        return after.thenApplyAsync(b -> b.sourceDone ? new Batch(++prepared, List.of(), true)
                : prepare.apply(++prepared), thread);
    }

    /** The batch of this number has decided its writes: the lookup of the one after it may start. */
    void decided(int batchNumber, Set<String> writeKeys) {
        if (batchNumber > 0) {
            decisions.computeIfAbsent(batchNumber, n -> new CompletableFuture<>()).complete(writeKeys);
        }
    }

    /**
     * Whether the batch of this number may look up now, on the reading thread: once the batch before it
     * has decided, when none of its keys is one that batch writes.
     */
    boolean mayLookUp(Batch batch) {
        if (closed) {
            return false; // the run is over: no more calls on its behalf
        }
        if (batch.number() <= 1) {
            return true;
        }
        try {
            int before = batch.number() - 1;
            CompletableFuture<Set<String>> decision = decisions.get(before);
            if (decision == null && before < decidedBelow) {
                return !closed; // decided and recorded, and forgotten since
            }
            if (decision == null) {
                decision = decisions.computeIfAbsent(before, n -> new CompletableFuture<>());
                if (before < decidedBelow) {
                    decision.complete(Set.of()); // forgotten while this asked: it was decided
                }
            }
            Set<String> writing = decision.get(DECISION_WAIT_MS, TimeUnit.MILLISECONDS);
            return !closed && (writing.isEmpty() || java.util.Collections.disjoint(writing, batch.matchKeys()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        lookups.shutdownNow();
        for (CompletableFuture<Batch> f : java.util.Arrays.asList(next, afterNext)) {
            if (f != null) {
                f.cancel(true);
            }
        }
        decisions.values().forEach(d -> d.complete(Set.of()));
    }

    private static Batch await(CompletableFuture<Batch> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the next batch", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
