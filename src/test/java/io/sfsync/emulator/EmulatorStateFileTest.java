package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An emulator started with a state file finds its org as the previous run left it. */
class EmulatorStateFileTest {

    @Test
    void recordsCustomFieldsAndIdsSurviveARestart(@TempDir Path dir) {
        Path state = dir.resolve("org.json");
        String leadId;
        try (SalesforceEmulator first = SalesforceEmulator.builder().stateFile(state).build().start()) {
            first.control().handle("POST", "/fields", Map.of(),
                    "{\"object\":\"Lead\",\"name\":\"Region__c\",\"type\":\"picklist\",\"values\":[\"EMEA\",\"AMER\"],\"restricted\":true}");
            leadId = first.seed(Map.of("Lead", List.of(Map.of("_ref", "l", "LastName", "Kept", "Company", "C",
                    "Region__c", "EMEA")))).get("l");
        }
        try (SalesforceEmulator second = SalesforceEmulator.builder().stateFile(state).build().start()) {
            Map<String, Object> lead = second.org().store().get(leadId);
            assertThat(lead).containsEntry("LastName", "Kept").containsEntry("Region__c", "EMEA");
            assertThat(second.org().schema().object("Lead").field("Region__c").restrictedPicklist()).isTrue();
            String next = second.seed(Map.of("Lead", List.of(Map.of("_ref", "n", "LastName", "New", "Company", "C"))))
                    .get("n");
            assertThat(next).isNotEqualTo(leadId);
            assertThat(second.org().store().list("User", false)).hasSize(1);
        }
    }
}
