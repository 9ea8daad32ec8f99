package io.sfsync.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sfsync.config.FieldRule;

/** The merge rules of a field synced from Salesforce: which side's value the row and the record end with. */
class FieldMergeTest {
    private static final Instant EARLY = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant LATE = Instant.parse("2026-12-01T11:00:00Z");

    private static FieldRule rule(FieldRule.Direction d, FieldRule.Merge m) {
        return new FieldRule("Title", "title", null, null, List.of(), FieldRule.Overwrite.ALWAYS, null, Map.of(),
                FieldRule.OnInvalid.ERROR, d, m);
    }

    @Test
    void aBlankNeverWinsOverAValueWhicheverWay() {
        for (FieldRule.Merge m : FieldRule.Merge.values()) {
            FieldRule r = rule(FieldRule.Direction.BOTH, m);
            assertThat(FieldMerge.inbound(r, "", "Dev", LATE, EARLY)).isEqualTo(FieldMerge.Winner.SOURCE);
            assertThat(FieldMerge.inbound(r, null, "Dev", LATE, EARLY)).isEqualTo(FieldMerge.Winner.SOURCE);
            assertThat(FieldMerge.inbound(r, "CTO", " ", EARLY, LATE)).isEqualTo(FieldMerge.Winner.SALESFORCE);
            assertThat(FieldMerge.outbound(r, "", "CTO", LATE, EARLY)).isFalse();
            assertThat(FieldMerge.outbound(r, "Dev", null, EARLY, LATE)).isTrue();
        }
        assertThat(FieldMerge.inbound(rule(FieldRule.Direction.FROM_SALESFORCE, null), "", "Dev", LATE, EARLY))
                .isEqualTo(FieldMerge.Winner.SOURCE);
    }

    @Test
    void mostRecentTakesTheSideThatChangedLast() {
        FieldRule r = rule(FieldRule.Direction.BOTH, FieldRule.Merge.MOST_RECENT);
        assertThat(FieldMerge.inbound(r, "CTO", "Dev", LATE, EARLY)).isEqualTo(FieldMerge.Winner.SALESFORCE);
        assertThat(FieldMerge.inbound(r, "CTO", "Dev", EARLY, LATE)).isEqualTo(FieldMerge.Winner.SOURCE);
        assertThat(FieldMerge.outbound(r, "Dev", "CTO", LATE, EARLY)).isTrue();
        assertThat(FieldMerge.outbound(r, "Dev", "CTO", EARLY, LATE)).isFalse();
    }

    @Test
    void salesforceUnlessBlankAndSourceUnlessBlank() {
        FieldRule sf = rule(FieldRule.Direction.BOTH, FieldRule.Merge.SALESFORCE_UNLESS_BLANK);
        assertThat(FieldMerge.inbound(sf, "CTO", "Dev", EARLY, LATE)).isEqualTo(FieldMerge.Winner.SALESFORCE);
        assertThat(FieldMerge.outbound(sf, "Dev", "CTO", LATE, EARLY)).isFalse();
        FieldRule src = rule(FieldRule.Direction.BOTH, FieldRule.Merge.SOURCE_UNLESS_BLANK);
        assertThat(FieldMerge.inbound(src, "CTO", "Dev", LATE, EARLY)).isEqualTo(FieldMerge.Winner.SOURCE);
        assertThat(FieldMerge.outbound(src, "Dev", "CTO", EARLY, LATE)).isTrue();
    }

    @Test
    void aFieldOneWayOnlyFlowsThatWay() {
        assertThat(FieldMerge.inbound(rule(FieldRule.Direction.FROM_SALESFORCE, null), "CTO", "Dev", EARLY, LATE))
                .isEqualTo(FieldMerge.Winner.SALESFORCE);
        assertThat(FieldMerge.outbound(rule(FieldRule.Direction.FROM_SALESFORCE, null), "Dev", "CTO", LATE, EARLY)).isFalse();
        assertThat(FieldMerge.outbound(rule(FieldRule.Direction.TO_SALESFORCE, null), "Dev", "CTO", EARLY, LATE)).isTrue();
    }
}
