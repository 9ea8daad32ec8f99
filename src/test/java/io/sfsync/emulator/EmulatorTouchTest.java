package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A system update (a roll-up or formula recalculation), as a change-capture client sees it: SystemModstamp
 * moves, LastModifiedDate and the fields stay; an explicit instant gives several records the same stamp.
 */
class EmulatorTouchTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    /** Tomorrow at 10:00 UTC: after every record's LastModifiedDate, as a SystemModstamp must be. */
    private static final Instant TIE_AT = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS)
            .plus(10, ChronoUnit.HOURS);
    private static final String TIE = TIE_AT.toString().replace("Z", ".000Z");
    private static final String TIE_STORED = EmulatedOrg.DATETIME.format(TIE_AT);

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void aTouchMovesSystemModstampToNowButNotLastModifiedDate() throws Exception {
        String id = contacts(1).get(0);
        JsonNode before = stamps(id);
        Thread.sleep(5);

        RestClient.Reply touch = sf.post("/_emulator/touch", map("object", "Contact", "ids", List.of(id)));

        assertThat(touch.status()).as(touch.raw().body()).isEqualTo(200);
        assertThat(touch.json().get("touchedRecordIds").get(0).asText()).isEqualTo(id);
        JsonNode after = stamps(id);
        assertThat(Instant.parse(iso(after.get("SystemModstamp").asText())))
                .isAfter(Instant.parse(iso(before.get("SystemModstamp").asText())));
        assertThat(after.get("LastModifiedDate").asText()).isEqualTo(before.get("LastModifiedDate").asText());
        assertThat(after.get("LastName").asText()).isEqualTo("C0");
    }

    @Test
    void anExplicitModstampGivesSeveralRecordsTheSameOneVisibleThroughSoql() {
        List<String> ids = contacts(4);
        List<String> tied = ids.subList(0, 3);
        List<String> lastModified = new ArrayList<>();
        tied.forEach(id -> lastModified.add(stamps(id).get("LastModifiedDate").asText()));

        RestClient.Reply touch = sf.post("/_emulator/touch", map("object", "Contact", "ids", tied, "systemModstamp", TIE));

        assertThat(touch.status()).as(touch.raw().body()).isEqualTo(200);
        assertThat(touch.json().get("systemModstamp").asText()).isEqualTo(TIE_STORED);
        JsonNode same = sf.query("SELECT Id, SystemModstamp, LastModifiedDate FROM Contact WHERE SystemModstamp = "
                + TIE + " ORDER BY Id").json();
        assertThat(same.get("totalSize").asInt()).isEqualTo(3);
        assertThat(same.get("records").findValuesAsText("Id")).containsExactlyElementsOf(tied.stream().sorted().toList());
        assertThat(same.get("records").findValuesAsText("SystemModstamp")).containsOnly(TIE_STORED);
        assertThat(same.get("records").findValuesAsText("LastModifiedDate"))
                .containsExactlyInAnyOrderElementsOf(lastModified);
        assertThat(sf.query("SELECT COUNT() FROM Contact WHERE SystemModstamp > " + TIE).json().get("totalSize").asInt())
                .isZero();
    }

    @Test
    void theJavaMethodTouchesAsTheControlPlaneDoes() {
        List<String> ids = contacts(2);

        Map<String, Object> out = SF.emulator().touch("Contact", ids, TIE_AT);

        assertThat(out.get("touchedRecordIds")).isEqualTo(ids);
        assertThat(sf.query("SELECT COUNT() FROM Contact WHERE SystemModstamp = " + TIE).json().get("totalSize")
                .asInt()).isEqualTo(2);
    }

    @Test
    void aTouchThatCannotApplyToEveryRecordTouchesNone() {
        List<String> ids = contacts(1);
        String lead = SF.emulator().seed(Map.of("Lead", List.of(map("_ref", "l", "LastName", "L", "Company", "C"))))
                .get("l");
        String modstamp = stamps(ids.get(0)).get("SystemModstamp").asText();

        RestClient.Reply otherObject = sf.post("/_emulator/touch", map("object", "Contact", "ids",
                List.of(ids.get(0), lead), "systemModstamp", TIE));
        RestClient.Reply noSuchType = sf.post("/_emulator/touch", map("object", "Shoe__c", "ids", ids));
        RestClient.Reply noIds = sf.post("/_emulator/touch", map("object", "Contact", "ids", List.of()));
        RestClient.Reply beforeLastModified = sf.post("/_emulator/touch", map("object", "Contact", "ids", ids,
                "systemModstamp", "2001-01-01T00:00:00.000Z"));
        RestClient.Reply notADate = sf.post("/_emulator/touch", map("object", "Contact", "ids", ids,
                "systemModstamp", "yesterday"));

        assertThat(otherObject.status()).isEqualTo(404);
        assertThat(otherObject.json().at("/0/errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(noSuchType.json().at("/0/errorCode").asText()).isEqualTo("INVALID_TYPE");
        assertThat(noIds.json().at("/0/errorCode").asText()).isEqualTo("MISSING_ARGUMENT");
        assertThat(beforeLastModified.status()).isEqualTo(400);
        assertThat(beforeLastModified.json().at("/0/errorCode").asText()).isEqualTo("INVALID_OPERATION");
        assertThat(notADate.status()).isEqualTo(400);
        assertThat(stamps(ids.get(0)).get("SystemModstamp").asText()).as("nothing touched").isEqualTo(modstamp);
    }

    @Test
    void aTouchIsNoApiCall() {
        List<String> ids = contacts(1);
        long before = SF.emulator().limits().used();

        sf.post("/_emulator/touch", map("object", "Contact", "ids", ids));

        assertThat(SF.emulator().limits().used()).isEqualTo(before);
    }

    // ---- helpers ----

    /** Contacts C0, C1, ... in order; their Ids. */
    private List<String> contacts(int n) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(map("_ref", "c" + i, "LastName", "C" + i));
        }
        Map<String, String> refs = SF.emulator().seed(Map.of("Contact", records));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(refs.get("c" + i));
        }
        return ids;
    }

    private JsonNode stamps(String id) {
        return sf.get(V + "/sobjects/Contact/" + id + "?fields=LastName,LastModifiedDate,SystemModstamp").json();
    }

    /** "2026-12-02T10:00:00.000+0000" as Instant.parse reads it. */
    private static String iso(String salesforce) {
        return salesforce.replace("+0000", "Z");
    }
}
