package io.sfsync.synclog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CreateIntentsTest {
    private static final Instant EARLY = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LATE = Instant.parse("2026-01-02T00:00:00Z");

    @Test
    void theOldestIntentOfAKeyIsTheCreateThatCounts() {
        CreateIntents intents = new CreateIntents(List.of(
                new CreateIntents.Row(2, 20, "Lead", LATE, Set.of("a")),
                new CreateIntents.Row(1, 10, "Lead", EARLY, Set.of("a", "b"))));
        assertThat(intents.oldest("a")).get().extracting(CreateIntents.Row::runId).isEqualTo(10L);
        assertThat(intents.oldest("c")).isEmpty();
    }

    @Test
    void linkedKeysLeaveTheirRowsAndAnEmptiedRowIsDeleted() {
        CreateIntents intents = new CreateIntents(List.of(new CreateIntents.Row(1, 10, "Lead", EARLY, Set.of("a", "b")),
                new CreateIntents.Row(2, 20, "Contact", LATE, Set.of("c"))));
        List<CreateIntents.Change> changes = intents.changesFor(List.of("a", "c", "unrelated"));
        assertThat(changes).containsExactlyInAnyOrder(new CreateIntents.Change(1, Set.of("b")),
                new CreateIntents.Change(2, Set.of()));
        assertThat(intents.has("a")).isTrue(); // nothing forgotten before the batch commits
        intents.ended(changes);
        assertThat(intents.has("a")).isFalse();
        assertThat(intents.has("c")).isFalse();
        assertThat(intents.has("b")).isTrue();
        intents.ended(intents.changesFor(List.of("b")));
        assertThat(intents.isEmpty()).isTrue();
    }
}
