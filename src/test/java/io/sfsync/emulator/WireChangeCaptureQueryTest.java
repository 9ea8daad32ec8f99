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

    /** (Id, SystemModstamp, IsDeleted) of records as a query returned them. */
    private static List<String> rows(JsonNode records) {
        List<String> out = new ArrayList<>();
        records.forEach(rec -> out.add(rec.get("Id").asText() + " " + rec.get("SystemModstamp").asText() + " "
                + rec.get("IsDeleted").asBoolean()));
        return out;
    }

    private static JsonNode queryAll(RestClient sf, String soql) {
        return sf.get(V + "/queryAll?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8)).json();
    }

    /** Every Contact up to the instant, sorted here by (SystemModstamp, Id) from a query that scans. */
    static List<String> sortedHere(RestClient sf, Instant upTo) {
        JsonNode all = queryAll(sf, "SELECT Id, SystemModstamp, IsDeleted FROM Contact WHERE LastName != null");
        assertThat(all.get("done").asBoolean()).isTrue();
        List<JsonNode> records = new ArrayList<>();
        all.get("records").forEach(records::add);
        records.removeIf(r -> stamp(r).isAfter(upTo));
        records.sort(java.util.Comparator.comparing(WireChangeCaptureQueryTest::stamp)
                .thenComparing(r -> r.get("Id").asText().substring(0, 15)));
        return rows(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(records));
    }

    private static Instant stamp(JsonNode r) {
        return EmulatedOrg.DATETIME.parse(r.get("SystemModstamp").asText(), Instant::from);
    }

    /** Every Contact up to the instant, read page by page after a (SystemModstamp, Id) cursor as a poller does. */
    static List<String> pagedByCursor(RestClient sf, Instant upTo, int pageSize) {
        List<String> out = new ArrayList<>();
        String cursor = "";
        while (true) {
            JsonNode page = queryAll(sf, "SELECT Id, SystemModstamp, IsDeleted FROM Contact WHERE SystemModstamp <= "
                    + upTo + cursor + " ORDER BY SystemModstamp, Id LIMIT " + pageSize);
            if (page.get("records").isEmpty()) {
                return out;
            }
            assertThat(page.get("done").asBoolean()).isTrue();
            out.addAll(rows(page.get("records")));
            JsonNode last = page.get("records").get(page.get("records").size() - 1);
            String at = stamp(last).toString();
            cursor = " AND (SystemModstamp > " + at + " OR (SystemModstamp = " + at + " AND Id > '"
                    + last.get("Id").asText() + "'))";
        }
    }

    @Test
    void pagesAfterTheCursorFollowCreatesUpdatesDeletesMergesTouchesAndRollbacks() {
        RestClient sf = new RestClient(SF.emulator()).login();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            contacts.add(map("_ref", "c" + i, "LastName", "C" + i, "SystemModstamp", at(t0.plusSeconds(i % 7)),
                    "LastModifiedDate", at(t0), "IsDeleted", i >= 80 && i % 3 == 0));
        }
        Map<String, String> ids = SF.emulator().seed(Map.of("Contact", contacts));
        Instant upTo = Instant.now().plus(1, ChronoUnit.HOURS);
        assertThat(pagedByCursor(sf, upTo, 7)).isEqualTo(sortedHere(sf, upTo)).hasSize(90);

        for (int i = 0; i < 4; i++) {
            assertThat(sf.post(V + "/sobjects/Contact", map("LastName", "New" + i)).status()).isEqualTo(201);
            assertThat(sf.patch(V + "/sobjects/Contact/" + ids.get("c" + (i * 5 + 1)), map("Title", "T")).status())
                    .isEqualTo(204);
            assertThat(sf.delete(V + "/sobjects/Contact/" + ids.get("c" + (i * 5 + 2))).status()).isEqualTo(204);
        }
        SF.emulator().merge("Contact", ids.get("c3"), List.of(ids.get("c4"), ids.get("c8")));
        SF.emulator().touch("Contact", List.of(ids.get("c5"), ids.get("c6"), ids.get("c9")), null);
        // all or none: the first update is rolled back with the failing second
        RestClient.Reply rolledBack = sf.patch(V + "/composite/sobjects", map("allOrNone", true, "records", List.of(
                map("attributes", map("type", "Contact"), "id", ids.get("c10"), "Title", "Rolled back"),
                map("attributes", map("type", "Contact"), "id", ids.get("c11"), "LastName", null))));
        assertThat(rolledBack.json().get(0).get("success").asBoolean()).isFalse();
        RestClient.Reply neverCreated = sf.post(V + "/composite/sobjects", map("allOrNone", true, "records", List.of(
                map("attributes", map("type", "Contact"), "LastName", "Rolled back"),
                map("attributes", map("type", "Contact"), "FirstName", "No last name"))));
        assertThat(neverCreated.json().get(0).get("success").asBoolean()).isFalse();

        List<String> expected = sortedHere(sf, upTo);
        assertThat(expected).hasSize(94);
        assertThat(pagedByCursor(sf, upTo, 7)).isEqualTo(expected);
        assertThat(pagedByCursor(sf, upTo, 2000)).isEqualTo(expected);
        // DESC with a LIMIT reads the same records from the other end
        JsonNode lastFive = queryAll(sf, "SELECT Id, SystemModstamp, IsDeleted FROM Contact WHERE SystemModstamp <= "
                + upTo + " ORDER BY SystemModstamp DESC, Id DESC LIMIT 5");
        List<String> reversed = new ArrayList<>(expected.subList(expected.size() - 5, expected.size()));
        java.util.Collections.reverse(reversed);
        assertThat(rows(lastFive.get("records"))).isEqualTo(reversed);

        SF.emulator().reset();
        assertThat(pagedByCursor(new RestClient(SF.emulator()).login(), upTo, 7)).isEmpty();
    }
}
