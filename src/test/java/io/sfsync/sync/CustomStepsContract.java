package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.synclog.SyncStore;

/**
 * Steps of one's own, written in YAML only and put into the shipped flow with one `to:` each, as the
 * README shows: a filter, an enrichment before map, a field set after it, a step that fails and one that
 * tries to drop a row. Each row still ends in exactly one sync_log row, and Salesforce holds what the
 * log says. Subclasses run it on H2 and PostgreSQL.
 */
abstract class CustomStepsContract {

    abstract SyncHarness sync();

    /**
     * The shipped routes with the steps of src/test/resources/routes-custom added: the enrichment before
     * map, the filter after it (both in prepare-batch), and the rest between overwrite and accounts.
     */
    static Path routesWithCustomSteps(Path dir) {
        try {
            Path routes = Files.createDirectories(dir.resolve("routes"));
            try (Stream<Path> shipped = Files.walk(Path.of("routes"))) {
                for (Path p : shipped.toList()) {
                    Path to = routes.resolve(Path.of("routes").relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            Path flow = routes.resolve("outbound-sync.camel.yaml");
            String yaml = Files.readString(flow);
            String map = "        - to: direct:sfsync-map ";
            String overwrite = "              - to: direct:sfsync-overwrite ";
            String record = "              - to: direct:sfsync-record ";
            assertThat(yaml).contains(map, overwrite, record);
            yaml = yaml.replace(map, "        - to: direct:default-lead-source\n        - to: direct:tag-vip\n" + map)
                    .replace("        - to: direct:sfsync-lookup ", "        - to: direct:skip-interns\n"
                            + "        - to: direct:skip-example-org\n        - to: direct:explode-while-preparing\n"
                            + "        - to: direct:sfsync-lookup ")
                    .replace(overwrite, "              - to: direct:shout-titles\n              - to: direct:explode-on-boom\n"
                            + "              - to: direct:drop-rows\n" + overwrite)
                    .replace(record, "              - to: direct:explode-after-write\n" + record);
            Files.writeString(flow, yaml);
            for (String f : List.of("my-steps.camel.yaml", "own-flows.camel.yaml")) {
                Files.copy(Path.of("src/test/resources/routes-custom").resolve(f), routes.resolve(f));
            }
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jobs that run flows of their own (src/test/resources/routes-custom/own-flows.camel.yaml). */
    static final String OWN_FLOW_JOBS = """
              own_flow:
                <<: *people
                route: direct:own-flow
              forgetful:
                <<: *people
                route: direct:forgetful-flow
              double_record:
                <<: *people
                route: direct:double-record-flow
              finish_first:
                <<: *people
                route: direct:finish-first-flow
            """;

    @BeforeEach
    void clean() {
        sync().reset();
    }

    private static Map<String, Object> lead(SyncHarness s, String key, RunContext run) {
        return s.record(s.outcome(run, key).sfId());
    }

    @Test
    void aYamlFilterSkipsRowsWithItsOwnReasonAndTheyAreNotWritten() {
        SyncHarness s = sync();
        s.person(1).title("Sales Intern").insert();
        s.person(2).title("VP Sales").insert();
        s.person(3).title("Intern, Marketing").insert();
        RunContext run = s.run("people");

        List<SyncStore.LogEntry> log = s.log(run);
        assertThat(log).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("1", "2", "3");
        SyncStore.LogEntry skipped = s.outcome(run, "1");
        assertThat(skipped.action()).isEqualTo("SKIPPED");
        assertThat(skipped.reason()).isEqualTo("FILTERED");
        assertThat(skipped.message()).isEqualTo("interns are not synced");
        assertThat(s.outcome(run, "3").reason()).isEqualTo("FILTERED");
        assertThat(s.outcome(run, "2").action()).isEqualTo("CREATED");
        assertThat(s.records("Lead")).extracting(r -> r.get("Email")).containsExactly("person2@example.com");
        assertThat(run.counts().skipped()).isEqualTo(2);
        assertThat(run.counts().created()).isEqualTo(1);
    }

    @Test
    void aFilteredRowIsFilteredAgainWhileItStaysAndSyncedOnceItNoLongerMatches() {
        SyncHarness s = sync();
        s.person(1).title("Intern").insert();
        assertThat(s.outcome(s.run("people"), "1").reason()).isEqualTo("FILTERED");
        s.update(1, "title", "Account Executive");
        RunContext later = s.run("people");
        assertThat(s.outcome(later, "1").action()).isEqualTo("CREATED");
        assertThat(lead(s, "1", later)).containsEntry("Title", "ACCOUNT EXECUTIVE");
    }

    @Test
    void theShippedKameletsSkipAndEnrichWithTheParametersTheFlowGivesThem() {
        SyncHarness s = sync();
        s.person(1).email("tester@example.org").insert();
        s.person(2).title("CEO").with("first_name", "Ada").insert();
        s.person(3).title("CTO").insert();
        RunContext run = s.run("people");

        SyncStore.LogEntry skipped = s.outcome(run, "1");
        assertThat(skipped.action()).isEqualTo("SKIPPED");
        assertThat(skipped.reason()).isEqualTo("NOT_A_BUYER");
        assertThat(skipped.message()).isEqualTo("example.org is a test domain");
        assertThat(lead(s, "2", run)).containsEntry("LeadSource", "VIP Ada");
        assertThat(lead(s, "3", run)).containsEntry("LeadSource", "Partner Referral"); // only when the condition holds
        assertThat(s.records("Lead")).hasSize(2);
    }

    @Test
    void aYamlEnrichmentSetsAColumnBeforeMapAndTheFieldRuleSendsIt() {
        SyncHarness s = sync();
        s.person(1).insert(); // no lead source: the enrichment gives one
        s.person(2).with("lead_source", "Web").insert();
        RunContext run = s.run("people");

        assertThat(lead(s, "1", run)).containsEntry("LeadSource", "Partner Referral");
        assertThat(lead(s, "2", run)).containsEntry("LeadSource", "Web");
        // the enriched value is part of the payload: a row read again unchanged costs no write
        s.update(1, "email", "person1@example.com");
        RunContext again = s.run("people");
        assertThat(s.outcome(again, "1").reason()).isEqualTo("NO_CHANGE");
    }

    @Test
    void aFieldSetAfterMapIsWrittenAndCountsInThePayloadHash() {
        SyncHarness s = sync();
        s.person(1).title("Head of Growth").insert();
        RunContext run = s.run("people");
        assertThat(lead(s, "1", run)).containsEntry("Title", "HEAD OF GROWTH");
        s.update(1, "phone", "+1 415 555 0100");
        RunContext changed = s.run("people");
        assertThat(s.outcome(changed, "1").action()).isEqualTo("UPDATED");
        assertThat(s.record(s.outcome(changed, "1").sfId())).containsEntry("Title", "HEAD OF GROWTH");
    }

    @Test
    void aStepOfOnesOwnThatFailsLeavesItsBatchPendingAndTheRunFailed() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("Boom").insert();
        RunContext run = s.run("people");

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.stopReason()).contains("a step of one's own failed");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::action).containsOnly("PENDING");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::reason).containsOnly("STEP_FAILED");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("1", "2");
        assertThat(s.records("Lead")).isEmpty();
        // fixed, the next run reads both rows again: nothing was lost
        s.update(2, "title", "CFO");
        RunContext fixed = s.run("people");
        assertThat(fixed.status()).isEqualTo("SUCCEEDED");
        assertThat(s.log(fixed)).extracting(SyncStore.LogEntry::action).containsOnly("CREATED");
        assertThat(s.records("Lead")).hasSize(2);
    }

    @Test
    void aStepOfPrepareBatchThatFailsLeavesTheRowsItHadReadPending() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("Early Boom").insert();
        RunContext run = s.run("people");

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.stopReason()).contains("a step of prepare-batch failed");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("1", "2");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::reason).containsOnly("STEP_FAILED");
        assertThat(s.records("Lead")).isEmpty();
        s.update(2, "title", "COO");
        assertThat(s.run("people").counts().created()).isEqualTo(2);
    }

    @Test
    void aStepThatFailsAfterTheWriteLeavesWhatWasWrittenLoggedAndLinkedNotPending() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).title("Late Boom").insert();
        RunContext run = s.run("people");

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.stopReason()).contains("a step after write failed");
        // Salesforce has both: the log says so, with their Ids, and their links are kept
        assertThat(s.records("Lead")).hasSize(2);
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::action).containsOnly("CREATED");
        assertThat(s.store().links("people", List.of("1", "2"))).hasSize(2);
        assertThat(run.counts().created()).isEqualTo(2);
        // the next run has nothing to do for them
        s.update(2, "phone", "+1 415 555 0199");
        RunContext next = s.run("people");
        assertThat(s.outcome(next, "2").action()).isEqualTo("UPDATED");
        assertThat(s.records("Lead")).hasSize(2);
    }

    @Test
    void aStepCannotDropARowFromItsBatch() {
        SyncHarness s = sync();
        s.person(1).title("Drop").insert();
        s.person(2).insert();
        RunContext run = s.run("people");

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("1", "2");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::action).containsOnly("PENDING");
        assertThat(s.records("Lead")).isEmpty();
    }

    @Test
    void aStepSettlesARowOnlyWithAnActionAStepMayTakeAndAReasonCode() {
        RecordWork row = new RecordWork(new io.sfsync.source.SourceRow("7", java.time.Instant.now(),
                new java.util.LinkedHashMap<>(Map.of("title", "x")), true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.settle("CREATED", "MINE", "no"))
                .hasMessageContaining("row 7").hasMessageContaining("CREATED");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.skip("not a code", "no"))
                .hasMessageContaining("row 7").hasMessageContaining("reason");
        row.skip("FILTERED", "mine");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.skip("FILTERED", "again"))
                .hasMessageContaining("settled already");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.setColumn("title", "y"))
                .hasMessageContaining("before the map step");
        // the fields a row is matched by are set through their columns, before map
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.setField("Email", "a@x.example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 7: field Email is what the row is matched by");
    }

    @Test
    void aJobRunsTheYamlFlowItNamesInsteadOfTheShippedOne() {
        SyncHarness s = sync();
        s.person(1).title("Intern").insert(); // the shipped flow's filter is not in this job's flow
        s.person(2).title("CFO").insert();    // this job's own filter is
        RunContext run = s.run("own_flow");

        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(s.outcome(run, "1").action()).isEqualTo("CREATED");
        SyncStore.LogEntry cfo = s.outcome(run, "2");
        assertThat(cfo.reason()).isEqualTo("NOT_FOR_THIS_JOB");
        assertThat(cfo.message()).isEqualTo("finance is synced by another job");
        assertThat(s.records("Lead")).extracting(r -> r.get("Title")).containsExactly("Intern");
        assertThat(s.runtime.camel().getRoute("own_flow-outbound")).isNotNull(); // its route names its job
    }

    @Test
    void aFlowThatEndsWithoutRecordingItsBatchLeavesItsRowsPendingAndItsRunClosed() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).insert();
        RunContext run = s.run("forgetful");

        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::action).containsOnly("PENDING");
        assertThat(s.log(run)).hasSize(2);
        assertThat(s.log(run).get(0).message()).contains("direct:forgetful-flow ended before batch 1 was recorded");
        assertThat(s.records("Lead")).isEmpty();
        // the job's lease is free again: the next run goes ahead (and reads both rows again)
        assertThat(s.run("people").counts().created()).isEqualTo(2);
    }

    @Test
    void aFlowThatRecordsABatchTwiceLogsAndCountsEachRowOnce() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).insert();
        s.person(3).insert();
        RunContext run = s.run("double_record");
        assertThat(s.log(run)).extracting(SyncStore.LogEntry::sourceKey).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(s.store().run(run.runId()).orElseThrow().counts().created()).isEqualTo(3);
        assertThat(run.counts().created()).isEqualTo(3);
    }

    @Test
    void stepsAfterFinishRunWriteNothingAndLeaveNoThreadBehind() throws Exception {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).insert();
        RunContext run = s.run("finish_first");
        assertThat(s.records("Lead")).isEmpty();
        assertThat(s.log(run)).isEmpty();
        Thread.sleep(300);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("sfsync-prepare-finish_first") || n.startsWith("sfsync-lookup-finish_first"));
        // the rows were never read: the next run of a job with the shipped flow creates them
        assertThat(s.run("people").counts().created()).isEqualTo(2);
    }
}
