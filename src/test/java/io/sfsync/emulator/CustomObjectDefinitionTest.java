package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad custom-object definitions are refused whole, with a message naming where the definition is wrong. */
class CustomObjectDefinitionTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    static Stream<Arguments> badDefinitions() {
        return Stream.of(
                Arguments.of("[{\"name\": \"Project\"}]", "objects[0].name: 'Project' must end in __c"),
                Arguments.of("[{\"label\": \"Project\"}]", "objects[0].name: an object needs a name"),
                Arguments.of("[{\"name\": \"Bad__Name__c\"}]",
                        "objects[0].name: 'Bad__Name' is not a custom object's name Salesforce accepts"),
                Arguments.of("[{\"name\": \"9Lives__c\"}]", "objects[0].name: '9Lives' is not a custom object's name"),
                Arguments.of("[{\"name\": \"A__c\", \"lable\": \"A\"}]", "objects[0].lable: unknown key"),
                Arguments.of("[{\"name\": \"A__c\"}, {\"name\": \"a__c\"}]",
                        "objects[1].name: 'a__c' is defined twice (also at objects[0])"),
                Arguments.of("[{\"name\": \"A__c\", \"keyPrefix\": \"001\"}]",
                        "objects[0].keyPrefix: '001' is not a custom object's key prefix"),
                Arguments.of("[{\"name\": \"A__c\", \"nameField\": {\"type\": \"number\"}}]",
                        "objects[0].nameField.type: 'number' is not one of string, autonumber"),
                Arguments.of("[{\"name\": \"A__c\", \"nameField\": {\"type\": \"autonumber\", \"displayFormat\": \"A-\"}}]",
                        "objects[0].nameField.displayFormat: 'A-' needs one {0}"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": {\"name\": \"B__c\"}}]",
                        "objects[0].fields: expected a list of fields"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"Budget\", \"type\": \"currency\"}]}]",
                        "objects[0].fields[0].name: 'Budget' must end in __c"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"type\": \"currency\"}]}]",
                        "objects[0].fields[0].name: a field needs a name"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"number\"}]}]",
                        "objects[0].fields[0].type: 'number' is not one of string, textarea"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"lenght\": 5}]}]",
                        "objects[0].fields[0].lenght: unknown key"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"length\": 300}]}]",
                        "objects[0].fields[0].length: 300 is not between 1 and 255"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\"}, {\"name\": \"b__c\"}]}]",
                        "objects[0].fields[1].name: 'b__c' is defined twice (also at objects[0].fields[0])"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"picklist\"}]}]",
                        "objects[0].fields[0].values: a picklist needs its values"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"currency\","
                        + " \"externalId\": true}]}]",
                        "objects[0].fields[0].externalId: only string, email and autonumber fields"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"reference\"}]}]",
                        "objects[0].fields[0].referenceTo: a reference field needs the object it points at"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"reference\","
                        + " \"referenceTo\": \"Acount\"}]}]",
                        "objects[0].fields[0].referenceTo: unknown object 'Acount'"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"type\": \"reference\","
                        + " \"referenceTo\": [\"Account\", \"Contact\"]}]}]",
                        "objects[0].fields[0].referenceTo: a lookup points at one object"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"Account__c\", \"type\": \"reference\","
                        + " \"referenceTo\": \"Account\", \"relationshipName\": \"Acct__r\"}]}]",
                        "objects[0].fields[0].relationshipName: 'Acct__r' must be Account__r"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": [{\"name\": \"B__c\", \"referenceTo\": \"Account\"}]}]",
                        "objects[0].fields[0].referenceTo: only reference fields take referenceTo"),
                Arguments.of("[{\"name\": \"A__c\", \"fields\": ["
                        + "{\"name\": \"First__c\", \"type\": \"reference\", \"referenceTo\": \"Account\"},"
                        + "{\"name\": \"Second__c\", \"type\": \"reference\", \"referenceTo\": \"Account\"}]}]",
                        "objects[0].fields[0].childRelationshipName: Account already has a child relationship As__r"
                                + " (A__c.Second__c)"),
                Arguments.of("{\"name\": \"A__c\"}", "objects: expected a list of custom objects"));
    }

    @ParameterizedTest
    @MethodSource("badDefinitions")
    void aBadDefinitionIsRefusedWithItsPath(String objects, String message) {
        RestClient.Reply r = sf.post("/_emulator/seed", "{\"objects\": " + objects + "}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).startsWith(message);
        assertThat(sf.get(V + "/sobjects/A__c/describe").status()).isEqualTo(404);
    }

    @Test
    void nothingOfAListIsAddedWhenOneOfItsObjectsIsBad() {
        RestClient.Reply r = sf.post("/_emulator/seed", map("objects", java.util.List.of(
                map("name", "Good__c"), map("name", "Bad"))));

        assertThat(r.json().get("error").asText()).isEqualTo("objects[1].name: 'Bad' must end in __c");
        assertThat(sf.get(V + "/sobjects/Good__c/describe").status()).isEqualTo(404);
    }

    @Test
    void theControlPlaneNamesThePathWithinTheOneObjectItWasGiven() {
        RestClient.Reply r = sf.post("/_emulator/objects", map("name", "Thing__c",
                "fields", java.util.List.of(map("name", "Size__c", "type", "bigint"))));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).startsWith("fields[0].type: 'bigint' is not one of");
    }

    @Test
    void theJavaMethodRefusesABadDefinitionWithTheSameMessage() {
        assertThatThrownBy(() -> SF.emulator().defineObject(map("name", "Project")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: 'Project' must end in __c");
    }

    @Test
    void aKeyPrefixAlreadyTakenIsRefused() {
        String taken = SF.emulator().defineObject(map("name", "Taken__c")).keyPrefix();

        RestClient.Reply r = sf.post("/_emulator/objects", map("name", "Other__c", "keyPrefix", taken));

        assertThat(r.json().get("error").asText()).isEqualTo("keyPrefix: '" + taken + "' is already Taken__c's");
    }
}
