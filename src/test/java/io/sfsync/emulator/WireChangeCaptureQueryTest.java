package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The query a poller of Salesforce changes sends: records after a (SystemModstamp, Id) cursor, in that
 * order, deleted ones included through queryAll — ties on the timestamp broken by Id, so a page that ends
 * inside a second loses nothing.
 */
class WireChangeCaptureQueryTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static String at(Instant t) {
        return EmulatedOrg.DATETIME.format(t);
    }

    @Test
    void recordsAfterTheCursorComeInStampAndIdOrderWithTheDeletedOnes() {
        RestClient sf = new RestClient(SF.emulator()).login();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // three at t0+1s (a tie), the others later; one of the later ones deleted
            Instant stamp = i < 3 ? t0.plusSeconds(1) : t0.plusSeconds(i);
            leads.add(map("_ref", "l" + i, "LastName", "L" + i, "Company", "C", "SystemModstamp", at(stamp),
                    "IsDeleted", i == 4));
        }
        Map<String, String> ids = SF.emulator().seed(Map.of("Lead", leads));
        List<String> tie = new ArrayList<>(List.of(ids.get("l0"), ids.get("l1"), ids.get("l2")));
        java.util.Collections.sort(tie);
        String cursorId = tie.get(0); // the page before ended on the first of the tie

        // a SOQL dateTime literal as Salesforce documents it: YYYY-MM-DDThh:mm:ssZ
        String cursor = t0.plusSeconds(1).toString();
        String soql = "SELECT Id, SystemModstamp, IsDeleted FROM Lead WHERE SystemModstamp > " + cursor
                + " OR (SystemModstamp = " + cursor + " AND Id > '" + cursorId + "')"
                + " ORDER BY SystemModstamp, Id";
        JsonNode r = sf.get(V + "/queryAll?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8)).json();

        List<String> got = new ArrayList<>();
        r.get("records").forEach(rec -> got.add(rec.get("Id").asText()));
        assertThat(got).containsExactly(tie.get(1), tie.get(2), ids.get("l3"), ids.get("l4"), ids.get("l5"));
        assertThat(r.get("records").get(3).get("IsDeleted").asBoolean()).isTrue();
        // the plain query leaves the deleted one out
        JsonNode live = sf.get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8)).json();
        assertThat(live.get("totalSize").asInt()).isEqualTo(4);
    }
}
