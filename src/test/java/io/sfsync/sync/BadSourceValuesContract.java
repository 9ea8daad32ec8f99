package io.sfsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.synclog.SyncStore;

/**
 * Bad values in source rows, one row each beside good ones: each bad row ends ERROR with a message
 * naming the row and the field, the good rows are created, every row has exactly one sync_log row,
 * and what Salesforce holds is exactly what the log says was created. Subclasses run it on H2 and
 * PostgreSQL.
 */
abstract class BadSourceValuesContract {

    abstract SyncHarness sync();

    @BeforeEach
    void clean() {
        sync().reset();
    }

    /** A bad value, the field it lands in, and what the error must say. */
    private record Bad(long id, String column, Object value, String code, String field, String says) {
    }

    private static final List<Bad> BAD = List.of(
            new Bad(10, "email", "not-an-email", "INVALID_EMAIL_ADDRESS", "Email", "not a valid email address"),
            new Bad(11, "email", "two@@x.example", "INVALID_EMAIL_ADDRESS", "Email", "not a valid email address"),
            new Bad(12, "title", "T".repeat(129), "STRING_TOO_LONG", "Title", "129 characters"),
            new Bad(13, "lead_source", "12.5", "MAPPING_ERROR", "NumberOfEmployees", "not a whole number"),
            new Bad(14, "lead_source", "many", "MAPPING_ERROR", "NumberOfEmployees", "'many' is not a number"),
            new Bad(15, "lead_source", "99999999999", "MAPPING_ERROR", "NumberOfEmployees", "out of the integer"),
            new Bad(16, "phone", "maybe", "MAPPING_ERROR", "HasOptedOutOfEmail", "'maybe' is not true or false"),
            new Bad(17, "first_name", "F".repeat(41), "STRING_TOO_LONG", "FirstName", "41 characters"));

    @Test
    void eachBadValueIsAnErrorNamingRowAndFieldAndTheRestIsCreated() {
        SyncHarness s = sync();
        s.person(1).insert();
        s.person(2).with("first_name", "Zoë 山田 🚀").with("last_name", "Ñúñez-O'Brien").insert(); // unicode: fine
        s.person(3).with("first_name", null).with("last_name", null).email(null).with("title", null)
                .insert(); // nulls everywhere: defaults fill what Salesforce requires
        s.person(4).with("first_name", "   ").title("  ").insert(); // blank is no value
        s.person(5).email("o'brien+%_@x.example").insert(); // SOQL metacharacters in a valid email
        s.person(6).with("lead_source", "1,200").with("phone", "yes").insert(); // convertible values
        for (Bad b : BAD) {
            s.person(b.id()).with(b.column(), b.value()).insert();
        }
        RunContext run = s.run("bad_values");

        List<SyncStore.LogEntry> log = s.log(run);
        assertThat(log).hasSize(6 + BAD.size());
        assertThat(log.stream().map(SyncStore.LogEntry::sourceKey).distinct()).hasSize(6 + BAD.size());
        for (Bad b : BAD) {
            SyncStore.LogEntry e = s.outcome(run, String.valueOf(b.id()));
            assertThat(e.action()).as("row %s", b.id()).isEqualTo("ERROR");
            assertThat(e.reason()).as("row %s", b.id()).isEqualTo(b.code());
            assertThat(e.message()).as("row %s", b.id()).contains("row " + b.id()).contains(b.field()).contains(b.says());
            assertThat(e.fields()).as("row %s", b.id()).contains(b.field());
        }
        for (long good = 1; good <= 6; good++) {
            assertThat(s.outcome(run, String.valueOf(good)).action()).as("row %s", good).isEqualTo("CREATED");
        }
        assertThat(run.status()).isEqualTo("PARTIAL");
        assertThat(run.counts().created()).isEqualTo(6);
        assertThat(run.counts().errors()).isEqualTo(BAD.size());
        List<Map<String, Object>> leads = s.records("Lead");
        assertThat(leads).hasSize(6);
        assertThat(leads).anySatisfy(l -> assertThat(l).containsEntry("FirstName", "Zoë 山田 🚀")
                .containsEntry("LastName", "Ñúñez-O'Brien"));
        assertThat(leads).anySatisfy(l -> assertThat(l).containsEntry("LastName", "[Unknown]")
                .containsEntry("Company", "[Not Provided]"));
        assertThat(leads).anySatisfy(l -> assertThat(l).containsEntry("NumberOfEmployees", 1200)
                .containsEntry("HasOptedOutOfEmail", true));
        assertThat(leads).anySatisfy(l -> assertThat(l.get("Email")).isEqualTo("o'brien+%_@x.example"));
        assertThat(leads).noneSatisfy(l -> assertThat(l.get("FirstName")).isEqualTo("   "));
    }
}
