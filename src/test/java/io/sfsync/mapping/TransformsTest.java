package io.sfsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TransformsTest {
    private final Transforms transforms = new Transforms((expr, value, row) -> expr + "|" + value + "|" + row.get("id"));

    private Object apply(String name, Object value) {
        return transforms.apply(name, value, Map.of("id", 7));
    }

    @Test
    void textTransforms() {
        assertThat(apply("trim", "  Ada  ")).isEqualTo("Ada");
        assertThat(apply("lowercase", "ADA@X.COM")).isEqualTo("ada@x.com");
        assertThat(apply("uppercase", "ca")).isEqualTo("CA");
        assertThat(apply("titlecase", "mary-jane o'neil")).isEqualTo("Mary-Jane O'Neil");
        assertThat(apply("trim", null)).isNull();
    }

    @Test
    void phonesBecomeDigitsOrE164() {
        assertThat(apply("digits", "(555) 123-4567")).isEqualTo("5551234567");
        assertThat(apply("e164", "(555) 123-4567")).isEqualTo("+15551234567");
        assertThat(apply("e164", "+44 20 7946 0958")).isEqualTo("+442079460958");
        assertThat(apply("e164", "0044 20 7946 0958")).isEqualTo("+442079460958");
        assertThat(apply("e164", "555.123.4567 ext. 89")).isEqualTo("+15551234567"); // the extension is not E.164
        assertThat(apply("e164", "n/a")).isNull(); // no number at all: no value, the field's default applies
    }

    @Test
    void aNumberWithoutCountryCodeIsReadInTheDefaultRegion() {
        Transforms germany = new Transforms((e, v, r) -> v, "DE");
        assertThat(germany.apply("e164", "030 1234567", Map.of())).isEqualTo("+49301234567");
        assertThat(germany.apply("e164", "+1 (555) 123-4567", Map.of())).isEqualTo("+15551234567");
        Transforms uk = new Transforms((e, v, r) -> v, "GB");
        assertThat(uk.apply("e164", "020 7946 0958", Map.of())).isEqualTo("+442079460958");
        assertThat(Transforms.knownPhoneRegion("DE")).isTrue();
        assertThat(Transforms.knownPhoneRegion("XX")).isFalse();
    }

    @Test
    void fullNamesSplitOnTheLastSpace() {
        assertThat(apply("first_name", "Ada King Lovelace")).isEqualTo("Ada King");
        assertThat(apply("last_name", "Ada King Lovelace")).isEqualTo("Lovelace");
        assertThat(apply("first_name", "Cher")).isNull();
        assertThat(apply("last_name", "Cher")).isEqualTo("Cher");
    }

    @Test
    void domainsComeFromEmailsAndWebsites() {
        assertThat(apply("domain", "ada@Engines.example")).isEqualTo("engines.example");
        assertThat(apply("domain", "https://www.engines.example:8443/about?x=1")).isEqualTo("engines.example");
        assertThat(apply("domain", "engines.example")).isEqualTo("engines.example");
    }

    @Test
    void simpleExpressionsAndBeansAreCustomCode() {
        assertThat(apply("simple:${body[id]}", "v")).isEqualTo("${body[id]}|v|7");
        assertThat(apply("bean:" + Shout.class.getName(), "hi")).isEqualTo("HI!");
        assertThatThrownBy(() -> apply("bean:no.such.Class", "x")).hasMessageContaining("no.such.Class");
    }

    public static final class Shout implements FieldTransform {
        @Override
        public Object apply(Object value, Map<String, Object> row) {
            return value.toString().toUpperCase() + "!";
        }
    }
}
