package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Describe layouts (page, named, compact, approval) and list views (list, describe, results, explain) in
 * Salesforce's shapes: what a client such as jsforce reads of an org's layouts and list views.
 */
class WireLayoutsTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void anObjectsLayoutHasItsFieldsInSectionsAndARelatedListPerChildRelationship() {
        JsonNode r = get("/sobjects/Account/describe/layouts");

        JsonNode layout = r.get("layouts").get(0);
        assertThat(layout.get("id").asText()).startsWith("00h").hasSize(18);
        assertThat(layout.get("buttonLayoutSection").get("detailButtons").findValuesAsText("name")).contains("Edit");
        JsonNode detail = layout.get("detailLayoutSections").get(0);
        assertThat(detail.get("layoutRows").findValuesAsText("value")).contains("Name", "Fax", "OwnerId");
        assertThat(layout.get("editLayoutSections").get(0).get("layoutRows").findValuesAsText("value"))
                .contains("Name").doesNotContain("LastActivityDate", "CreatedDate");
        assertThat(layout.get("quickActionList").get("quickActionListItems").isArray()).isTrue();
        assertThat(layout.get("relatedLists").findValuesAsText("name")).contains("Contacts", "Opportunities", "Cases");
        assertThat(r.get("recordTypeMappings").isArray()).isTrue();
        assertThat(r.get("recordTypeSelectorRequired").get(0).asBoolean()).isFalse();
        assertThat(get("/sobjects/User/describe/namedLayouts/UserAlt").get("layouts").size()).isEqualTo(1);
    }

    @Test
    void compactLayoutIsTheSystemDefaultAndThereAreNoApprovalLayouts() {
        JsonNode compact = get("/sobjects/Case/describe/compactLayouts").get("compactLayouts").get(0);

        assertThat(compact.get("name").asText()).isEqualTo("SYSTEM");
        assertThat(compact.get("objectType").asText()).isEqualTo("Case");
        assertThat(compact.get("fieldItems").findValuesAsText("value")).containsExactly("CaseNumber");
        assertThat(get("/sobjects/Account/describe/approvalLayouts").get("approvalLayouts")).isEmpty();
        assertThat(sf.get(V + "/sobjects/Account/describe/nothing").status()).isEqualTo(404);
    }

    @Test
    void theAllListViewDescribesItsQueryAndRunsItAndExplainsIt() {
        sf.post(V + "/sobjects/Account", map("Name", "Zeta"));
        sf.post(V + "/sobjects/Account", map("Name", "Alpha"));

        JsonNode views = get("/sobjects/Account/listviews");
        assertThat(views.get("listviews").findValuesAsText("developerName")).containsExactly("All", "RecentlyViewed");
        JsonNode all = views.get("listviews").get(0);
        String id = all.get("id").asText();
        assertThat(id).startsWith("00B");
        assertThat(all.get("soqlCompatible").asBoolean()).isTrue();

        JsonNode describe = sf.get(all.get("describeUrl").asText()).json();
        assertThat(describe.get("sobjectType").asText()).isEqualTo("Account");
        assertThat(describe.get("query").asText()).startsWith("SELECT Name, Id FROM Account");
        assertThat(describe.get("columns").findValuesAsText("fieldNameOrPath")).containsExactly("Name", "Id");

        JsonNode results = sf.get(all.get("resultsUrl").asText()).json();
        assertThat(results.get("size").asInt()).isEqualTo(2);
        List<String> names = results.get("records").findValuesAsText("value");
        assertThat(names.get(0)).isEqualTo("Alpha");
        assertThat(names.get(2)).isEqualTo("Zeta");

        JsonNode plans = get("/query?explain=" + URLEncoder.encode(id, StandardCharsets.UTF_8)).get("plans");
        assertThat(plans.findValuesAsText("sobjectType")).containsOnly("Account");
        assertThat(plans.get(0).get("sobjectCardinality").asInt()).isEqualTo(2);
        assertThat(sf.get(V + "/sobjects/Account/listviews/00B000000000000AAA/results").status()).isEqualTo(404);
    }

    private JsonNode get(String path) {
        RestClient.Reply r = sf.get(V + path);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json();
    }
}
