package io.sfsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import io.sfsync.config.SourceConfig;
import io.sfsync.synclog.Watermark;

/** The source reader's watermark semantics, whatever the column types and the JVM's time zone. */
class SourceReaderTest {

    private static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void aTimestampWithoutTimeZoneIsReadAndComparedAsUtcWhateverTheJvmZone() throws Exception {
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try {
            JdbcDataSource ds = h2("tz");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, changed TIMESTAMP NOT NULL)");
                s.execute("INSERT INTO t VALUES (1, TIMESTAMP '2026-01-01 10:00:00'), (2, TIMESTAMP '2026-01-01 10:30:00'),"
                        + " (3, TIMESTAMP '2026-01-01 11:30:00')");
            }
            SourceReader reader = new SourceReader(ds, new SourceConfig("SELECT id, changed FROM t", "id", "changed"));
            try (SourceReader.Cursor all = reader.open(Watermark.START, "1 = 1", 10)) {
                List<SourceRow> rows = all.next(10);
                assertThat(rows.get(0).changedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
                try (SourceReader.Cursor after = reader.open(new Watermark(rows.get(0).changedAt(), "1"), "1 = 1", 10)) {
                    assertThat(after.next(10)).extracting(SourceRow::key).containsExactly("2", "3");
                }
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void keysCompareAsTheirColumnsTypeNotAsText() throws Exception {
        JdbcDataSource ds = h2("keys");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, changed TIMESTAMP WITH TIME ZONE NOT NULL)");
            for (int i = 1; i <= 12; i++) {
                s.execute("INSERT INTO t VALUES (" + i + ", TIMESTAMP WITH TIME ZONE '2026-01-01 10:00:00+00')");
            }
        }
        SourceReader reader = new SourceReader(ds, new SourceConfig("SELECT id, changed FROM t", "id", "changed"));
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        try (SourceReader.Cursor after9 = reader.open(new Watermark(t, "9"), "1 = 1", 10)) {
            // as text "10" < "9"; as numbers 10, 11 and 12 come after 9
            assertThat(after9.next(10)).extracting(SourceRow::key).containsExactly("10", "11", "12");
        }
        assertThat(reader.byKeys(List.of("3", "11"), "id > 5")).extracting(SourceRow::key, SourceRow::inSegment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("3", false), org.assertj.core.groups.Tuple.tuple("11", true));
    }
}
