package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.sfsync.source.SourceRow;

/** The read-ahead on its own: batches come in order, ahead by one or two, and a lookup waits for the batch before. */
class ReadAheadTest {

    private static Batch batch(int number, boolean last) {
        return new Batch(number, List.of(new SourceRow(String.valueOf(number), Instant.EPOCH,
                new LinkedHashMap<>(Map.of()), true)), last);
    }

    @Test
    void batchesComeInTheirOrderAndNoneIsPreparedPastTheLast() {
        List<Integer> prepared = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ReadAhead ahead = new ReadAhead("job", 50, n -> {
            prepared.add(n);
            return batch(n, n == 3);
        })) {
            assertThat(ahead.take().number()).isEqualTo(1);
            assertThat(ahead.take().number()).isEqualTo(2);
            Batch last = ahead.take();
            assertThat(last.number()).isEqualTo(3);
            assertThat(last.sourceDone).isTrue();
        }
        assertThat(prepared).containsExactly(1, 2, 3);
    }

    @Test
    void smallBatchesArePreparedTwoAheadAndBigOnesOne() throws Exception {
        for (int size : new int[] {ReadAhead.TWO_AHEAD_UP_TO, ReadAhead.TWO_AHEAD_UP_TO + 1}) {
            List<Integer> prepared = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ReadAhead ahead = new ReadAhead("job", size, n -> {
                prepared.add(n);
                return batch(n, false);
            })) {
                ahead.take();
                Thread.sleep(200); // the reading thread works on while batch 1 is written
                assertThat(prepared).as("batch size " + size).hasSize(size <= ReadAhead.TWO_AHEAD_UP_TO ? 3 : 2);
            }
        }
    }

    @Test
    void aLookupWaitsForTheBatchBeforeToDecideAndIsLeftToMatchWhenTheyShareAKey() throws Exception {
        try (ReadAhead ahead = new ReadAhead("job", 50, n -> batch(n, false))) {
            Batch second = batch(2, false);
            CompletableFuture<Boolean> may = CompletableFuture.supplyAsync(() -> ahead.mayLookUp(second));
            Thread.sleep(100);
            assertThat(may).as("waits for batch 1's decisions").isNotDone();
            ahead.decided(1, Set.of("e:someone@x.example"));
            assertThat(may.get(5, TimeUnit.SECONDS)).as("no key in common").isTrue();

            Batch third = batch(3, false) ;
            ahead.decided(2, Set.of("e:anyone@x.example"));
            assertThat(ahead.mayLookUp(third)).isTrue();
            assertThat(ahead.mayLookUp(batch(1, false))).as("the first batch waits for nothing").isTrue();
        }
    }

    @Test
    void takingABatchFreesTheLookupOfTheNextEvenWithoutAMatchStep() throws Exception {
        try (ReadAhead ahead = new ReadAhead("job", 50, n -> batch(n, false))) {
            ahead.take(); // batch 1
            CompletableFuture<Boolean> may = CompletableFuture.supplyAsync(() -> ahead.mayLookUp(batch(3, false)));
            ahead.take(); // batch 2: batch 1 is recorded; batch 2 taken means the flow went past it too
            ahead.take(); // batch 3 taken: batch 2 recorded
            assertThat(may.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aLookupAskedLateForABatchLongRecordedDoesNotWait() throws Exception {
        try (ReadAhead ahead = new ReadAhead("job", 50, n -> batch(n, false))) {
            for (int i = 0; i < 5; i++) {
                ahead.take(); // batches 1 to 5: the decisions of 1 to 3 are forgotten
            }
            CompletableFuture<Boolean> may = CompletableFuture.supplyAsync(() -> ahead.mayLookUp(batch(3, false)));
            assertThat(may.get(2, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closingReleasesAWaitingLookupWithoutLettingItCallSalesforce() throws Exception {
        ReadAhead ahead = new ReadAhead("job", 50, n -> batch(n, false));
        CompletableFuture<Boolean> may = CompletableFuture.supplyAsync(() -> ahead.mayLookUp(batch(5, false)));
        Thread.sleep(50);
        ahead.close();
        assertThat(may.get(5, TimeUnit.SECONDS)).isFalse(); // released, and the run is over: no lookup on its behalf
        assertThat(ahead.mayLookUp(batch(1, false))).isFalse();
    }
}
