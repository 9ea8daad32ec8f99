package io.sfsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfigLoader;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.source.SourceRow;

class MappingProcessorTest {
    private static final ObjectInfo LEAD = new ObjectInfo("Lead", List.of(
            new FieldInfo("LastName", "string", 80, true, true, false, false, List.of(), false),
            new FieldInfo("Company", "string", 255, true, true, false, false, List.of(), false),
            new FieldInfo("Email", "email", 80, true, true, true, false, List.of(), false),
            new FieldInfo("Title", "string", 10, true, true, true, false, List.of(), false),
            new FieldInfo("Description", "textarea", 10, true, true, true, false, List.of(), false),
            new FieldInfo("NumberOfEmployees", "int", 0, true, true, true, false, List.of(), false),
            new FieldInfo("Industry", "picklist", 255, true, true, true, false, List.of("Technology", "Finance"), true),
            new FieldInfo("Rating", "picklist", 255, true, true, true, false, List.of("Hot", "Cold"), true)));

    private static MappedRecord map(String fields, Map<String, Object> row) {
        String yaml = """
                jobs:
                  j:
                    source: {query: "SELECT 1", key: id, changedAt: t}
                    matchIn: [Lead]
                    matchBy: [email]
                    fields:
                      Lead:
                """ + fields.indent(8);
        JobConfig job = new SyncConfigLoader(n -> null).parse(yaml, "t").job("j");
        Map<String, Object> cols = new LinkedHashMap<>(row);
        cols.putIfAbsent("id", 42);
        return new MappingProcessor(job, Map.of("Lead", LEAD), new Transforms((e, v, r) -> v))
                .map(new SourceRow("42", Instant.EPOCH, cols, true));
    }

    @Test
    void blanksAreLeftOutSoTheyNeverOverwriteAndDefaultsFillThem() {
        MappedRecord m = map("""
                LastName: {from: last_name, default: "[Unknown]"}
                Company: {from: company}
                Title: {from: title}
                """, Map.of("last_name", "  ", "company", "Acme", "title", ""));
        assertThat(m.valuesOf("Lead")).containsExactly(Map.entry("LastName", "[Unknown]"), Map.entry("Company", "Acme"));
        assertThat(m.errors()).isEmpty();
    }

    @Test
    void picklistsAreTranslatedThenDroppedDefaultedOrReported() {
        MappedRecord m = map("""
                Industry: {from: industry, picklist: {IT: Technology}}
                Rating: {from: rating, onInvalid: drop}
                """, Map.of("industry", "it", "rating", "Lukewarm"));
        assertThat(m.valuesOf("Lead")).containsExactly(Map.entry("Industry", "Technology"));
        MappedRecord d = map("Rating: {from: rating, onInvalid: default, default: Cold}", Map.of("rating", "Lukewarm"));
        assertThat(d.valuesOf("Lead")).containsEntry("Rating", "Cold");
        MappedRecord e = map("Industry: {from: industry}", Map.of("industry", "Alchemy"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.code()).isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
            assertThat(err.field()).isEqualTo("Industry");
            assertThat(err.message()).contains("Lead.Industry").contains("Alchemy");
        });
    }

    @Test
    void tooLongTextIsAnErrorUnlessTruncated() {
        MappedRecord e = map("Title: {from: title}", Map.of("title", "Chief Everything Officer"));
        assertThat(e.errors()).singleElement().extracting(MappedRecord.MappingError::code).isEqualTo("STRING_TOO_LONG");
        MappedRecord t = map("Title: {from: title, transform: [truncate]}", Map.of("title", "Chief Everything Officer"));
        assertThat(t.valuesOf("Lead")).containsEntry("Title", "Chief Ever");
    }

    @Test
    void invalidEmailsAndNumbersNameTheField() {
        MappedRecord m = map("""
                Email: {from: email}
                NumberOfEmployees: {from: employees}
                """, Map.of("email", "not-an-email", "employees", "lots"));
        assertThat(m.errors()).extracting(MappedRecord.MappingError::field).containsExactly("Email", "NumberOfEmployees");
        assertThat(m.errors().get(1).message()).isEqualTo("Lead.NumberOfEmployees: 'lots' is not a number");
        MappedRecord ok = map("NumberOfEmployees: {from: employees}", Map.of("employees", "1,200"));
        assertThat(ok.valuesOf("Lead")).containsEntry("NumberOfEmployees", 1200);
    }

    @Test
    void thePayloadHashChangesOnlyWhenWhatWouldBeWrittenChanges() {
        String f = "LastName: {from: last_name}\nEmail: {from: email, transform: [trim, lowercase]}";
        MappedRecord a = map(f, Map.of("last_name", "Lovelace", "email", "ADA@x.example", "ignored", 1));
        MappedRecord b = map(f, Map.of("last_name", "Lovelace", "email", " ada@x.example ", "ignored", 2));
        MappedRecord c = map(f, Map.of("last_name", "King", "email", "ada@x.example"));
        assertThat(a.payloadHash()).isEqualTo(b.payloadHash()).isNotEqualTo(c.payloadHash());
        assertThat(a.email()).isEqualTo("ada@x.example");
    }
}
