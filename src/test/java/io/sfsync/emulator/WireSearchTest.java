package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** SOSL on the wire: FIND … IN … FIELDS RETURNING …, with Salesforce's answer shape and errors. */
class WireSearchTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
        sf.post(V + "/sobjects/Account", map("Name", "Acme Rockets", "Phone", "555-0100"));
        sf.post(V + "/sobjects/Account", map("Name", "Acme Anvils", "Description", "Rockets sold elsewhere"));
        sf.post(V + "/sobjects/Account", map("Name", "Globex"));
        sf.post(V + "/sobjects/Contact", map("LastName", "Coyote", "Email", "wile@acme.example"));
    }

    @Test
    void nameFieldsFindTheWordsAndReturnTheFieldsAsked() {
        JsonNode r = search("FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name ORDER BY Name)");

        JsonNode records = r.get("searchRecords");
        assertThat(records.findValuesAsText("Name")).containsExactly("Acme Anvils", "Acme Rockets");
        assertThat(records.get(0).get("attributes").get("type").asText()).isEqualTo("Account");
        assertThat(records.get(0).get("Id").asText()).startsWith("001");
    }

    @Test
    void allFieldsSearchesTheTextFieldsTooAndTermsMustAllBeFound() {
        assertThat(names("FIND {rockets} RETURNING Account(Name ORDER BY Name)")).containsExactly("Acme Anvils", "Acme Rockets");
        assertThat(names("FIND {rockets} IN NAME FIELDS RETURNING Account(Name)")).containsExactly("Acme Rockets");
        assertThat(names("FIND {acme globex} RETURNING Account(Name)")).isEmpty();
        assertThat(names("FIND {acme OR globex} RETURNING Account(Name ORDER BY Name)"))
                .containsExactly("Acme Anvils", "Acme Rockets", "Globex");
        assertThat(names("FIND {glob*} RETURNING Account(Name)")).containsExactly("Globex");
    }

    @Test
    void whereAndLimitInsideTheSpecAndAcrossObjects() {
        assertThat(names("FIND {acme} RETURNING Account(Name WHERE Phone != null)")).containsExactly("Acme Rockets");
        assertThat(search("FIND {acme} RETURNING Account(Name LIMIT 1)").get("searchRecords").size()).isEqualTo(1);
        JsonNode both = search("FIND {acme} IN EMAIL FIELDS RETURNING Account(Name), Contact(LastName, Email)");
        assertThat(both.get("searchRecords").findValuesAsText("LastName")).containsExactly("Coyote");
        assertThat(search("FIND {acme} RETURNING Account, Contact LIMIT 2").get("searchRecords").size()).isEqualTo(2);
        assertThat(search("FIND {coyote}").get("searchRecords").get(0).get("attributes").get("type").asText())
                .isEqualTo("Contact");
    }

    @Test
    void badSearchesAreRefusedWithSalesforcesCodes() {
        assertThat(sf.get(V + "/search?q=" + enc("SELECT Id FROM Account")).raw().body()).contains("MALFORMED_SEARCH");
        assertThat(sf.get(V + "/search?q=" + enc("FIND {acme} RETURNING Acount(Name)")).raw().body()).contains("INVALID_TYPE");
        assertThat(sf.get(V + "/search?q=" + enc("FIND {acme} RETURNING Account(Nope)")).raw().body()).contains("INVALID_FIELD");
    }

    private JsonNode search(String sosl) {
        RestClient.Reply r = sf.get(V + "/search?q=" + enc(sosl));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json();
    }

    private java.util.List<String> names(String sosl) {
        return search(sosl).get("searchRecords").findValuesAsText("Name");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
