package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** A merge, as a sync client sees it afterwards: the duplicates deleted with MasterRecordId, their children moved. */
class EmulatorMergeTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    private JsonNode queryAll(String soql) {
        return sf.get(V + "/queryAll?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8)).json();
    }

    @Test
    void mergedAccountsAreDeletedWithTheirMasterAndTheirContactsMoveToIt() {
        Map<String, List<Map<String, Object>>> org = new java.util.LinkedHashMap<>();
        org.put("Account", List.of(map("_ref", "master", "Name", "Acme"), map("_ref", "dup", "Name", "ACME Inc")));
        org.put("Contact", List.of(map("_ref", "c", "LastName", "Lovelace", "AccountId", "@dup")));
        Map<String, String> ids = SF.emulator().seed(org);

        RestClient.Reply merge = sf.post("/_emulator/merge", map("object", "Account", "master", ids.get("master"),
                "duplicates", List.of(ids.get("dup"))));

        assertThat(merge.status()).isEqualTo(200);
        assertThat(merge.json().get("mergedRecordIds").get(0).asText()).isEqualTo(ids.get("dup"));
        JsonNode dup = queryAll("SELECT Id, IsDeleted, MasterRecordId FROM Account WHERE Id = '" + ids.get("dup") + "'")
                .get("records").get(0);
        assertThat(dup.get("IsDeleted").asBoolean()).isTrue();
        assertThat(dup.get("MasterRecordId").asText()).isEqualTo(ids.get("master"));
        assertThat(sf.get(V + "/sobjects/Account/" + ids.get("dup")).status()).isEqualTo(404);
        assertThat(sf.get(V + "/sobjects/Contact/" + ids.get("c")).json().get("AccountId").asText())
                .isEqualTo(ids.get("master"));
    }

    @Test
    void aMergeTakesOneOrTwoDuplicatesOfAMergeableObjectButNeverTheMasterItself() {
        Map<String, String> ids = SF.emulator().seed(Map.of("Lead", List.of(map("_ref", "a", "LastName", "A", "Company", "C"),
                map("_ref", "b", "LastName", "B", "Company", "C"))));
        assertThat(sf.post("/_emulator/merge", map("object", "Lead", "master", ids.get("a"), "duplicates",
                List.of(ids.get("a")))).status()).isEqualTo(400);
        assertThat(sf.post("/_emulator/merge", map("object", "Task", "master", ids.get("a"), "duplicates",
                List.of(ids.get("b")))).status()).isEqualTo(400);
        assertThat(sf.post("/_emulator/merge", map("object", "Lead", "master", ids.get("a"), "duplicates",
                List.of())).status()).isEqualTo(400);
        assertThat(sf.get(V + "/sobjects/Lead/" + ids.get("b")).status()).as("nothing merged").isEqualTo(200);
    }
}
