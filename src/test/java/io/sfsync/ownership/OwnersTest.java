package io.sfsync.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.sfsync.config.OwnershipConfig;
import io.sfsync.config.OwnershipConfig.Fallback;

/** Who owns a new record, and whose record an update must leave alone. */
class OwnersTest {
    private static OwnershipConfig own(Fallback fallback, boolean regardless) {
        return new OwnershipConfig("owner_email", fallback, "x", regardless);
    }

    @Test
    void theRowsOwnerOwnsANewRecordWhateverTheFallback() {
        for (Fallback f : Fallback.values()) {
            assertThat(Owners.forNewRecord(own(f, false), "Lead", "005U", "005F"))
                    .isEqualTo(new Owners.NewOwner("005U", false));
        }
    }

    @Test
    void withoutAnOwnerTheFallbackDecides() {
        assertThat(Owners.forNewRecord(own(Fallback.ASSIGNMENT_RULES, false), "Lead", null, null))
                .isEqualTo(new Owners.NewOwner(null, true));
        assertThat(Owners.forNewRecord(own(Fallback.ASSIGNMENT_RULES, false), "Contact", null, null))
                .as("assignment rules are for Leads").isEqualTo(new Owners.NewOwner(null, false));
        assertThat(Owners.forNewRecord(own(Fallback.USER, false), "Contact", null, "005F"))
                .isEqualTo(new Owners.NewOwner("005F", false));
        assertThat(Owners.forNewRecord(own(Fallback.QUEUE, false), "Lead", null, "00GQ"))
                .isEqualTo(new Owners.NewOwner("00GQ", false));
        assertThat(Owners.forNewRecord(own(Fallback.QUEUE, false), "Contact", null, "00GQ"))
                .as("a Contact cannot be owned by a queue").isEqualTo(new Owners.NewOwner(null, false));
        assertThat(Owners.forNewRecord(own(Fallback.NONE, false), "Lead", null, "005F"))
                .isEqualTo(new Owners.NewOwner(null, false));
    }

    @Test
    void onlyAnotherHumanUsersRecordIsLeftAlone() {
        OwnershipConfig o = own(Fallback.NONE, false);
        assertThat(Owners.ownedByAnotherUser(o, "005OTHER0000001", "005ME0000000001", "005INT000000001")).isTrue();
        assertThat(Owners.ownedByAnotherUser(o, "005ME0000000001AAA", "005ME0000000001", null))
                .as("18- and 15-character Ids of one user").isFalse();
        assertThat(Owners.ownedByAnotherUser(o, "00GQUEUE0000001", "005ME0000000001", null)).as("a queue").isFalse();
        assertThat(Owners.ownedByAnotherUser(o, "005INT000000001", "005ME0000000001", "005INT000000001"))
                .as("the integration user").isFalse();
        assertThat(Owners.ownedByAnotherUser(o, "005OTHER0000001", null, null)).as("the row names no owner").isFalse();
        assertThat(Owners.ownedByAnotherUser(own(Fallback.NONE, true), "005OTHER0000001", "005ME0000000001", null))
                .as("updateRegardlessOfOwnership").isFalse();
    }
}
