package io.sfsync.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sfsync.config.InboundConfig;

/** SourceTables.convert: a value a boolean column cannot hold must not become false. */
class SourceTablesConvertTest {
    static SourceTables tables;
    static final InboundConfig.Target T = new InboundConfig.Target("Contact", "flags", "id", null, Map.of(),
            InboundConfig.NewRows.SKIP, null, Map.of(), null);

    @BeforeAll
    static void db() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:convert;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE flags (id BIGINT PRIMARY KEY, opted_out BOOLEAN)");
        }
        tables = new SourceTables(ds);
    }

    @Test
    void aNumberOneIntoABooleanColumnIsTrue() {
        assertThat(tables.convert(T, "opted_out", new BigDecimal("1"), "Contact 003x")).isEqualTo(Boolean.TRUE);
    }

    @Test
    void textThatIsNoBooleanIsABadValueNotFalse() {
        Throwable t = catchThrowable(() -> tables.convert(T, "opted_out", "Yes", "Contact 003x"));
        assertThat(t).as("'Yes' into a boolean column").isInstanceOf(SourceTables.BadValue.class);
    }
}
