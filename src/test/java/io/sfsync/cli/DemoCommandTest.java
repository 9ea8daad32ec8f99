package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The README's first command, as a person runs it: a real sync with every category in its report. */
class DemoCommandTest {

    @Test
    void theDemoSyncsAndPrintsAReportWithEveryCategory() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = SfsyncCommand.commandLine().execute("demo", "--exit", "--emulator-port", "0", "--http-port", "0", "--hawtio-port", "0",
                    "--people", "120");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        // the demo data holds deliberate problem rows (errors, duplicates): the run is PARTIAL, exit code 3
        assertThat(code).as(out).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(out).containsPattern("\\d+ created, \\d+ updated, \\d+ skipped, \\d+ duplicates, \\d+ errors");
        assertThat(out).contains("Created (", "Updated (", "Skipped (", "Duplicates (", "Errors (");
        assertThat(out).contains("Console:", "Hawtio:   http://127.0.0.1:", "Demo users (this run only):  admin / ");
        assertThat(out).contains("OWNED_BY_OTHER_USER", "AMBIGUOUS_MATCH", "DUPLICATE_IN_SOURCE", "INVALID_EMAIL_ADDRESS",
                "NOT_IN_SEGMENT", "— fix: ");
        // the demo's touchpoints, as completed Tasks of the same run; those of people still out wait or are skipped
        assertThat(out).containsPattern("Created \\(\\d+\\)\\n  \\d+ Leads(, \\d+ Contacts?)?, \\d+ Tasks");
        assertThat(out).contains("PERSON_NOT_IN_SEGMENT", "PERSON_NOT_LINKED");
        // then the other way: the crm job brings the org in, and its second run what Salesforce users changed
        assertThat(out).contains("Running the crm job (Salesforce → source) once", "Meanwhile, in Salesforce:",
                ": deleted", ": converted to Contact", "Running the crm job again");
        assertThat(out).containsPattern("Run \\d+ of crm — SUCCEEDED");
        assertThat(out).contains("Unlinked (deleted or merged in Salesforce) (1)", "DELETED_IN_SALESFORCE",
                "LEAD_CONVERTED", "Updated (");
        // and people once more: every category shows, NO_CHANGE too; nothing deleted in Salesforce comes back
        String again = out.substring(out.indexOf("Running the people job again"));
        assertThat(again).contains("NO_CHANGE (", "Salesforce already has these values").doesNotContain("Created (");
    }
}
