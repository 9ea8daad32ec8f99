package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Data replication on the wire (sObject Get Updated / Get Deleted): the records changed or deleted in a
 * span by SystemModstamp, seconds ignored, the span checked as Salesforce checks it.
 */
class WireReplicationTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;
    private final Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    private static String at(Instant t) {
        return io.sfsync.emulator.EmulatedOrg.DATETIME.format(t);
    }

    private static String q(Instant t) {
        return URLEncoder.encode(t.toString().replace("Z", "+00:00"), StandardCharsets.UTF_8);
    }

    private Map<String, String> seed(Object... refStampDeleted) {
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < refStampDeleted.length; i += 3) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("_ref", refStampDeleted[i]);
            r.put("LastName", "L" + i);
            r.put("Company", "C");
            r.put("SystemModstamp", at((Instant) refStampDeleted[i + 1]));
            r.put("IsDeleted", refStampDeleted[i + 2]);
            leads.add(r);
        }
        return SF.emulator().seed(Map.of("Lead", leads));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void updatedListsTheRecordsChangedInTheSpanAndIgnoresSeconds() {
        Map<String, String> ids = seed("before", hour.minusSeconds(1), false, "first", hour.plusSeconds(10), false,
                "inside", hour.plus(30, ChronoUnit.MINUTES), false, "atEnd", hour.plus(1, ChronoUnit.HOURS), false,
                "gone", hour.plus(5, ChronoUnit.MINUTES), true);

        RestClient.Reply r = sf.get(V + "/sobjects/Lead/updated/?start=" + q(hour.plusSeconds(40)) + "&end="
                + q(hour.plus(1, ChronoUnit.HOURS).plusSeconds(50)));

        assertThat(r.status()).isEqualTo(200);
        // start 12:00:40 is 12:00, end 13:00:50 is 13:00: from the start, up to but not including the end
        assertThat(texts(r.json().get("ids"))).containsExactlyInAnyOrder(ids.get("first"), ids.get("inside"));
        assertThat(r.json().get("latestDateCovered").asText()).isEqualTo(at(hour.plus(1, ChronoUnit.HOURS)));
    }

    @Test
    void deletedListsTheRecordsDeletedInTheSpanWithWhen() {
        Map<String, String> ids = seed("alive", hour.plusSeconds(60), false, "gone", hour.plus(10, ChronoUnit.MINUTES), true,
                "goneEarlier", hour.minus(1, ChronoUnit.HOURS), true);

        RestClient.Reply r = sf.get(V + "/sobjects/Lead/deleted/?start=" + q(hour) + "&end="
                + q(hour.plus(1, ChronoUnit.HOURS)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("deletedRecords")).hasSize(1);
        assertThat(r.json().get("deletedRecords").get(0).get("id").asText()).isEqualTo(ids.get("gone"));
        assertThat(r.json().get("deletedRecords").get(0).get("deletedDate").asText())
                .isEqualTo(at(hour.plus(10, ChronoUnit.MINUTES)));
        assertThat(r.json().get("earliestDateAvailable").asText()).isEqualTo(at(hour.minus(1, ChronoUnit.HOURS)));
        assertThat(r.json().get("latestDateCovered").asText()).isEqualTo(at(hour.plus(1, ChronoUnit.HOURS)));
    }

    @Test
    void aRecordDeletedThroughTheApiIsListedAsDeletedAndNoLongerAsUpdated() {
        Map<String, String> ids = seed("x", hour, false);
        assertThat(sf.delete(V + "/sobjects/Lead/" + ids.get("x")).status()).isEqualTo(204);
        Instant now = Instant.now();

        RestClient.Reply deleted = sf.get(V + "/sobjects/Lead/deleted/?start=" + q(hour) + "&end="
                + q(now.plus(5, ChronoUnit.MINUTES)));
        RestClient.Reply updated = sf.get(V + "/sobjects/Lead/updated/?start=" + q(hour) + "&end="
                + q(now.plus(5, ChronoUnit.MINUTES)));

        // an end in the future covers up to now (on the minute; the minute may have turned meanwhile)
        assertThat(updated.json().get("latestDateCovered").asText()).isIn(at(now.truncatedTo(ChronoUnit.MINUTES)),
                at(Instant.now().truncatedTo(ChronoUnit.MINUTES)));
        assertThat(texts(updated.json().get("ids"))).doesNotContain(ids.get("x"));
        // deleted this minute: listed once the minute is covered; the span's end is now
        JsonNode records = deleted.json().get("deletedRecords");
        assertThat(records.size()).isLessThanOrEqualTo(1);
        records.forEach(d -> assertThat(d.get("id").asText()).isEqualTo(ids.get("x")));
    }

    @Test
    void aSpanThatIsBackwardsTooOldOrMissingIsRefusedAsSalesforceRefusesIt() {
        RestClient.Reply backwards = sf.get(V + "/sobjects/Lead/updated/?start=" + q(hour) + "&end=" + q(hour));
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_REPLICATION_DATE");

        RestClient.Reply old = sf.get(V + "/sobjects/Lead/updated/?start=" + q(hour.minus(31, ChronoUnit.DAYS)) + "&end="
                + q(hour));
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().get(0).get("message").asText()).contains("30 days");

        RestClient.Reply missing = sf.get(V + "/sobjects/Lead/deleted/?start=" + q(hour));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get(0).get("errorCode").asText()).isEqualTo("MISSING_ARGUMENT");

        RestClient.Reply garbage = sf.get(V + "/sobjects/Lead/updated/?start=yesterday&end=" + q(hour));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get(0).get("message").asText()).contains("'yesterday'");
    }
}
