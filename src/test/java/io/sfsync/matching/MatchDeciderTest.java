package io.sfsync.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfigLoader;

/** The match decider on small indexes built by hand: one verdict per rule. */
class MatchDeciderTest {
    private static JobConfig job(String extra) {
        String yaml = """
                salesforce: {environment: custom, loginUrl: "https://x.example"}
                jobs:
                  people:
                    source: {query: "SELECT id, email, changed_at FROM person", key: id, changedAt: changed_at}
                    createAs: Lead
                    matchIn: [Contact, Lead]
                    matchBy: [link, externalId, email]
                    externalIdField: Ext__c
                """ + extra + """
                    fields:
                      Lead: {LastName: {from: email}, Company: {value: x}, Email: {from: email}, Ext__c: {from: id}}
                      Contact: {LastName: {from: email}, Email: {from: email}, Ext__c: {from: id}}
                """;
        return new SyncConfigLoader(name -> null).parse(yaml, "sync.yaml").job("people");
    }

    /** An index of the given records: object → records (each a map of field values with an Id). */
    @SafeVarargs
    private static MatchIndex index(Map.Entry<String, List<Map<String, Object>>>... byObject) {
        MatchIndex index = new MatchIndex("Ext__c");
        for (var e : byObject) {
            e.getValue().forEach(r -> index.add(e.getKey(), new java.util.LinkedHashMap<>(r)));
        }
        return index;
    }

    private static MatchDecider.Row row(String email) {
        return new MatchDecider.Row(null, null, null, email);
    }

    @Test
    void nothingFoundIsCreatedAsTheJobSays() {
        var d = MatchDecider.decide(job(""), "Lead", index(), row("new@x.example"));
        assertThat(d.kind()).isEqualTo(MatchDecider.Kind.CREATE);
        assertThat(d.object()).isEqualTo("Lead");
        assertThat(d.current()).isNull();
    }

    @Test
    void aContactIsPreferredOverALeadWithTheSameEmail() {
        var idx = index(Map.entry("Contact", List.of(Map.of("Id", "003A", "Email", "a@x.example"))),
                Map.entry("Lead", List.of(Map.of("Id", "00QA", "Email", "a@x.example"))));
        var d = MatchDecider.decide(job(""), "Lead", idx, row("a@x.example"));
        assertThat(d.kind()).isEqualTo(MatchDecider.Kind.UPDATE);
        assertThat(d.object()).isEqualTo("Contact");
        assertThat(d.current()).containsEntry("Id", "003A");
    }

    @Test
    void theLinkWinsOverTheEmailAndTheExternalIdOverTheEmail() {
        var idx = index(Map.entry("Lead", List.of(Map.of("Id", "00QL", "Email", "old@x.example"),
                Map.of("Id", "00QX", "Email", "other@x.example", "Ext__c", "7"),
                Map.of("Id", "00QE", "Email", "a@x.example"))));
        var linked = MatchDecider.decide(job(""), "Lead", idx, new MatchDecider.Row("Lead", "00QL", "7", "a@x.example"));
        assertThat(linked.current()).containsEntry("Id", "00QL");
        var byExt = MatchDecider.decide(job(""), "Lead", idx, new MatchDecider.Row(null, null, "7", "a@x.example"));
        assertThat(byExt.current()).containsEntry("Id", "00QX");
    }

    @Test
    void twoLiveMatchesAreAmbiguousUnlessTheJobUpdatesTheMostRecent() {
        var idx = index(Map.entry("Lead", List.of(
                Map.of("Id", "00Q1", "Email", "a@x.example", "LastModifiedDate", "2026-01-01T00:00:00.000+0000"),
                Map.of("Id", "00Q2", "Email", "a@x.example", "LastModifiedDate", "2026-02-01T00:00:00.000+0000"))));
        var d = MatchDecider.decide(job(""), "Lead", idx, row("a@x.example"));
        assertThat(d.kind()).isEqualTo(MatchDecider.Kind.DUPLICATE);
        assertThat(d.reason()).isEqualTo("AMBIGUOUS_MATCH");
        assertThat(d.message()).isEqualTo("2 Leads match email a@x.example: 00Q1, 00Q2");
        var latest = MatchDecider.decide(job("    onAmbiguousMatch: update_most_recent\n"), "Lead", idx, row("a@x.example"));
        assertThat(latest.kind()).isEqualTo(MatchDecider.Kind.UPDATE);
        assertThat(latest.current()).containsEntry("Id", "00Q2");
    }

    @Test
    void aConvertedLeadIsFollowedToItsContactAndNeverUpdatedItself() {
        var withContact = index(Map.entry("Lead", List.of(Map.of("Id", "00QC", "Email", "a@x.example", "IsConverted", true,
                "ConvertedContactId", "003C"))), Map.entry("Contact", List.of(Map.of("Id", "003C", "Email", "b@x.example"))));
        var d = MatchDecider.decide(job(""), "Lead", withContact, row("a@x.example"));
        assertThat(d.kind()).isEqualTo(MatchDecider.Kind.UPDATE);
        assertThat(d.object()).isEqualTo("Contact");
        var contactGone = index(Map.entry("Lead", List.of(Map.of("Id", "00QC", "Email", "a@x.example", "IsConverted", true,
                "ConvertedContactId", "003Z"))));
        var gone = MatchDecider.decide(job(""), "Lead", contactGone, row("a@x.example"));
        assertThat(gone.kind()).isEqualTo(MatchDecider.Kind.SKIPPED);
        assertThat(gone.reason()).isEqualTo("CONVERTED_LEAD");
    }

    @Test
    void createOnlyAndUpdateOnlyJobsSkipWhatTheyDoNotDo() {
        var idx = index(Map.entry("Lead", List.of(Map.of("Id", "00QA", "Email", "a@x.example"))));
        var createOnly = MatchDecider.decide(job("    mode: create_only\n"), "Lead", idx, row("a@x.example"));
        assertThat(createOnly.reason()).isEqualTo("EXISTS_CREATE_ONLY");
        var updateOnly = MatchDecider.decide(job("    mode: update_only\n"), "Lead", idx, row("nobody@x.example"));
        assertThat(updateOnly.reason()).isEqualTo("NOT_FOUND_UPDATE_ONLY");
    }
}
